/**
 * The agent's viewer end to end, with real parts only: the built extension in headless Chromium
 * (signed in through its popup, the session accepted there, screen sharing asked from the chat
 * window), the real server, and the real helper session client on a real X server (Xvfb) with an
 * xterm, consenting as the customer would. The helper's drawing overlay is another task: its
 * annotation surface here records what arrives.
 *
 * Checked: the security codes are equal on both ends; the canvas equals an X capture; a shell
 * command typed in the viewer runs in the remote xterm (non-ASCII included); arrows, keypad and
 * function keys arrive as keys; clicks land on the right desktop pixel scaled and 1:1 with
 * scrolling; drawings go out in desktop coordinates and the laser never moves the pointer;
 * clipboard both ways; the screenshot PNG equals the screen; pause/resume keeps the session and
 * the chat; revokes show at once; a relay that flips one bit causes a visible error, never a
 * wrong picture. Screenshots for docs/viewer.md are taken on the way.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionClient } from '../../../host/session/session-client';
import { X11Connection } from '../../../host/platform/linux/x11-connection';
import { silentPlatformLog } from '../../../host/platform/platform-log';
import { startTestServer, type TestServer } from '../../support/test-server';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { ALL_GRANTS, closeAll, customerViaWs, type ConnectedCustomer } from '../../support/workflow';
import { EXTENSION_URL } from '../../support/agent-extension';
import { pageStartingWith } from '../../support/chromium';
import { downloaded } from '../../support/downloads';
import { until, wait } from '../../support/polling';
import { saveScreenshot } from '../../support/screenshots';
import { countDiff } from '../../host/screen/synthetic';
import { xwdCapture } from '../screen/xwd-capture';
import { createAgent, createPortal, PASSWORD, type TestAgent } from '../extension/accounts';
import { RecordingSurface } from '../../ui/viewer/support/fake-helper-platform';
import { decodePng } from './support/png-decode';
import { startFlipProxy } from './support/flip-proxy';
import {
  acceptAndAskForScreen,
  clientPointOf,
  launchAgentChromium,
  phaseOf,
  readPicture,
  signIn,
  type AgentChromium,
} from './support/viewer-browser';

/** The parts of Chrome's extension API the test evaluates in the extension's service worker. */
declare const chrome: {
  storage: {
    local: {
      get(key: string): Promise<Record<string, unknown>>;
      set(v: Record<string, unknown>): Promise<void>;
    };
  };
};

const GRANTS = { ...ALL_GRANTS, files: false, reboot: false };
const WIDTH = 1024;
const HEIGHT = 768;

let x: XDisplay;
let server: TestServer;
let agent: AgentChromium;
let me: TestAgent;
let customer: ConnectedCustomer;
let helper: SessionClient;
let surface: RecordingSurface;
let chat: Page;
let viewer: Page;
let tmp: string;

function fileText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Pixels where the viewer's canvas differs from an X capture of the screen taken now. */
async function pictureDiff(page: Page): Promise<number> {
  const pic = await readPicture(page);
  const truth = xwdCapture(x.display);
  if (pic.width !== truth.width || pic.height !== truth.height) return -1;
  return countDiff(truth, pic.data);
}

/** Waits until the canvas equals the X screen (an xterm desktop is all lossless content). */
async function settled(page: Page, timeoutMs = 15_000): Promise<void> {
  let diff = -1;
  await until(
    'the canvas to equal the X screen',
    async () => {
      diff = await pictureDiff(page);
      return diff === 0;
    },
    timeoutMs,
  ).catch((e: Error) => {
    throw new Error(`${e.message} (last difference: ${diff} pixels)`);
  });
}

/** The customer's CLIPBOARD as xclip reads it (asynchronously: the owner may be this process). */
function xclipOut(): Promise<string> {
  return new Promise((resolve) => {
    execFile('xclip', ['-o', '-selection', 'clipboard'], { env: x.env, timeout: 5000 }, (err, stdout) =>
      resolve(err ? '' : stdout),
    );
  });
}

/** X's ShiftMask bit in the modifier state. */
const SHIFT_MASK = 1;

/** The modifier state of the customer's X server (QueryPointer's mask, buttons masked out). */
async function xModifiers(): Promise<number> {
  const c = await X11Connection.open(x.display, silentPlatformLog);
  try {
    const reply = await c.call<{ keyMask: number }>('QueryPointer', (cb) =>
      c.client.QueryPointer(c.root, cb),
    );
    return reply.keyMask & 0xff;
  } finally {
    await c.close();
  }
}

function pointer(): { x: number; y: number } {
  const out = x.run('xdotool', ['getmouselocation', '--shell']);
  return { x: Number(/X=(\d+)/.exec(out)![1]), y: Number(/Y=(\d+)/.exec(out)![1]) };
}

/** Focuses the xterm's shell (no window manager: the keyboard follows the pointer). */
async function focusXterm(): Promise<void> {
  const at = await clientPointOf(viewer, { x: 200, y: 100 });
  await viewer.mouse.click(at.x, at.y);
  await until('the pointer over the xterm', () => pointer().x === 200 && pointer().y === 100);
}

async function typeLine(line: string): Promise<void> {
  await viewer.keyboard.type(line);
  await viewer.keyboard.press('Enter');
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-viewer-e2e-'));
  x = await startXvfb({ width: WIDTH, height: HEIGHT });
  x.spawnClient('xterm', ['-geometry', '80x24+20+20', '-e', 'bash', '--norc', '--noprofile'], {
    LC_ALL: 'C.UTF-8',
    LANG: 'C.UTF-8',
    PS1: '$ ',
    HOME: tmp,
  });
  await until('the xterm window', () => {
    try {
      return x.run('xdotool', ['search', '--onlyvisible', '--class', 'xterm']).trim() || undefined;
    } catch {
      return undefined;
    }
  });

  server = await startTestServer();
  const portal = await createPortal(server, 'Screens');
  me = await createAgent(server, { portals: [portal], name: 'Val Viewer' });
  agent = await launchAgentChromium();
  const popup = await signIn(agent, server.url, me.email, PASSWORD);
  customer = await customerViaWs(server, portal, {
    name: 'Casey Customer',
    problem: 'My terminal misbehaves',
  });
  let joinCode: string;
  ({ chat, joinCode } = await acceptAndAskForScreen(agent, popup, customer.sessionId));

  surface = new RecordingSurface();
  helper = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: x.display } },
    stateFile: path.join(tmp, 'state', 'resume.json'),
    annotations: surface,
    // LIFELINE_DEBUG=1 shows the helper's log lines when a test needs diagnosing.
    log: (line) => {
      if (process.env.LIFELINE_DEBUG) console.log('helper:', line);
    },
  });
  helper.onEvent((e) => {
    if (e.type === 'host.consent_needed') void helper.consent(GRANTS);
  });
  await helper.join({ server: server.url, joinCode });

  // The chat window's "open the viewer" opens it in its own window.
  await chat.waitForSelector('button.open-viewer');
  await chat.click('button.open-viewer');
  viewer = await pageStartingWith(
    agent.browser,
    `${EXTENSION_URL}/viewer.html?session=${customer.sessionId}`,
  );
  await viewer.setViewport({ width: 900, height: 700 });
  await viewer.bringToFront();
});

afterAll(async () => {
  await helper?.close();
  await agent?.close();
  await closeAll(customer?.client);
  await server?.stop();
  await x?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the viewer window', () => {
  it('opens once per session from the chat window', async () => {
    await chat.click('button.open-viewer');
    await wait(500);
    const viewers = agent.browser
      .targets()
      .filter((t) => t.type() === 'page' && t.url().includes('/viewer.html?session='));
    expect(viewers).toHaveLength(1);
    await viewer.bringToFront();
  });

  it('shows the same security code as the helper, and the customer screen exactly', async () => {
    const sas = await until('the security code', () =>
      viewer.$eval('.sas-code', (e) => e.textContent).catch(() => null),
    );
    const helperSas = helper.viewerStats().map((p) => p.sas);
    expect(helperSas).toContain(sas);
    await settled(viewer);
    expect(await phaseOf(viewer)).toBe('streaming');
    expect(await viewer.$eval('.badge', (e) => e.textContent)).toBe('You have control');
    await until('a measured round trip', () =>
      viewer.$eval('.quality', (e) => (e as HTMLElement).dataset.rttMs),
    );
    await saveScreenshot(viewer, 'viewer.png');
  });

  it('types a shell command that runs in the remote xterm (non-ASCII text included)', async () => {
    await focusXterm();
    const file = path.join(tmp, 'typed.txt');
    await typeLine(`echo 'viewer: héllo wörld €' > ${file}`);
    expect(await until('the file', () => fileText(file).endsWith('\n') && fileText(file))).toBe(
      'viewer: héllo wörld €\n',
    );
  });

  it('sends arrows, keypad and function keys as keys (none of them scrolls the viewer)', async () => {
    await focusXterm();
    const file = path.join(tmp, 'keys.bin');
    // Raw mode: the keys' bytes reach the file as the application got them; head stops after them.
    const want = '\x1b[A\x1b[D\x1b[B\x1b[6~\x1b[H+\x1b[15~a';
    await typeLine(`stty raw -echo; head -c ${want.length} > ${file}; stty sane`);
    await wait(300);
    // At 1:1 the viewer can scroll: arrows and Page Down must still go to the remote side.
    await viewer.click('button.scale-toggle');
    await viewer.$eval('.viewport', (e) => {
      e.scrollLeft = 50;
      e.scrollTop = 50;
    });
    const scrollBefore = await viewer.$eval('.viewport', (e) => [e.scrollLeft, e.scrollTop]);
    expect(scrollBefore).toEqual([50, 50]);
    for (const key of [
      'ArrowUp',
      'ArrowLeft',
      'ArrowDown',
      'PageDown',
      'Numpad7',
      'NumpadAdd',
      'F5',
    ] as const) {
      await viewer.keyboard.press(key);
    }
    await viewer.keyboard.type('a');
    // NumLock is off on the customer's side: keypad 7 is Home there. F5 is ESC [15~.
    expect(await until('the key bytes', () => fileText(file).length >= want.length && fileText(file))).toBe(
      want,
    );
    expect(await viewer.$eval('.viewport', (e) => [e.scrollLeft, e.scrollTop])).toEqual(scrollBefore);
    await viewer.click('button.scale-toggle');
    // A shortcut goes as keys, Ctrl included: Ctrl+U erases the line typed so far.
    await viewer.keyboard.type('echo this line is erased');
    await viewer.keyboard.down('Control');
    await viewer.keyboard.press('KeyU');
    await viewer.keyboard.up('Control');
    const after = path.join(tmp, 'after-ctrl-u.txt');
    await typeLine(`echo kept > ${after}`);
    expect(await until('the line after Ctrl+U', () => fileText(after))).toBe('kept\n');
    await typeLine('clear');
  });

  it('lands a click on the right desktop pixel, scaled to fit and 1:1 with scrolling', async () => {
    expect(await viewer.$eval('.stage', (e) => (e as HTMLElement).dataset.scale)).toBe('fit');
    const scaled = await viewer.$eval('canvas.picture', (c) => c.getBoundingClientRect().width);
    expect(scaled).toBeLessThan(WIDTH);
    for (const target of [
      { x: 700, y: 500 },
      { x: 5, y: 760 },
      { x: 1010, y: 3 },
    ]) {
      const at = await clientPointOf(viewer, target);
      await viewer.mouse.click(at.x, at.y);
      expect(
        await until(`the pointer at ${target.x},${target.y}`, () => {
          const p = pointer();
          return p.x === target.x && p.y === target.y ? p : undefined;
        }),
      ).toEqual(target);
    }
    await viewer.click('button.scale-toggle');
    expect(await viewer.$eval('.stage', (e) => (e as HTMLElement).dataset.scale)).toBe('actual');
    await viewer.$eval('.viewport', (e) => {
      e.scrollLeft = 100;
      e.scrollTop = 200;
    });
    expect(await viewer.$eval('.viewport', (e) => [e.scrollLeft, e.scrollTop])).toEqual([100, 200]);
    const width = await viewer.$eval('canvas.picture', (c) => c.getBoundingClientRect().width);
    expect(width).toBe(WIDTH);
    const target = { x: 901, y: 655 };
    const at = await clientPointOf(viewer, target);
    await viewer.mouse.click(at.x, at.y);
    expect(
      await until('the pointer at 1:1', () => {
        const p = pointer();
        return p.x === target.x && p.y === target.y ? p : undefined;
      }),
    ).toEqual(target);
    await saveScreenshot(viewer, 'viewer-actual-size.png');
    await viewer.click('button.scale-toggle');
  });

  it('draws an arrow in desktop coordinates for the helper, erases all, and the laser never moves the pointer', async () => {
    await viewer.click('button.tool-arrow');
    const before = surface.messages.length;
    const from = await clientPointOf(viewer, { x: 600, y: 400 });
    const to = await clientPointOf(viewer, { x: 800, y: 600 });
    await viewer.mouse.move(from.x, from.y);
    await viewer.mouse.down();
    await viewer.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await viewer.mouse.move(to.x, to.y, { steps: 4 });
    await viewer.mouse.up();
    const added = await until('the arrow at the helper', () =>
      surface.messages.slice(before).find((m) => m.msg.type === 'shape.add'),
    );
    expect(added.msg).toMatchObject({
      type: 'shape.add',
      shape: { kind: 'arrow', from: [600, 400], to: [800, 600], color: '#e53935' },
    });
    // Drawn in the viewer's own overlay too.
    const inked = await viewer.$eval('canvas.overlay', (c) => {
      const d = c.getContext('2d')!.getImageData(700, 500, 1, 1).data;
      return d[3]! > 0;
    });
    expect(inked).toBe(true);
    await saveScreenshot(viewer, 'viewer-drawing.png');

    const pointerBefore = pointer();
    await viewer.click('button.tool-laser');
    const p1 = await clientPointOf(viewer, { x: 300, y: 300 });
    const p2 = await clientPointOf(viewer, { x: 500, y: 350 });
    await viewer.mouse.move(p1.x, p1.y);
    await viewer.mouse.move(p2.x, p2.y, { steps: 10 });
    // Positions follow the pointer (thinned to ~30 a second), the last one where it stopped.
    const laser = await until('laser positions', () => {
      const l = surface.messages.slice(before).filter((m) => m.msg.type === 'laser' && m.msg.at !== null);
      const last = l.at(-1)?.msg;
      return last?.type === 'laser' && last.at?.[0] === 500 && last.at[1] === 350 ? l : undefined;
    });
    expect(laser.length).toBeGreaterThanOrEqual(2);
    await wait(300);
    expect(pointer()).toEqual(pointerBefore);

    // Text: the agent clicks where it goes and types it; undo removes the latest drawing.
    await viewer.click('button.tool-text');
    const spot = await clientPointOf(viewer, { x: 150, y: 650 });
    await viewer.mouse.click(spot.x, spot.y);
    await viewer.waitForSelector('.text-prompt-input');
    await viewer.type('.text-prompt-input', 'Click here');
    await viewer.keyboard.press('Enter');
    const text = await until('the text at the helper', () =>
      surface.messages.slice(before).find((m) => m.msg.type === 'shape.add' && m.msg.shape.kind === 'text'),
    );
    expect(text.msg).toMatchObject({ shape: { kind: 'text', at: [150, 650], text: 'Click here' } });
    await viewer.click('button.undo-drawing');
    await until('the undo', () =>
      surface.messages
        .slice(before)
        .some((m) => m.msg.type === 'shape.remove' && m.msg.id === (text.msg as { id: number }).id),
    );

    await viewer.click('button.erase-all');
    await until('the erase', () => surface.messages.slice(before).some((m) => m.msg.type === 'shapes.clear'));
    expect(
      await viewer.$eval('canvas.overlay', (c) => c.getContext('2d')!.getImageData(700, 500, 1, 1).data[3]),
    ).toBe(0);
    await viewer.click('button.tool-control');
  });

  it('shares the clipboard both ways: automatically and with the buttons', async () => {
    // Agent -> customer: the agent copies something, then sends it.
    await viewer.evaluate(() => navigator.clipboard.writeText('from the agent: naïve café'));
    await viewer.click('button.clip-push');
    await viewer.waitForSelector('.notice[data-notice=clipSent]');
    // Read without blocking: the helper that owns the selection runs in this process.
    await until('the customer clipboard', async () => (await xclipOut()) === 'from the agent: naïve café');
    // Customer -> agent: the customer copies; the viewer (focused) puts it in the agent's clipboard.
    // xclip -quiet stays in the foreground, serving the selection until killed.
    const copier = spawn('xclip', ['-quiet', '-selection', 'clipboard', '-i'], {
      env: x.env,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    copier.stdin.end('from the customer: ünïcødé');
    const local = await until('the agent clipboard', async () => {
      const t = await viewer.evaluate(() => navigator.clipboard.readText());
      return t === 'from the customer: ünïcødé' ? t : undefined;
    });
    expect(local).toBe('from the customer: ünïcødé');
    expect(await viewer.$eval('.notice', (e) => (e as HTMLElement).dataset.notice)).toBe('clipReceived');
    copier.kill();
    // Automatic: the agent copies elsewhere and comes back to the viewer (its window gets focus).
    await viewer.evaluate(() => navigator.clipboard.writeText('copied while away'));
    await viewer.evaluate(() => window.dispatchEvent(new Event('focus')));
    await until('the automatic push', async () => (await xclipOut()) === 'copied while away');
  });

  it('saves a screenshot as a PNG equal to the screen', async () => {
    await settled(viewer);
    const truth = xwdCapture(x.display);
    await viewer.click('button.screenshot');
    const file = await downloaded(
      agent.downloads,
      (f) => f.startsWith('lifeline-screen-') && f.endsWith('.png'),
    );
    const name = path.basename(file);
    const png = decodePng(readFileSync(file));
    expect([png.width, png.height]).toEqual([WIDTH, HEIGHT]);
    expect(countDiff(truth, png.data)).toBe(0);
    expect(await viewer.$eval('.notice', (e) => e.textContent)).toContain(name);
  });

  it('pauses and resumes sharing; the session and the chat go on', async () => {
    await viewer.click('button.pause');
    await until('paused', async () => (await phaseOf(viewer)) === 'paused');
    expect(await viewer.$eval('.viewer-phase', (e) => e.textContent)).toContain('paused');
    await saveScreenshot(viewer, 'viewer-paused.png');
    // The chat still works both ways while paused.
    await customer.client.request({ type: 'chat.send', text: 'Is it paused?' });
    await chat.waitForFunction(() =>
      [...document.querySelectorAll('.ll-chat-peer .ll-chat-text')].some(
        (e) => e.textContent === 'Is it paused?',
      ),
    );
    // Typing goes nowhere while paused (the xterm has the customer's keyboard focus).
    x.run('xdotool', ['mousemove', '200', '100']);
    const file = path.join(tmp, 'paused.txt');
    await viewer.keyboard.type(`echo no > ${file}`);
    await viewer.keyboard.press('Enter');
    await viewer.click('button.resume');
    await until('streaming again', async () => (await phaseOf(viewer)) === 'streaming');
    await settled(viewer);
    expect(fileText(file)).toBe('');
    expect(server.services.workflow.screen.stateOf(customer.sessionId)).toBe('streaming');
  });

  it('turns view-only at once when the customer takes back control, and blank when they stop sharing', async () => {
    await helper.consent({ ...GRANTS, control: false });
    await until('the view-only badge', () =>
      viewer.$eval('.badge', (e) => (e as HTMLElement).dataset.control === 'false').catch(() => false),
    );
    expect(await viewer.$eval('.notice', (e) => (e as HTMLElement).dataset.notice)).toBe('controlRevoked');
    expect(await viewer.$eval('.badge', (e) => e.textContent)).toBe('View only');
    await saveScreenshot(viewer, 'viewer-view-only.png');
    const file = path.join(tmp, 'viewonly.txt');
    await viewer.keyboard.type(`echo no > ${file}`);
    await viewer.keyboard.press('Enter');

    await helper.consent({ ...GRANTS, view: false, control: false });
    await until('the revoked phase', async () => (await phaseOf(viewer)) === 'revoked');
    expect(await viewer.$eval('.viewport-message', (e) => e.textContent)).toBe(
      'The customer stopped sharing their screen.',
    );
    expect(await viewer.$eval('.sizer', (e) => (e as HTMLElement).style.visibility)).toBe('hidden');
    await wait(500);
    expect(fileText(file)).toBe('');

    await helper.consent(GRANTS);
    await until('streaming again', async () => (await phaseOf(viewer)) === 'streaming');
    await settled(viewer);
  });

  it('turns view-only when the manager switches control off mid-session, and says why', async () => {
    // What the management API's PATCH calls: the open viewer follows at once (viewer.features).
    await server.services.accounts.updateUser(me.email, { features: { screenControl: false } }, 'test');
    await until('the view-only badge', () =>
      viewer.$eval('.badge', (e) => (e as HTMLElement).dataset.control === 'false').catch(() => false),
    );
    expect(await viewer.$eval('.notice', (e) => (e as HTMLElement).dataset.notice)).toBe(
      'controlOffByManager',
    );
    expect(await viewer.$eval('.notice', (e) => e.textContent)).toContain(
      'Your manager switched off control for your account',
    );
    const file = path.join(tmp, 'manager-off.txt');
    await viewer.keyboard.type(`echo no > ${file}`);
    await viewer.keyboard.press('Enter');
    await wait(500);
    expect(fileText(file)).toBe('');

    await server.services.accounts.updateUser(me.email, { features: { screenControl: true } }, 'test');
    await until('control again', () =>
      viewer.$eval('.badge', (e) => (e as HTMLElement).dataset.control === 'true').catch(() => false),
    );
    expect(await viewer.$eval('.notice', (e) => (e as HTMLElement).dataset.notice)).toBe(
      'controlOnByManager',
    );
  });
});

describe('keyboard comfort', () => {
  it("switches size with the viewer's own shortcut, and not once the shortcuts are off", async () => {
    // The pointer (so the customer's keyboard focus) away from the xterm: keys that do go to the
    // customer's side here land on the bare desktop.
    const away = await clientPointOf(viewer, { x: 900, y: 700 });
    await viewer.mouse.click(away.x, away.y);
    const scale = () => viewer.$eval('.stage', (e) => (e as HTMLElement).dataset.scale);
    const pressShortcut = async () => {
      await viewer.keyboard.down('Control');
      await viewer.keyboard.down('Alt');
      await viewer.keyboard.down('Shift');
      await viewer.keyboard.press('KeyZ');
      await viewer.keyboard.up('Shift');
      await viewer.keyboard.up('Alt');
      await viewer.keyboard.up('Control');
    };
    expect(await scale()).toBe('fit');
    await pressShortcut();
    expect(await scale()).toBe('actual');
    await viewer.click('.keyboard-menu summary');
    await viewer.click('input.viewer-shortcuts');
    await viewer.click('.keyboard-menu summary');
    await pressShortcut();
    expect(await scale()).toBe('actual');
    await viewer.click('.keyboard-menu summary');
    await viewer.click('input.viewer-shortcuts');
    await viewer.click('.keyboard-menu summary');
    await viewer.click('button.scale-toggle');
    expect(await scale()).toBe('fit');
  });

  it('releases held keys on the customer side when the viewer loses focus', async () => {
    await focusXterm();
    await viewer.keyboard.down('Shift');
    expect(
      await until(
        'Shift held on the customer X server',
        async () => ((await xModifiers()) & SHIFT_MASK) !== 0,
      ),
    ).toBe(true);
    await viewer.evaluate(() => window.dispatchEvent(new Event('blur')));
    expect(await until('Shift released', async () => (await xModifiers()) === 0)).toBe(true);
    await viewer.keyboard.up('Shift');
  });

  it('goes full screen and back', async () => {
    await viewer.click('button.fullscreen');
    await until('full screen', () => viewer.evaluate(() => document.fullscreenElement !== null));
    await until(
      'the button to say so',
      async () => (await viewer.$eval('button.fullscreen', (e) => e.textContent)) === 'Exit full screen',
    );
    await viewer.click('button.fullscreen');
    await until('windowed', () => viewer.evaluate(() => document.fullscreenElement === null));
  });
});

describe('a relay that flips one bit', () => {
  it('makes the viewer show an error and repaint, never a wrong picture', async () => {
    let afterPicture = false;
    let screenFrames = 0;
    const proxy = await startFlipProxy(server.wsUrl, (frame) => {
      if (frame[1] !== 2 || !afterPicture) return false; // screen channel, once the picture is there
      return ++screenFrames === 2;
    });
    const w = await agent.worker();
    const account = await w.evaluate(
      async () => (await chrome.storage.local.get('account')).account as { origin: string },
    );
    try {
      await w.evaluate(
        async (origin: string, acc: Record<string, unknown>) =>
          chrome.storage.local.set({ account: { ...acc, origin } }),
        proxy.origin,
        account as unknown as Record<string, unknown>,
      );
      const second = await agent.open(`viewer.html?session=${customer.sessionId}`);
      await second.setViewport({ width: 900, height: 700 });
      await second.bringToFront();
      await settled(second);
      afterPicture = true;
      // Changes on the customer's screen make screen frames; the 2nd one is flipped on the way.
      x.run('xdotool', ['mousemove', '200', '100']);
      for (let i = 0; i < 20 && proxy.flipped() === 0; i++) {
        x.run('xdotool', ['type', '--delay', '30', `# ${i}`]);
        await wait(150);
      }
      expect(proxy.flipped()).toBe(1);
      const notice = await until('the error', () =>
        second.$eval('.notice-error', (e) => (e as HTMLElement).dataset.notice).catch(() => null),
      );
      expect(notice).toBe('frameRefused');
      // The picture comes back right (a fresh stream), never a corrupted one.
      await settled(second);
      await saveScreenshot(second, 'viewer-frame-refused.png');
      await second.close();
    } finally {
      await w.evaluate(
        async (acc: Record<string, unknown>) => chrome.storage.local.set({ account: acc }),
        account as unknown as Record<string, unknown>,
      );
      await proxy.close();
    }
  });
});
