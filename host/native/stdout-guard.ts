/**
 * In native-messaging mode stdout belongs to the framing: a single stray byte there (a library's
 * console.log, a warning) corrupts the channel and the browser drops the host. claimStdout()
 * takes stdout for the caller and sends every other write, console.log included (it writes
 * through process.stdout.write), to stderr.
 */

export type RawWrite = (bytes: Uint8Array) => Promise<void>;

export function claimStdout(): RawWrite {
  const stdout = process.stdout;
  const realWrite = stdout.write.bind(stdout);
  stdout.write = process.stderr.write.bind(process.stderr);
  return (bytes) =>
    new Promise<void>((resolve, reject) => {
      realWrite(bytes, (err) => (err ? reject(err) : resolve()));
    });
}
