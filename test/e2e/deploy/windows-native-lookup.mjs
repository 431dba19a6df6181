// Run by the official node.exe under Wine (test/e2e/deploy/helper-packages.test.ts): stands in for
// what Chrome, Edge or Firefox on Windows do when an extension calls sendNativeMessage, since no
// Windows browser runs here. Each step is the browser's documented lookup:
//   1. read the default value of HKLM\<key> (the registry key the .msi wrote): the manifest's path;
//   2. read that manifest (JSON): `path` is the executable, relative to the manifest's folder
//      when not absolute;
//   3. start it with the arguments the browser passes (Chromium family: the extension's origin and
//      --parent-window=0; Firefox: the manifest's path and the add-on ID), stdin and stdout being
//      Windows pipes (made by node.exe, as the browser makes its own with CreatePipe);
//   4. write one length-prefixed JSON message (host.hello), read the reply's frame, then close
//      stdin (what the browser does after a sendNativeMessage reply), and wait for the host to end.
// Under Wine a Windows program's stdout to a Linux pipe fails, so the outcome goes to a file:
//   node.exe windows-native-lookup.mjs OUT_FILE chromium|firefox HKLM\KEY CALLER
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

const [outFile, family, key, caller] = process.argv.slice(2);
/** A reply larger than this is a broken host (browsers cap host messages at 1 MB). */
const REPLY_MAX_BYTES = 1024 * 1024;
/** How long the host may take to answer, in ms (a cold 87 MiB executable under Wine, on a busy machine). */
const REPLY_WAIT_MS = 90_000;

/** Windows' own reg.exe (Wine's here), not a Linux program. */
const WINDOWS_REG = 'reg';

const report = (outcome) => writeFileSync(outFile, JSON.stringify(outcome));

function manifestPathFromRegistry() {
  const listing = execFileSync(WINDOWS_REG, ['query', key, '/ve'], { encoding: 'utf8' });
  const line = listing.split(/\r?\n/).find((l) => /REG_SZ/.test(l));
  if (!line) throw new Error(`no default value under ${key}: ${listing}`);
  return line.replace(/^.*?REG_SZ\s+/, '').trim();
}

function frame(message) {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length);
  return Buffer.concat([length, body]);
}

try {
  const manifestPath = manifestPathFromRegistry();
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const executable = isAbsolute(manifest.path) ? manifest.path : join(dirname(manifestPath), manifest.path);
  const args = family === 'firefox' ? [manifestPath, caller] : [caller, '--parent-window=0'];
  const host = spawn(executable, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  let stdout = Buffer.alloc(0);
  let stderr = '';
  host.stdout.on('data', (d) => {
    if (stdout.length < REPLY_MAX_BYTES + 4) stdout = Buffer.concat([stdout, d]);
    if (stdout.length >= 4 && stdout.length >= 4 + stdout.readUInt32LE(0)) host.stdin.end();
  });
  host.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => host.kill(), REPLY_WAIT_MS);
  host.on('close', (code) => {
    clearTimeout(timer);
    const length = stdout.length >= 4 ? stdout.readUInt32LE(0) : -1;
    const complete = length >= 0 && length <= REPLY_MAX_BYTES && stdout.length >= 4 + length;
    report({
      manifestPath,
      manifest,
      executable,
      args,
      exitCode: code,
      stderr: stderr.slice(0, 4000),
      reply: complete ? JSON.parse(stdout.subarray(4, 4 + length).toString('utf8')) : null,
      stdoutBytes: stdout.length,
    });
  });
  host.stdin.write(frame({ type: 'host.hello', id: 'h1', extensionVersion: '0.0.1' }));
} catch (err) {
  report({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
}
