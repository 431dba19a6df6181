/**
 * `lifeline-helper policy --browser B --server URL [--install-from URL] [--extension-id ID]`:
 * prints the enterprise policy JSON for one browser on stdout (redirect it to the file named on
 * stderr). --extension-id is for a build signed with IT's own key (Chrome family: 32 letters a-p;
 * Firefox: the add-on ID of that build).
 */
import { parseArgs } from 'node:util';
import { ProtocolError } from '../../../protocol/errors';
import { isBrowserName } from '../../manifest/browser-locations';
import { LINUX_POLICY_FILES, policyTemplate } from '../../manifest/policy-templates';
import { parseServerUrl } from '../../native/server-url';
import { CliError, EXIT_OK, EXIT_USAGE } from '../cli-error';
import { usageError } from './usage-error';

const CHROME_ID = /^[a-p]{32}$/;
const FIREFOX_ID = /^([A-Za-z0-9._+-]{1,80}@[A-Za-z0-9.-]{1,80}|\{[0-9a-fA-F-]{36}\})$/;

export async function policyCommand(args: string[]): Promise<number> {
  let values: { browser?: string; server?: string; 'install-from'?: string; 'extension-id'?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        browser: { type: 'string' },
        server: { type: 'string' },
        'install-from': { type: 'string' },
        'extension-id': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw usageError(err);
  }
  const browser = values.browser?.toLowerCase();
  if (!browser || !isBrowserName(browser)) {
    throw new CliError('--browser must be one of chrome, chromium, edge, firefox', EXIT_USAGE);
  }
  if (!values.server) throw new CliError('--server URL is required', EXIT_USAGE);
  let serverUrl: string;
  let installFrom: string | undefined;
  try {
    serverUrl = parseServerUrl(values.server);
    if (values['install-from'] !== undefined) installFrom = new URL(values['install-from']).href;
  } catch (err) {
    throw new CliError(
      err instanceof ProtocolError ? err.message : '--install-from is not a URL',
      EXIT_USAGE,
    );
  }
  const id = values['extension-id'];
  if (id !== undefined && !(browser === 'firefox' ? FIREFOX_ID.test(id) : CHROME_ID.test(id))) {
    throw new CliError(
      browser === 'firefox'
        ? '--extension-id: a Firefox add-on ID (name@domain or {GUID})'
        : '--extension-id: 32 letters a-p (the ID npm run build printed)',
      EXIT_USAGE,
    );
  }
  const ids =
    id === undefined ? {} : browser === 'firefox' ? { firefoxExtensionId: id } : { chromeExtensionId: id };
  process.stdout.write(
    `${JSON.stringify(policyTemplate(browser, { serverUrl, ...(installFrom ? { installFrom } : {}), ...ids }), null, 2)}\n`,
  );
  process.stderr.write(`On Linux, save this as ${LINUX_POLICY_FILES[browser]} (see docs/deployment.md).\n`);
  return EXIT_OK;
}
