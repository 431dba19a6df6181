/**
 * Starts a browser in a private mount namespace (`unshare --mount`, as root) where one system
 * folder is replaced by a folder of the test's: the browser reads the test's enterprise policies
 * (or native-messaging manifests) exactly where IT puts them, and the machine's own folders never
 * change. Other processes, and the browsers of other suites, keep seeing the real folders.
 *
 * The result is an executable script for puppeteer's `executablePath`: it enters the namespace,
 * bind-mounts each (source -> system folder) pair, then execs the browser with the arguments
 * puppeteer passes (file descriptors, such as Chromium's --remote-debugging-pipe, go through).
 */
import { chmodSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BindMount {
  /** The test's folder. */
  source: string;
  /** The system folder it replaces inside the namespace (must exist: it is the mount point). */
  target: string;
}

/** Mount-safe paths only: the script quotes them, and a test never needs anything more exotic. */
const SAFE_PATH = /^\/[A-Za-z0-9_./+-]+$/;

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function browserInPrivateMounts(dir: string, browser: string, mounts: readonly BindMount[]): string {
  for (const p of [browser, ...mounts.flatMap((m) => [m.source, m.target])]) {
    if (!SAFE_PATH.test(p)) throw new Error(`not a plain absolute path: ${p}`);
  }
  // A source that is (or passes through) a symlink may lead to the system folder itself: what the
  // test writes there would change the machine for every browser, not only this one.
  for (const m of mounts) {
    if (realpathSync(m.source) !== m.source)
      throw new Error(`the test's folder ${m.source} resolves to ${realpathSync(m.source)}`);
  }
  const binds = mounts.map((m) => `mount --bind "${m.source}" "${m.target}"`).join(' && ');
  const inner = `${binds} && exec "${browser}" "$@"`;
  const script = join(dir, 'browser-in-private-mounts.sh');
  writeFileSync(
    script,
    `#!/bin/sh\n# Written by test/e2e/deploy/private-mounts.ts\nexec unshare --mount --propagation private /bin/sh -c '${inner}' browser "$@"\n`,
  );
  chmodSync(script, 0o755);
  return script;
}
