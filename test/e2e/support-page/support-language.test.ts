// A French browser gets the support page in French (from navigator.languages); the language can
// be switched on the page, and the choice is kept across a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../support/test-server';
import { addAgent, addPortal, closeAll, type ConnectedAgent } from '../../support/workflow';
import { saveScreenshot } from '../../support/screenshots';
import { openPage, textOf, waitForText, waitForView, type TestBrowser } from './browser';
import { startPagesStage, type PagesStage } from './pages-stage';

let stage: PagesStage;
let server: TestServer;
let french: TestBrowser;
let agent: ConnectedAgent;

beforeAll(async () => {
  stage = await startPagesStage({ lang: 'fr-FR' });
  ({ server, chromium: french } = stage);
  await addPortal(server, 'aide', 'Support informatique');
  agent = await addAgent(server, { portals: ['aide'], name: 'Amélie Agent' });
});

afterAll(async () => {
  await closeAll(agent?.client);
  await stage?.close();
});

describe('support page language', () => {
  it('speaks French to a French browser, switches on request, and remembers the choice', async () => {
    const { page, csp, errors } = await openPage(french.browser);
    expect(await page.evaluate(() => navigator.language)).toBe('fr-FR');
    await page.goto(`${server.url}/support/aide`);
    await waitForView(page, 'form');
    expect(await page.$eval('html', (e) => e.getAttribute('lang'))).toBe('fr');
    expect(await textOf(page, '[data-view="form"] h1')).toBe("Demander de l'aide");
    expect(await textOf(page, '[data-view="form"] button[type="submit"]')).toBe("Demander de l'aide");
    expect(await page.title()).toBe('Support informatique · Assistance');
    await saveScreenshot(page, 'support-form-fr.png');

    // The validation messages are French too.
    await page.click('button[type="submit"]');
    await waitForText(page, 'Veuillez indiquer votre nom.');

    await page.type('input[name="name"]', 'Jeanne Client');
    await page.type('textarea[name="problem"]', "L'imprimante ne répond plus");
    await page.click('button[type="submit"]');
    await waitForView(page, 'waiting');
    expect(await textOf(page, '[data-testid="position"]')).toBe('Vous êtes le prochain.');
    expect(await textOf(page, '[data-testid="waited"]')).toMatch(/^Attente : \d+ secondes?$/);

    // Switch to English: the whole page changes at once, and the choice survives a reload.
    await page.select('.ll-language select', 'en');
    expect(await textOf(page, '[data-view="waiting"] h1')).toBe('Waiting for an agent');
    expect(await page.$eval('html', (e) => e.getAttribute('lang'))).toBe('en');
    await page.reload();
    await waitForView(page, 'waiting');
    expect(await textOf(page, '[data-view="waiting"] h1')).toBe('Waiting for an agent');
    await page.select('.ll-language select', 'fr');
    expect(await textOf(page, '[data-view="waiting"] h1')).toBe("En attente d'un agent");
    expect(csp).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
