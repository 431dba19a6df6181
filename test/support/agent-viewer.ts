/**
 * The agent's viewer for end-to-end tests in Node: the real viewer core the extension runs
 * (ui/viewer/viewer-session.ts `ViewerSession`: its socket, reconnect timer, key agreement,
 * decoder, consent handling and file transfers), with only what a browser page would add
 * replaced: the `ws` package for the WebSocket, the decoder worker's code in-process, a painter
 * that keeps the picture in memory, and a download sink that writes fetched files to a folder as
 * they arrive (bounded memory, like Chromium's on-disk Blobs) and renames them once checked.
 * Tests see what the agent would: phases, the picture, the Files panel's snapshots.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { DownloadSink } from '../../ui/viewer/files/download';
import type { FileTransfers } from '../../ui/viewer/files/file-transfers';
import type { FileTransferView } from '../../ui/viewer/files/transfer-types';
import { ViewerSession, type ViewerSnapshot } from '../../ui/viewer/viewer-session';
import { FramebufferPainter } from '../ui/viewer/support/framebuffer-painter';
import { InProcessDecoder } from '../ui/viewer/support/in-process-decoder';
import { NodeSocket } from '../ui/viewer/support/node-socket';
import { until } from './polling';

export interface AgentViewerOptions {
  /** The server's /ws URL and its origin (the extension's origin is allowed; the server's too). */
  wsUrl: string;
  origin: string;
  /** The agent's login token. */
  token: string;
  sessionId: string;
  /** Where fetched files are saved. */
  downloads: string;
}

export class AgentViewer {
  readonly session: ViewerSession;
  readonly painter = new FramebufferPainter();
  /** Final paths of the fetched files saved, by name. */
  readonly saved = new Map<string, string>();
  /** Every phase each transfer went through, in order. */
  readonly phases = new Map<string, string[]>();
  /** Every viewer phase, in order (changes only). */
  readonly viewerPhases: string[] = [];
  /** Sockets the session opened (one per connection). */
  readonly sockets: NodeSocket[] = [];
  /** The customer's clipboard texts as they arrived, whole. */
  readonly clips: string[] = [];

  constructor(private readonly options: AgentViewerOptions) {
    this.session = new ViewerSession({
      url: options.wsUrl,
      token: options.token,
      sessionId: options.sessionId,
      painter: this.painter,
      createDecoder: () => new InProcessDecoder(),
      createSocket: (url) => {
        const socket = new NodeSocket(url, options.origin);
        this.sockets.push(socket);
        return socket;
      },
      createFileSink: (name) => this.fileSink(name),
      onClipboard: (text) => this.clips.push(text),
    });
    this.session.subscribe((s) => {
      if (this.viewerPhases.at(-1) !== s.phase) this.viewerPhases.push(s.phase);
    });
    this.session.files.subscribe((s) => {
      for (const t of s.transfers) {
        const seen = this.phases.get(t.id) ?? [];
        if (seen.at(-1) !== t.phase) this.phases.set(t.id, [...seen, t.phase]);
      }
    });
  }

  get files(): FileTransfers {
    return this.session.files;
  }

  get snapshot(): ViewerSnapshot {
    return this.session.snapshot;
  }

  transfer(id: string): FileTransferView | undefined {
    return this.files.snapshot().transfers.find((t) => t.id === id);
  }

  /** Waits for a transfer's phase; fails at once if it fails or is cancelled instead. */
  phase(id: string, want: FileTransferView['phase'], timeoutMs = 120_000): Promise<FileTransferView> {
    return until(
      `transfer ${want}`,
      () => {
        const t = this.transfer(id);
        if (t && t.phase !== want && (t.phase === 'failed' || t.phase === 'cancelled'))
          throw new Error(`${t.phase}: ${JSON.stringify(t.error)}`);
        return t?.phase === want ? t : undefined;
      },
      timeoutMs,
    ).catch((err: unknown) => {
      // The probe's own error says why; a timeout names the phases seen.
      const t = this.transfer(id);
      throw new Error(
        `${String(err)} (phases ${JSON.stringify(this.phases.get(id))}, now ${JSON.stringify(t?.error)})`,
      );
    });
  }

  /** The picture's pixel as 0xRRGGBB (null before a picture). */
  pixel(x: number, y: number): number | null {
    const p = this.painter;
    if (p.width === 0 || x >= p.width || y >= p.height) return null;
    const i = (y * p.width + x) * 4;
    return (p.data[i]! << 16) | (p.data[i + 1]! << 8) | p.data[i + 2]!;
  }

  /** Drops the viewer's own socket, as a network failure would (it reconnects by itself). */
  dropSocket(): void {
    this.sockets.at(-1)?.ws.terminate();
  }

  close(): void {
    this.session.close();
  }

  private fileSink(name: string): DownloadSink {
    const part = path.join(this.options.downloads, `.${name}.${Date.now()}.part`);
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
        const final = path.join(this.options.downloads, n);
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
