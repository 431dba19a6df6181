/**
 * Language: a French browser gets the extension in French (the browser picks the catalog), and
 * the language setting overrides the browser's choice without a reload.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server';
import { signInThroughPopup } from '../../support/agent-extension';
import { saveScreenshot } from '../../support/screenshots';
import { createAgent, PASSWORD } from './accounts';
import { launchAgentBrowser, textOf, type AgentBrowser, POLL_MS } from './harness';

let server: TestServer;
let browser: AgentBrowser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchAgentBrowser({ lang: 'fr' });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

it('shows French text in a French browser', async () => {
  const popup = await browser.openPage('popup.html');
  await popup.setViewport({ width: 380, height: 520 });
  expect(await textOf(popup, 'h1')).toBe('Connexion à Lifeline');
  expect(await textOf(popup, 'label[for=password]')).toBe('Mot de passe');
  expect(await popup.$eval('html', (h) => h.lang)).toBe('fr');
  const a = await createAgent(server);
  await signInThroughPopup(popup, server.url, a.email, 'pas le bon mot de passe');
  expect(await textOf(popup, '.login-error')).toBe('Adresse e-mail ou mot de passe incorrect.');
  await saveScreenshot(popup, 'popup-sign-in-fr.png');
  await popup.close();
});

it('switches to the language chosen in the options, over the browser language', async () => {
  const options = await browser.openPage('options.html');
  expect(await textOf(options, 'h1')).toBe('Options de Lifeline');
  const popup = await browser.openPage('popup.html');
  await options.select('#language', 'en');
  // Both pages re-render in English without a reload.
  await options.waitForFunction(() => document.querySelector('h1')?.textContent === 'Lifeline options', {
    polling: POLL_MS,
  });
  await popup.waitForFunction(() => document.querySelector('h1')?.textContent === 'Sign in to Lifeline', {
    polling: POLL_MS,
  });
  await options.select('#language', 'browser');
  await popup.waitForFunction(() => document.querySelector('h1')?.textContent === 'Connexion à Lifeline', {
    polling: POLL_MS,
  });
  await options.close();
  await popup.close();
});

void PASSWORD;
