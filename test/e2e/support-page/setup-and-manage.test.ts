// The first-run setup page and the management center, in a real Chromium against a real server:
// the printed link creates the company and its first manager, the token leaves the address bar,
// and the management center opens signed in and lists what the server knows. A JavaScript-less
// browser gets the support page's instructions to turn JavaScript on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../support/test-server';
import { addPortal } from '../../support/workflow';
import { saveScreenshot } from '../../support/screenshots';
import { openPage, textOf, waitForText, waitForView, type TestBrowser } from './browser';
import { startPagesStage, type PagesStage } from './pages-stage';

let stage: PagesStage;
let server: TestServer;
let chromium: TestBrowser;

beforeAll(async () => {
  stage = await startPagesStage();
  ({ server, chromium } = stage);
});

afterAll(async () => {
  await stage?.close();
});

describe('setup and management pages', () => {
  it('creates the first manager from the printed link and opens the management center signed in', async () => {
    const link = server.setupLink;
    expect(link).toMatch(/\/setup#[A-Za-z0-9_-]+$/);
    const { page, csp, errors } = await openPage(chromium.browser);
    await page.goto(link!);
    await waitForView(page, 'form');
    // The token is out of the address bar (history, screenshots, shoulder surfers) at once.
    expect(page.url()).toBe(`${server.url}/setup`);
    await page.type('input[name="companyName"]', 'Acme Help Desk');
    await page.type('input[name="name"]', 'Mia Manager');
    await page.type('input[name="email"]', 'mia@acme.example');
    await page.type('input[name="password"]', 'short');
    await page.click('button[type="submit"]');
    await waitForText(page, 'At least 10 characters.');
    await page.type('input[name="password"]', ' but now long enough');
    await page.click('button[type="submit"]');
    await waitForView(page, 'done');
    await waitForText(page, 'Lifeline is ready. mia@acme.example is the first manager.');

    await addPortal(server, 'acme', 'Acme Support');
    await Promise.all([page.waitForNavigation(), page.click('[data-view="done"] a.ll-primary')]);
    await waitForView(page, 'manage');
    await waitForText(page, 'Signed in as Mia Manager.');
    // It opens on the dashboard; the users tab lists the new manager.
    await page.waitForSelector('[data-view="dashboard"]');
    await page.click('[data-tab="users"]');
    expect(await textOf(page, '[data-view="agents"] .ll-table tbody')).toContain('mia@acme.example');
    await page.click('[data-tab="portals"]');
    await waitForText(page, '/support/acme');
    await saveScreenshot(page, 'manage-portals.png');

    // The setup link works once.
    const again = await page.goto(link!);
    expect(again?.status()).toBe(404);
    expect(csp).toEqual([]);
    expect(errors.filter((e) => !/404/.test(e))).toEqual([]);

    // Sign out, then sign in again through the form.
    await page.goto(`${server.url}/manage`);
    await waitForView(page, 'manage');
    await page.click('[data-action="sign-out"]');
    await waitForView(page, 'sign-in');
    await page.type('input[name="email"]', 'mia@acme.example');
    await page.type('input[name="password"]', 'wrong password here');
    await page.click('button[type="submit"]');
    await waitForText(page, 'Wrong e-mail address or password.');
    await page.$eval('input[name="password"]', (e) => {
      if (e instanceof HTMLInputElement) e.value = '';
    });
    await page.type('input[name="password"]', 'short but now long enough');
    await page.click('button[type="submit"]');
    await waitForView(page, 'manage');
    await page.close();
  });

  it('tells a browser without JavaScript how to turn it on, in English and French', async () => {
    await addPortal(server, 'nojs', 'No JS Desk');
    const { page } = await openPage(chromium.browser);
    await page.setJavaScriptEnabled(false);
    await page.goto(`${server.url}/support/nojs`);
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).toContain('Please turn on JavaScript');
    expect(text).toContain('javascript.enabled');
    expect(text).toContain('Veuillez activer JavaScript');
    await saveScreenshot(page, 'support-noscript.png');
    await page.close();
  });
});
