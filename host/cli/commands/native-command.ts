/**
 * Native-messaging mode, as a browser starts the helper: stdout is claimed for the framing first
 * (before anything could print), the caller is checked against our extension IDs, then the
 * native loop runs until the browser closes the port.
 */
import { runNativeHost } from '../../native/native-host';
import { describeOs } from '../../native/os-info';
import { claimStdout } from '../../native/stdout-guard';
import { CliError } from '../cli-error';
import { createHelperController } from '../create-controller';
import type { NativeCaller } from '../native-caller';
import { HELPER_VERSION } from '../version';

export async function nativeCommand(caller: NativeCaller): Promise<number> {
  const write = claimStdout();
  const log = (line: string) => process.stderr.write(`lifeline-helper (native): ${line}\n`);
  if (!caller.ours) {
    throw new CliError(
      `refusing to serve extension ${JSON.stringify(caller.extensionId)}: only Lifeline's extension may start the helper`,
    );
  }
  const code = await runNativeHost({
    input: process.stdin,
    write,
    controller: createHelperController(log),
    version: HELPER_VERSION,
    os: describeOs(),
    log,
  });
  process.stdin.destroy();
  return code;
}
