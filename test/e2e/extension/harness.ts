/**
 * Runs the BUILT agent extension in a real Chromium (puppeteer-core, /usr/bin/chromium, fresh
 * profile per browser, removed after) against a real Lifeline server. The build is made with
 * `npx wxt build` when it is missing or older than the extension's sources, so a test never runs
 * yesterday's extension. Helpers reach the extension the way an agent does (its pages), and read
 * what only the extension can see (its notifications) from its service worker.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { ensureBuilt, CHROME_BUILD, EXTENSION_URL } from '../../support/agent-extension';
import { extensionWorkerTarget, launchChromium } from '../../support/chromium';

/** The parts of Chrome's extension API the tests evaluate inside the extension's contexts. */
export interface ChromeApi {
  notifications: {
    getAll(): Promise<Record<string, boolean>>;
    create(id: string, options: { title: string; message: string }): Promise<string>;
    clear(id: string): Promise<boolean>;
  };
  windows: {
    getAll(filter: {
      populate: boolean;
      windowTypes: string[];
    }): Promise<
      { id: number; left: number; top: number; width: number; height: number; tabs?: { url?: string }[] }[]
    >;
  };
  runtime: {
    getContexts(filter: { contextTypes: string[] }): Promise<unknown[]>;
    sendMessage(message: unknown): Promise<unknown>;
  };
  storage: {
    session: { get(key: string): Promise<Record<string, unknown>> };
    local: { get(key: string): Promise<Record<string, unknown>> };
    sync: { get(key: string): Promise<Record<string, unknown>> };
  };
}
declare const chrome: ChromeApi;

/**
 * Polling interval for waitForFunction, in ms. Puppeteer's default polls on animation frames,
 * which never come in a tab the browser hides (the popup tab behind a chat window): use a timer.
 */
export const POLL_MS = 100;

export interface AgentBrowser {
  browser: Browser;
  userDataDir: string;
  /**
   * Runs a function in the extension's service worker (as it is now: Chrome may have restarted
   * it) and returns its JSON result. Attaches for this call only: a worker handle kept attached
   * leaves a restarted worker stuck in "starting" under puppeteer.
   */
  inWorker<A, R>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Opens an extension page (e.g. "popup.html") in a new tab. */
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** UI language (e.g. "fr"): --lang and the process locale. */
  lang?: string;
  extraArgs?: string[];
  /** Extra environment for the browser (inherited by native hosts it starts). */
  env?: NodeJS.ProcessEnv;
  /** A native-messaging host to install in this profile: its executable and manifest name. */
  nativeHost?: { name: string; executable: string };
  /** The browser to start instead of Chromium itself (a script that execs it, e.g. private-mounts.ts). */
  executablePath?: string;
}

/** How long one evaluation in the extension's service worker may take, in ms (a hang guard). */
const WORKER_EVALUATE_MS = 20_000;

export async function launchAgentBrowser(options: LaunchOptions = {}): Promise<AgentBrowser> {
  ensureBuilt();
  const chromium = await launchChromium({
    extensions: [CHROME_BUILD],
    defaultViewport: null,
    args: [
      ...(options.lang ? [`--lang=${options.lang}`, `--accept-lang=${options.lang}`] : []),
      ...(options.extraArgs ?? []),
    ],
    env: {
      ...process.env,
      ...(options.lang ? { LANGUAGE: options.lang, LANG: `${options.lang}_FR.UTF-8` } : {}),
      ...options.env,
    },
    ...(options.nativeHost ? { prepareProfile: installNativeHost(options.nativeHost) } : {}),
    ...(options.executablePath ? { executablePath: options.executablePath } : {}),
  });
  const { browser, profile: userDataDir } = chromium;
  const inWorker = async <A, R>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> => {
    const target = await extensionWorkerTarget(browser, EXTENSION_URL);
    const session = await target.createCDPSession();
    try {
      // Bounded: an evaluation the worker never answers (seen once in a CI run, the worker being
      // stopped under it) fails here, naming the step, instead of eating the whole test's time.
      const { result, exceptionDetails } = await session.send(
        'Runtime.evaluate',
        {
          expression: `(${fn.toString()})(${JSON.stringify(arg ?? null)})`,
          awaitPromise: true,
          returnByValue: true,
        },
        { timeout: WORKER_EVALUATE_MS },
      );
      if (exceptionDetails)
        throw new Error(
          `in the service worker: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`,
        );
      return result.value as R;
    } finally {
      await session.detach().catch(() => undefined);
    }
  };
  await extensionWorkerTarget(browser, EXTENSION_URL);
  return {
    browser,
    userDataDir,
    inWorker,
    async openPage(path: string) {
      const page = await browser.newPage();
      await page.goto(`${EXTENSION_URL}/${path}`);
      return page;
    },
    close: chromium.close,
  };
}

/** Installs a native-messaging host manifest in a profile: Chromium with --user-data-dir=D reads D/NativeMessagingHosts/. */
function installNativeHost(host: { name: string; executable: string }): (profile: string) => void {
  return (profile) => {
    const dir = join(profile, 'NativeMessagingHosts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${host.name}.json`),
      JSON.stringify({
        name: host.name,
        description: 'Lifeline helper (test stand-in)',
        path: host.executable,
        type: 'stdio',
        allowed_origins: [`${EXTENSION_URL}/`],
      }),
    );
  };
}

export interface ShownNotification {
  id: string;
  title: string;
  message: string;
}

/** The extension's notifications, read in its service worker (what the agent sees). */
export async function notifications(agent: AgentBrowser): Promise<string[]> {
  return agent.inWorker(async () => Object.keys(await chrome.notifications.getAll()));
}

/** One alert the extension asked the browser to show, as the recorder saw the call. */
export interface RecordedAlert {
  id: string;
  title: string;
  message: string;
}

/**
 * One call the extension made for an alert id: when (ms since the recorder started), and when the
 * browser answered (absent while in flight) with what (a clear says whether it removed anything).
 */
export interface AlertCall {
  call: 'create' | 'clear';
  at: number;
  answeredAt?: number;
  answer?: unknown;
}

/** What the recorder knows of one alert id, with whether the browser shows it now. */
export interface AlertState {
  /** Every create for this id, oldest first. */
  created: RecordedAlert[];
  /** Every create and clear for this id, in the order the extension made them. */
  calls: AlertCall[];
  /** Calls for this id the browser has not answered yet. */
  inFlight: number;
  shown: boolean;
}

interface AlertRecorder {
  created: RecordedAlert[];
  calls: Record<string, AlertCall[]>;
}
declare const self: { alertRecorder?: AlertRecorder };

/**
 * Records, in the extension's service worker, what it asks of chrome.notifications: each create
 * (id, title, message), and each create and clear with when the browser answered. Chrome puts a
 * notification up only after loading its icon, so "not shown" means little while a create is in
 * flight. Lost if Chrome restarts the worker: `alertState` then says so.
 */
export async function recordAlerts(agent: AgentBrowser): Promise<void> {
  await agent.inWorker(() => {
    const recorder: AlertRecorder = { created: [], calls: {} };
    self.alertRecorder = recorder;
    const started = performance.now();
    const track = <R>(id: string, call: AlertCall['call'], answer: Promise<R>): Promise<R> => {
      const entry: AlertCall = { call, at: Math.round(performance.now() - started) };
      (recorder.calls[id] ??= []).push(entry);
      return answer.then(
        (value) => {
          entry.answeredAt = Math.round(performance.now() - started);
          entry.answer = value;
          return value;
        },
        (err: unknown) => {
          entry.answeredAt = Math.round(performance.now() - started);
          entry.answer = `error: ${String(err)}`;
          throw err;
        },
      );
    };
    const create = chrome.notifications.create.bind(chrome.notifications);
    const clear = chrome.notifications.clear.bind(chrome.notifications);
    chrome.notifications.create = (id, options) => {
      recorder.created.push({ id, title: options.title, message: options.message });
      return track(id, 'create', create(id, options));
    };
    chrome.notifications.clear = (id) => track(id, 'clear', clear(id));
  });
}

/**
 * Runs `during` with the extension's service worker paused in the debugger (it stops at its next
 * statement, e.g. the handler of a message that arrives), then lets it go on: whatever reached it
 * meanwhile, it then handles back to back, as a worker the machine starved of CPU does. Resumed
 * whatever `during` did.
 */
export async function withWorkerPaused<T>(agent: AgentBrowser, during: () => Promise<T>): Promise<T> {
  const target = await extensionWorkerTarget(agent.browser, EXTENSION_URL);
  const session = await target.createCDPSession();
  try {
    await session.send('Debugger.enable', undefined, { timeout: WORKER_EVALUATE_MS });
    await session.send('Debugger.pause', undefined, { timeout: WORKER_EVALUATE_MS });
    return await during();
  } finally {
    await session.send('Debugger.resume', undefined, { timeout: WORKER_EVALUATE_MS }).catch(() => undefined);
    await session.send('Debugger.disable', undefined, { timeout: WORKER_EVALUATE_MS }).catch(() => undefined);
    await session.detach().catch(() => undefined);
  }
}

/** What the recorder of `recordAlerts` knows of alert `id`, and whether it is on screen. */
export async function alertState(agent: AgentBrowser, id: string): Promise<AlertState> {
  const state = await agent.inWorker(async (alertId: string) => {
    const recorder = self.alertRecorder;
    if (!recorder) return null;
    const calls = recorder.calls[alertId] ?? [];
    return {
      created: recorder.created.filter((a) => a.id === alertId),
      calls,
      inFlight: calls.filter((c) => c.answeredAt === undefined).length,
      shown: alertId in (await chrome.notifications.getAll()),
    };
  }, id);
  if (!state) throw new Error('the alert recorder is gone from the service worker (Chrome restarted it)');
  return state;
}

/**
 * The extension's state as its pages see it, read without waking its service worker: from an
 * extension document that runs no script of ours (its manifest, opened as a page for this read
 * only, so no extension page stays open in between), so a test can say what it saw while the
 * worker is stopped: whether the worker runs, the background's trace in storage.session
 * (extension/background/background-trace.ts) and its alarms, times relative to now.
 */
export async function readExtensionState(agent: AgentBrowser): Promise<string> {
  const workerRunning = agent.browser
    .targets()
    .some((t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_URL));
  const page = await agent.browser.newPage();
  try {
    await page.goto(`${EXTENSION_URL}/manifest.json`);
    const seen = await page.evaluate(async () => {
      const api = (
        globalThis as unknown as {
          chrome: {
            alarms: {
              getAll(): Promise<{ name: string; scheduledTime: number; periodInMinutes?: number }[]>;
            };
            storage: { session: { get(key: string): Promise<Record<string, unknown>> } };
          };
        }
      ).chrome;
      const now = Date.now();
      const ago = (v: unknown) => (typeof v === 'number' ? `${now - v} ms ago` : v);
      const trace = (await api.storage.session.get('backgroundTrace')).backgroundTrace as
        Record<string, unknown> | undefined;
      const lastClose = trace?.lastClose as { code: number; reason: string; at: number } | null | undefined;
      return {
        alarms: (await api.alarms.getAll()).map(
          (a) => `${a.name} every ${a.periodInMinutes} min, next in ${Math.round(a.scheduledTime - now)} ms`,
        ),
        trace: trace && {
          workerStarted: ago(trace.startedAt),
          stateLoaded: ago(trace.bootedAt),
          alarmReached: ago(trace.alarmAt),
          socket: `${String(trace.socket)} since ${String(ago(trace.socketSince))}`,
          lastClose: lastClose
            ? `${lastClose.code} "${lastClose.reason}" ${String(ago(lastClose.at))}`
            : null,
        },
      };
    }, undefined);
    return JSON.stringify({ workerRunning, ...seen });
  } finally {
    await page.close().catch(() => undefined);
  }
}

/**
 * Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`
 * naming `what`, the last state the probe reported through `saw` (what it looked at and did not
 * like), the last error it threw, and `lastState` (when given: read once at the timeout).
 */
export async function until<T>(
  probe: (saw: (state: unknown) => void) => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  everyMs = 25,
  lastState?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let seen: { state: unknown } | undefined;
  const saw = (state: unknown) => {
    seen = { state };
  };
  for (;;) {
    try {
      const v = await probe(saw);
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const state = lastState ? await lastState().catch((err: unknown) => `unreadable: ${String(err)}`) : '';
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}` +
          (seen ? `; last seen: ${JSON.stringify(seen.state)}` : '') +
          (last ? `; last error: ${String(last)}` : '') +
          (state ? `; last state seen: ${state}` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Text content of the first element matching `selector`, once it exists. */
export async function textOf(page: Page, selector: string, timeoutMs = 5000): Promise<string> {
  const el = await page.waitForSelector(selector, { timeout: timeoutMs });
  if (!el) throw new Error(`no ${selector}`);
  return (await el.evaluate((e) => e.textContent ?? '')).trim();
}
