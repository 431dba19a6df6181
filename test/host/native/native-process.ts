/**
 * A test runner that talks to the real helper process in native-messaging mode, with no browser:
 * spawns `node <bundle> chrome-extension://ID/` (as Chrome does), writes framed requests to its
 * stdin and parses its stdout strictly (a stray byte fails the test).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CHROME_EXTENSION_ID } from '../../../protocol/extension-ids';
import type { HostToExtension } from '../../../protocol/native-channel';
import { parseStrict } from './native-frames';

export const CHROME_CALLER = `chrome-extension://${CHROME_EXTENSION_ID}/`;

export class NativeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private out = Buffer.alloc(0);
  stderr = '';
  private parseError: Error | null = null;
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(bundlePath: string, args: string[] = [CHROME_CALLER], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, [bundlePath, ...args], { env, stdio: 'pipe' });
    // A host that exits early (as it should on bad input) closes its stdin: not a test failure.
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.out = Buffer.concat([this.out, chunk]);
      try {
        parseStrict(this.out);
      } catch (err) {
        this.parseError = err instanceof Error ? err : new Error(String(err));
      }
      this.wake();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => (this.wake(), resolve(code))));
  }

  write(bytes: Uint8Array): void {
    this.child.stdin.write(bytes);
  }

  end(bytes?: Uint8Array): void {
    if (bytes) this.child.stdin.end(bytes);
    else this.child.stdin.end();
  }

  /** Every message so far; throws if stdout held anything but well-formed frames. */
  messages(): HostToExtension[] {
    if (this.parseError) throw this.parseError;
    return parseStrict(this.out).messages;
  }

  /** All stdout bytes were whole frames (nothing left over). */
  stdoutIsClean(): boolean {
    return !this.parseError && parseStrict(this.out).rest.length === 0;
  }

  async waitFor(pred: (m: HostToExtension) => boolean, timeoutMs = 10_000): Promise<HostToExtension> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages().find(pred);
      if (found) return found;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `no matching message; got ${JSON.stringify(this.messages())}; stderr: ${this.stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        const done = () => (this.waiters.delete(done), resolve());
        this.waiters.add(done);
        setTimeout(done, 200);
      });
    }
  }

  reply(id: string): Promise<HostToExtension> {
    return this.waitFor((m) => 'id' in m && m.id === id);
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
