/**
 * The viewer's real file-transfer core (ui/viewer/files/file-transfers.ts) on the Node viewer of
 * the helper's e2e tests: its payloads are sealed with the viewer's keys and sent through the
 * real server; the files channel's opened payloads come back to it. The link is "up" while the
 * viewer holds keys agreed with the current helper socket, "down" from `helper.left` until new
 * keys are agreed (what ViewerSession does with onSecured / leaveHelper in the browser).
 * Downloads are written to a file as they arrive (bounded memory), and renamed when checked.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DataChannel } from '../../../protocol/frame';
import type { E2eSession } from '../../../protocol/crypto/e2e-session';
import type { DownloadSink } from '../../../ui/viewer/files/download';
import { FileTransfers } from '../../../ui/viewer/files/file-transfers';
import type { NodeViewer } from '../helper/node-viewer';

/** How often the binding looks at the viewer's keys, in ms. */
const WATCH_MS = 5;

export class ViewerFiles {
  readonly core: FileTransfers;
  /** Final paths of the downloads saved, by name. */
  readonly saved = new Map<string, string>();
  private session: E2eSession | null = null;
  private seenMessages = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly viewer: NodeViewer,
    private readonly downloads: string,
  ) {
    this.core = new FileTransfers({
      transport: {
        send: (payload) => {
          if (!this.viewer.session || this.viewer.session !== this.session) return false;
          void this.viewer.sendSealed(DataChannel.files, payload).catch(() => undefined);
          return true;
        },
      },
      createSink: (name) => this.fileSink(name),
    });
    viewer.onFiles = (p) => this.core.onPayload(p);
    this.core.setAllowed(true);
    this.timer = setInterval(() => this.watch(), WATCH_MS);
    this.watch();
  }

  close(): void {
    clearInterval(this.timer);
    this.viewer.onFiles = null;
    this.core.close();
  }

  private watch(): void {
    const msgs = this.viewer.messages;
    for (; this.seenMessages < msgs.length; this.seenMessages++) {
      if (msgs[this.seenMessages]!.type === 'helper.left' && this.session !== null) {
        this.session = null;
        this.core.linkDown();
      }
    }
    const s = this.viewer.session;
    if (s !== null && s !== this.session) {
      if (this.session !== null) this.core.linkDown();
      this.session = s;
      this.core.linkUp();
    }
  }

  private fileSink(name: string): DownloadSink {
    const part = path.join(this.downloads, `.${name}.${Date.now()}.part`);
    const fd = openSync(part, 'w');
    let open = true;
    const shut = () => {
      if (open) closeSync(fd);
      open = false;
    };
    return {
      append: (data) => {
        writeSync(fd, data);
      },
      finish: (n) => {
        shut();
        const final = path.join(this.downloads, n);
        renameSync(part, final);
        this.saved.set(n, final);
      },
      discard: () => {
        shut();
        rmSync(part, { force: true });
      },
    };
  }
}
