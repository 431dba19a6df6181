/**
 * A native host on in-memory pipes, for the native tests: frames go in through `input`, and what
 * the host writes is read back with the strict stdout parser (nothing but frames may appear).
 */
import { PassThrough } from 'node:stream';
import type { HelperController } from '../../../host/native/helper-controller';
import { LocalHelperController } from '../../../host/native/local-helper-controller';
import { runNativeHost } from '../../../host/native/native-host';
import type { OsDescription } from '../../../host/native/os-info';
import type { HostToExtension } from '../../../protocol/native-channel';
import type { FileChooser } from '../../../host/platform/types';
import { parseStrict } from './native-frames';

export const TEST_OS: OsDescription = {
  os: { platform: 'linux', release: '6.1', arch: 'x64', display: 'x11' },
  supported: true,
};

export function startHost(
  controller: HelperController = new LocalHelperController(),
  os: OsDescription = TEST_OS,
  /** The file chooser host.file_offer opens (none by default). */
  chooser: { fileChooser?: FileChooser | null; chooserTitle?: string } = {},
) {
  const input = new PassThrough();
  let out = Buffer.alloc(0);
  const logs: string[] = [];
  const waiters: (() => void)[] = [];
  const exit = runNativeHost({
    input,
    write: async (bytes) => {
      out = Buffer.concat([out, bytes]);
      waiters.splice(0).forEach((w) => w());
    },
    controller,
    version: '9.9.9',
    os,
    log: (line) => logs.push(line),
    littleEndian: true,
    ...chooser,
  });
  const messages = () => parseStrict(out).messages;
  /** The first message the host wrote that satisfies `pred`, waiting for it if need be. */
  async function waitFor(pred: (m: HostToExtension) => boolean): Promise<HostToExtension> {
    for (;;) {
      const found = messages().find(pred);
      if (found) return found;
      await new Promise<void>((r) => waiters.push(r));
    }
  }
  const reply = (id: string) => waitFor((m) => 'id' in m && m.id === id);
  return { input, exit, messages, waitFor, reply, logs, raw: () => out };
}
