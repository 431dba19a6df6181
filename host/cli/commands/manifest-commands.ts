/**
 * `lifeline-helper install` and `uninstall`:
 *   [--browser chrome|chromium|edge|firefox|all]...  (repeat or comma-separate; default: the
 *                                                     browsers found for this scope)
 *   [--system]              system-wide locations (needs root) instead of the user's
 *   [--user-data-dir DIR]   one Chromium profile folder: DIR/NativeMessagingHosts
 * Prints one line per file: written, unchanged or removed.
 */
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { ProtocolError } from '../../../protocol/errors';
import {
  BROWSER_NAMES,
  isBrowserName,
  type BrowserName,
  type LocationContext,
} from '../../manifest/browser-locations';
import {
  installManifests,
  uninstallManifests,
  type ManifestReport,
  type ManifestTargetOptions,
} from '../../manifest/install-manifests';
import { helperBundlePath, runsAsOneExecutable } from '../bundle-path';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli-error';
import { usageError } from './usage-error';

function targetOptions(args: string[], env: NodeJS.ProcessEnv): ManifestTargetOptions {
  let values: { browser?: string[]; system?: boolean; 'user-data-dir'?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        browser: { type: 'string', multiple: true },
        system: { type: 'boolean' },
        'user-data-dir': { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (err) {
    throw usageError(err);
  }
  const names = (values.browser ?? []).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase());
  let browsers: BrowserName[] | 'detected' = 'detected';
  if (names.length > 0) {
    const picked = new Set<BrowserName>();
    for (const name of names) {
      if (name === 'all') BROWSER_NAMES.forEach((b) => picked.add(b));
      else if (isBrowserName(name)) picked.add(name);
      else
        throw new CliError(`unknown browser "${name}" (chrome, chromium, edge, firefox or all)`, EXIT_USAGE);
    }
    browsers = [...picked];
  }
  const userDataDir = values['user-data-dir'];
  if (userDataDir !== undefined && values.system) {
    throw new CliError('--system and --user-data-dir cannot be used together', EXIT_USAGE);
  }
  const ctx: LocationContext = {
    platform: process.platform,
    home: env.HOME || env.USERPROFILE || homedir(),
    root: '/',
    env,
  };
  return {
    browsers,
    scope: values.system ? 'system' : 'user',
    ...(userDataDir !== undefined ? { userDataDir } : {}),
    ctx,
  };
}

function report(result: ManifestReport): void {
  for (const f of result.files) {
    process.stdout.write(`${f.change.padEnd(9)} ${f.path}${f.browser ? ` (${f.browser})` : ''}\n`);
  }
  for (const s of result.skipped) process.stdout.write(`skipped   ${s.browser}: ${s.reason}\n`);
}

function run(action: () => ManifestReport): ManifestReport {
  try {
    return action();
  } catch (err) {
    if (err instanceof ProtocolError) {
      throw new CliError(err.message, err.code === 'bad_request' ? EXIT_USAGE : EXIT_FAILED);
    }
    throw err;
  }
}

export async function installCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const options = targetOptions(args, env);
  const result = run(() =>
    installManifests({
      ...options,
      nodePath: process.execPath,
      bundlePath: helperBundlePath(),
      ...(runsAsOneExecutable() ? { executablePath: process.execPath } : {}),
    }),
  );
  report(result);
  if (result.files.length === 0) {
    throw new CliError(
      'no browser found for this scope: name one with --browser chrome|chromium|edge|firefox',
    );
  }
  return EXIT_OK;
}

export async function uninstallCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const result = run(() => uninstallManifests(targetOptions(args, env)));
  report(result);
  if (result.files.length === 0) process.stdout.write('nothing to remove\n');
  return EXIT_OK;
}
