/**
 * The one-click flow against a real server, with the helper's windows scripted (the real X
 * windows: test/e2e/helper/one-click.test.ts): a download bound to the request joins with no code
 * typed and asks consent in the customer's language; a used, expired or foreign download opens
 * the code window saying why; wrong codes are told and can be retried; Decline and Cancel end
 * cleanly; a helper that does not know its server says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseStandaloneUi } from '../../../host/consent/prompts/choose-prompt';
import { HelperText } from '../../../host/i18n/helper-text';
import { ConsoleCode } from '../../../host/launch/console-code';
import { launch, type LaunchOptions } from '../../../host/launch/launch-flow';
import type { DialogAction, DialogHost, DialogSpec } from '../../../host/platform/types';
import { HeldAnnotations } from '../../../host/session/annotation-surface';
import { SessionClient } from '../../../host/session/session-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  addAgent,
  addPortal,
  closeAll,
  connectHelper,
  connectViewer,
  resultOf,
  screenRequested,
  seen,
  unique,
  type ConnectedAgent,
} from '../../support/workflow';
import { fakePlatform } from '../session/fake-platform';

const LINUX = { platform: 'linux', release: '6.1.0', arch: 'x64', env: { DISPLAY: ':99' } };
let server: TestServer;
let slug: string;
let agent: ConnectedAgent;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-launch-'));
  server = await startTestServer();
  slug = unique('launch').toLowerCase();
  await addPortal(server, slug);
  agent = await addAgent(server, { portals: [slug], name: 'Robin Agent' });
});
afterAll(async () => {
  await closeAll(agent?.client);
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

interface Shown {
  spec: DialogSpec;
  updates: DialogSpec[];
  closed: boolean;
  act(a: DialogAction): void;
}

/** A DialogHost the test drives as the customer would: every window it was asked to show, in order. */
function scriptedWindows() {
  const windows: Shown[] = [];
  const host: DialogHost = {
    async open(spec, onAction) {
      const w: Shown = { spec, updates: [], closed: false, act: onAction };
      windows.push(w);
      return {
        update: (s) => w.updates.push(s),
        close: () => void (w.closed = true),
      };
    },
    async close() {},
  };
  const next = async (pred: (w: Shown) => boolean, what: string) => {
    const end = Date.now() + 8000;
    for (;;) {
      const w = windows.find((x) => !x.closed && pred(x));
      if (w) return w;
      if (Date.now() > end)
        throw new Error(`no window: ${what}; shown: ${JSON.stringify(windows.map((x) => x.spec.heading))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { host, windows, next };
}

function options(
  windows: DialogHost,
  over: Partial<LaunchOptions> & { lang?: 'en' | 'fr' } = {},
): LaunchOptions {
  const text = new HelperText(over.lang ?? 'en');
  return {
    server: server.url,
    trailer: null,
    text,
    dialogs: windows,
    newClient: () =>
      new SessionClient({
        version: '0.1.0',
        system: LINUX,
        platform: async () => fakePlatform(),
        stateFile: path.join(tmp, unique('state'), 'resume.json'),
        log: () => undefined,
        annotations: new HeldAnnotations(),
      }),
    ui: (stop) =>
      chooseStandaloneUi(text, stop, { tty: null, dialogs: windows, indicatorWindow: false, env: {} }),
    systemName: 'Linux',
    stderr: () => undefined,
    ...over,
  };
}

/** Windows nobody looks at (the console test opens none). */
const w0 = scriptedWindows();
const isConsent = (w: Shown) => Boolean(w.spec.checks?.length);
const isCode = (w: Shown) => Boolean(w.spec.field);
const allow = { kind: 'button', button: 'allow', checks: { view: true }, field: '' } as const;

describe('the helper started with the mouse', () => {
  it('joins with the download ticket, asks consent in French, and shares once allowed', async () => {
    const s = await screenRequested(server, agent, slug, { language: 'fr' });
    const w = scriptedWindows();
    const running = launch(options(w.host, { trailer: { server: server.url, ticket: s.ticket } }));
    await seen(
      agent.client,
      (m) => m.type === 'helper.status' && m.connected === true && m.sessionId === s.sessionId,
    );
    // The agent opens the viewer: the customer is asked, in the page's language.
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    const consent = await w.next(isConsent, 'consent');
    expect(consent.spec.heading).toBe('Robin Agent (agent du support) demande à :');
    expect(consent.spec.buttons.map((b) => b.label)).toEqual(['Refuser', 'Autoriser']);
    expect(w.windows.some(isCode)).toBe(false); // nothing typed
    consent.act(allow);
    expect(
      await seen(
        agent.client,
        (m) => m.type === 'helper.status' && (m.grants as { view: boolean }).view === true,
      ),
    ).toMatchObject({ sessionId: s.sessionId });
    expect(consent.closed).toBe(true);
    resultOf(await s.client.request({ type: 'session.end' }));
    expect(await running).toBe(0);
    await closeAll(s.client, viewer.client);
  });

  it('Decline: the agent reads that the customer declined; the helper ends well', async () => {
    const s = await screenRequested(server, agent, slug);
    const w = scriptedWindows();
    const running = launch(options(w.host, { trailer: { server: server.url, ticket: s.ticket } }));
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    (await w.next(isConsent, 'consent')).act({ kind: 'button', button: 'decline', checks: {}, field: '' });
    expect(
      await seen(
        agent.client,
        (m) => m.type === 'helper.status' && m.sessionId === s.sessionId && m.ended !== undefined,
      ),
    ).toMatchObject({ connected: false, ended: 'declined' });
    expect(await running).toBe(0);
    await closeAll(s.client, viewer.client);
  });

  it('a used download opens the code window saying why; a wrong code is told; the right one joins', async () => {
    const s = await screenRequested(server, agent, slug, { language: 'fr' });
    // An earlier start of this download joined, then the customer stopped sharing.
    const earlier = await connectHelper(server, { kind: 'ticket', ticket: s.ticket });
    earlier.client.send({ type: 'helper.stop' });
    await earlier.client.waitClose();
    const from = s.client.received.length;
    const again = resultOf<{ joinCode: string }>(
      await agent.client.request({ type: 'screen.request', sessionId: s.sessionId }),
    );
    await seen(s.client, (m) => m.type === 'screen.requested', 'request', from);

    const w = scriptedWindows();
    const running = launch(
      options(w.host, { lang: 'fr', trailer: { server: server.url, ticket: s.ticket, language: 'fr' } }),
    );
    const code = await w.next(isCode, 'code window');
    expect(code.spec.heading).toBe("Saisissez le code affiché sur la page d'assistance");
    expect(code.spec.error).toBe(
      "Ce téléchargement a déjà servi. Saisissez le code affiché sur la page d'assistance.",
    );
    code.act({ kind: 'button', button: 'connect', checks: {}, field: '12345' });
    expect(code.updates.at(-1)?.error).toBe('Le code compte 9 chiffres : saisissez-les tous.');
    const wrong = again.joinCode === '111111111' ? '222222222' : '111111111';
    code.act({ kind: 'button', button: 'connect', checks: {}, field: wrong });
    const end = Date.now() + 8000;
    while (!code.updates.at(-1)?.error?.startsWith("Ce code n'est pas valable") && Date.now() < end)
      await new Promise((r) => setTimeout(r, 10));
    expect(code.updates.at(-1)?.error).toContain("Ce code n'est pas valable");
    expect(code.updates.at(-1)?.busy).toBe(false);
    code.act({ kind: 'button', button: 'connect', checks: {}, field: again.joinCode });
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    const consent = await w.next(isConsent, 'consent after the code');
    expect(code.closed).toBe(true);
    expect(consent.spec.title).toBe("Lifeline : partage d'écran");
    consent.act({ kind: 'closed' });
    expect(
      await seen(
        agent.client,
        (m) => m.type === 'helper.status' && m.sessionId === s.sessionId && m.ended === 'closed',
      ),
    ).toMatchObject({ connected: false });
    expect(await running).toBe(0);
    await closeAll(s.client, viewer.client, earlier.client);
  });

  it('an expired download says so in the code window; Cancel ends the helper', async () => {
    const s = await screenRequested(server, agent, slug);
    resultOf(await s.client.request({ type: 'session.end' }));
    const w = scriptedWindows();
    const running = launch(options(w.host, { trailer: { server: server.url, ticket: s.ticket } }));
    const code = await w.next(isCode, 'code window');
    expect(code.spec.error).toBe(
      'This download has expired. Type the code shown on the support page, or download the helper again.',
    );
    code.act({ kind: 'button', button: 'cancel', checks: {}, field: '' });
    expect(await running).toBe(0);
    await closeAll(s.client);
  });

  it('without a ticket, asks for the code straight away, with no error shown', async () => {
    const w = scriptedWindows();
    const running = launch(options(w.host));
    const code = await w.next(isCode, 'code window');
    expect(code.spec.error ?? null).toBeNull();
    expect(code.spec.text[0]).toContain('9-digit code');
    code.act({ kind: 'closed' });
    expect(await running).toBe(0);
  });

  it('with no window but a console (the Windows .exe): the code is asked there, saying why, and joins', async () => {
    const s = await screenRequested(server, agent, slug);
    resultOf(await s.client.request({ type: 'session.end' }));
    const live = await screenRequested(server, agent, slug);
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (b: Buffer) => (shown += b.toString('utf8')));
    const text = new HelperText('en');
    const running = launch(
      options(w0.host, {
        dialogs: null,
        trailer: { server: server.url, ticket: s.ticket },
        ui: (stop) =>
          chooseStandaloneUi(text, stop, { tty: null, dialogs: null, indicatorWindow: false, env: {} }),
        console: (firstError) => new ConsoleCode(text, input, output, firstError),
      }),
    );
    const until = async (what: string) => {
      const end = Date.now() + 8000;
      while (!shown.includes(what) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(shown).toContain(what);
    };
    await until('This download has expired.');
    await until('Code (9 digits): ');
    input.write('12345\n');
    await until('The code has 9 digits: type all of them.');
    input.write(`${live.joinCode.slice(0, 3)} ${live.joinCode.slice(3, 6)} ${live.joinCode.slice(6)}\n`);
    await seen(
      agent.client,
      (m) => m.type === 'helper.status' && m.connected === true && m.sessionId === live.sessionId,
    );
    resultOf(await live.client.request({ type: 'session.end' }));
    expect(await running).toBe(0);
    await closeAll(s.client, live.client);
  });

  it('a helper that does not know its server says so in a window; without a desktop, on stderr', async () => {
    const w = scriptedWindows();
    const running = launch(options(w.host, { server: null }));
    const notice = await w.next((x) => x.spec.buttons.length === 1, 'notice');
    expect(notice.spec.text[0]).toContain('does not know your support server');
    notice.act({ kind: 'button', button: 'ok', checks: {}, field: '' });
    expect(await running).toBe(2);
    const said: string[] = [];
    expect(await launch(options(w.host, { dialogs: null, stderr: (l) => said.push(l), lang: 'fr' }))).toBe(2);
    expect(said[0]).toContain("Aucun bureau n'a été trouvé");
  });
});
