/**
 * Native-messaging mode, as a browser starts the helper: stdout is claimed for the framing first
 * (before anything could print), the caller is checked against our extension IDs, then the
 * native loop runs until the browser closes the port.
 */
import { HelperText } from '../../i18n/helper-text';
import { systemLanguage } from '../../i18n/system-language';
import { runNativeHost } from '../../native/native-host';
import { currentSystem, displayLanguage, fileChooser } from '../../platform/registry';
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
  // The consent window is the extension's; the file chooser ("Send a file to the agent...") is the
  // system's, titled in the desktop's language.
  const env = process.env;
  const text = new HelperText(
    systemLanguage(env, undefined, () => displayLanguage({ ...currentSystem(), env })),
  );
  const code = await runNativeHost({
    input: process.stdin,
    write,
    controller: createHelperController(log),
    fileChooser: fileChooser(currentSystem()),
    chooserTitle: text.t('offerWindow.chooserTitle'),
    version: HELPER_VERSION,
    os: describeOs(),
    log,
  });
  process.stdin.destroy();
  return code;
}
