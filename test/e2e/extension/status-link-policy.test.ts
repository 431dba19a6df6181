/**
 * IT sets the status page "cannot connect" links to (managed policy `statusUrl`), in Chromium
 * with the built extension: the browser starts in a private mount namespace where
 * /etc/chromium/policies/managed holds this test's policy (test/e2e/deploy/private-mounts.ts), the
 * machine's own folder untouched. The popup's "cannot connect" then links IT's page instead of the
 * unreachable server's /status (login.test.ts holds the default).
 *
 * Needs root (mount namespaces); as another user the suite fails and says so.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LINUX_POLICY_FILES } from '../../../host/manifest/policy-templates';
import { CHROME_EXTENSION_ID } from '../../../protocol/extension-ids';
import { signInThroughPopup } from '../../support/agent-extension';
import { CHROMIUM } from '../../support/chromium';
import { browserInPrivateMounts, isRoot } from '../deploy/private-mounts';
import { closedPort, PASSWORD } from './accounts';
import { launchAgentBrowser, textOf, until, type AgentBrowser } from './harness';

const CHROMIUM_ETC = '/etc/chromium';
const IT_STATUS_PAGE = 'https://status.example.test/lifeline?desk=paris';
/** Managed settings reach the extension once Chromium has loaded its policies, in ms (a hang guard). */
const POLICY_MS = 60_000;

let work: string;
let agent: AgentBrowser;

beforeAll(async () => {
  if (!isRoot()) throw new Error('this suite needs root: it runs Chromium in a private mount namespace');
  work = mkdtempSync(join(tmpdir(), 'lifeline-status-policy-'));
  const etc = join(work, 'etc-chromium');
  cpSync(CHROMIUM_ETC, etc, { recursive: true });
  const policyFile = join(etc, LINUX_POLICY_FILES.chromium.slice(CHROMIUM_ETC.length));
  mkdirSync(join(policyFile, '..'), { recursive: true });
  writeFileSync(
    policyFile,
    JSON.stringify({ '3rdparty': { extensions: { [CHROME_EXTENSION_ID]: { statusUrl: IT_STATUS_PAGE } } } }),
  );
  agent = await launchAgentBrowser({
    executablePath: browserInPrivateMounts(work, CHROMIUM, [{ source: etc, target: CHROMIUM_ETC }]),
  });
});
afterAll(async () => {
  await agent?.close();
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
});

it('links the status page IT set when the server cannot be reached', async () => {
  // The policy is read in an extension page, not the service worker: two CI runs lost the worker
  // while Chromium settled the policy files (it waits for them to stay unchanged), and a stopped
  // worker has no target to evaluate in until an event wakes it. The popup's sign-in wakes it.
  const popup = await agent.openPage('popup.html');
  await until(
    () =>
      popup.evaluate(async () => {
        const managed = await chrome.storage.managed.get();
        return managed.statusUrl ? true : undefined;
      }),
    POLICY_MS,
    'the managed statusUrl in the extension',
    500,
  );
  await popup.reload();
  const port = await closedPort();
  await signInThroughPopup(popup, `http://127.0.0.1:${port}`, 'someone@example.test', PASSWORD);
  expect(await textOf(popup, '.login-error[data-kind=unreachable]', 20_000)).toContain(
    `Cannot connect to the server at http://127.0.0.1:${port}.`,
  );
  expect(await popup.$eval('.login-error a.status-link', (a) => a.getAttribute('href'))).toBe(IT_STATUS_PAGE);
  await popup.close();
});

declare const chrome: { storage: { managed: { get(): Promise<Record<string, unknown>> } } };
