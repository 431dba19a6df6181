/**
 * `lifeline-helper`: the helper's entry point (bundled to dist/host/lifeline-helper.mjs).
 *   - started by a browser (native messaging): recognised from its arguments, runs the native loop;
 *   - no arguments (a double-click): the one-click flow (commands/start-command.ts);
 *   - `join <code> [--server URL]`: the standalone helper; `resume`: back after a reboot;
 *   - `install` / `uninstall`: native-messaging manifests; `policy`: enterprise policy templates;
 *   - `--version`, `--help`.
 * Exit codes: cli-error.ts (0 ok, 1 failed, 2 usage, 3 native framing broken).
 */
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError } from './cli-error';
import { COMMANDS, type CommandName } from './commands';
import { nativeCommand } from './commands/native-command';
import { startCommand } from './commands/start-command';
import { nativeCaller } from './native-caller';
import { HELPER_VERSION } from './version';
import { preparePlatform } from '../platform/registry';

export const USAGE = `Usage: lifeline-helper [<command> [options]]

With no command (a double-click): joins the support session the download is for, or asks for
the code shown on the support page in a window.

Commands:
  join <code> [--server URL]   share this screen with the agent who gave you the code
                               (the server may also come from LIFELINE_SERVER)
  resume [--state-file FILE]   come back into the session after a restart of this
                               computer or of the helper (what you allowed still holds)
                               (default file: resume.json in the helper's state folder:
                               $XDG_STATE_HOME/lifeline on Linux, %LOCALAPPDATA%\\Lifeline on Windows)
  install [--browser B]... [--system | --user-data-dir DIR]
                               register the helper with browsers (native messaging);
                               B is chrome, chromium, edge, firefox or all
                               (default: the browsers found on this machine)
  uninstall [same options]     remove what install wrote
  policy --browser B --server URL [--install-from URL] [--extension-id ID]
                               print the enterprise policy (force-install, server address)
  --version                    print the version
  --help                       print this help

Browsers start the helper themselves (with the caller's origin as argument); see docs/deployment.md.
`;

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    await preparePlatform();
    const caller = nativeCaller(argv);
    if (caller) return await nativeCommand(caller);
    const [name, ...rest] = argv;
    if (name === '--version' || name === '-v' || name === 'version') {
      process.stdout.write(`${HELPER_VERSION}\n`);
      return EXIT_OK;
    }
    // No arguments: started with the mouse (or plainly): the one-click flow.
    if (name === undefined) return await startCommand([], env);
    if (name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(USAGE);
      return EXIT_OK;
    }
    if (!isCommand(name)) {
      process.stderr.write(`lifeline-helper: unknown command "${name.slice(0, 80)}"\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    return await COMMANDS[name](rest, env);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`lifeline-helper: ${err.message}\n`);
      if (err.exitCode === EXIT_USAGE) process.stderr.write(`\n${USAGE}`);
      return err.exitCode;
    }
    process.stderr.write(
      `lifeline-helper: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return EXIT_FAILED;
  }
}
