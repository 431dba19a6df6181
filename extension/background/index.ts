/**
 * The extension's background: a service worker in Chrome/Edge (stopped when idle), an event page
 * in Firefox (suspended when idle). Every listener is registered synchronously here, as MV3
 * requires for events to wake the background; each waits for `ready` (state loaded from storage)
 * before acting. An alarm every 30 s is the backstop that reconnects after the worker was stopped.
 */
import '../../ui/strict-csp-zod';
import browser from 'webextension-polyfill';
import { defineBackground } from 'wxt/utils/define-background';
import { IS_E2E_BUILD, IS_FIREFOX } from '../lib/build-env';
import { useLanguage } from '../lib/i18n';
import { NO_POLICY, readManagedPolicy, type ManagedPolicy } from '../lib/managed-policy';
import { applyPolicy, readStoredSettings } from '../lib/settings';
import { OffscreenPlay } from '../lib/offscreen-message';
import { chatPortName } from '../lib/ui-protocol';
import { AgentController } from './agent-controller';
import { answerBridgeRequest } from './bridge-requests';
import { HelperBridge } from './helper-bridge';
import { sessionIdOfNotification } from './alert-manager';
import { loadAccount, loadLastServer, loadLive, loadNotice, loadStoredSettingsRaw } from './persisted-state';
import { registerSupportBridge } from './support-bridge-registration';
import { createUiHandlers } from './ui-handlers';
import { keepEventPageAlive } from './event-page-keepalive';
import { BackgroundTracer } from './background-trace';
import { answerUiRequest, isOwnPage, PortRegistry, type UiHandlers } from './ui-server';

/** The reconnect backstop alarm and its period, in minutes (Chrome's minimum is 0.5). */
const WATCHDOG_ALARM = 'lifeline-watchdog';
const WATCHDOG_PERIOD_MINUTES = 0.5;

interface Runtime {
  agent: AgentController;
  helper: HelperBridge;
  handlers: UiHandlers;
  /** The server whose support pages may use the bridge: IT's, else the last one signed in to. */
  bridgeOrigin(): string | null;
}

async function readPolicy(): Promise<ManagedPolicy> {
  try {
    return readManagedPolicy(await browser.storage.managed.get());
  } catch {
    // Firefox throws when no managed storage manifest exists: no policy.
    return NO_POLICY;
  }
}

async function boot(ports: PortRegistry, tracer: BackgroundTracer): Promise<Runtime> {
  const [account, live, lastServer, notice, storedRaw, policy] = await Promise.all([
    loadAccount(),
    loadLive(),
    loadLastServer(),
    loadNotice(),
    loadStoredSettingsRaw(),
    readPolicy(),
  ]);
  const storedSettings = readStoredSettings(storedRaw);
  const effective = applyPolicy(storedSettings, policy);
  await useLanguage(effective.settings.language).catch(() => useLanguage('browser'));
  const agent = new AgentController(
    { account, live, policy, storedSettings, effective, lastServer, notice },
    ports,
    undefined,
    tracer,
  );
  const helper = new HelperBridge(browser.runtime.getManifest().version, (view) =>
    ports.push({ type: 'consent', view }, (name) => name === 'consent'),
  );
  const bridgeOrigin = () => agent.state.policy.serverUrl ?? agent.state.lastServer;
  const handlers = createUiHandlers({
    agent,
    helper,
    onServerChanged: () => void registerSupportBridge(bridgeOrigin()),
  });
  void registerSupportBridge(bridgeOrigin());
  await agent.resume();
  return { agent, helper, handlers, bridgeOrigin };
}

function sendInitialPushes(rt: Runtime, port: browser.Runtime.Port): void {
  port.postMessage({ type: 'settings', effective: rt.agent.state.effective });
  if (port.name === 'consent') {
    port.postMessage({ type: 'consent', view: rt.helper.current() });
    return;
  }
  port.postMessage({ type: 'view', view: rt.agent.view() });
  if (port.name.startsWith('chat:')) {
    const sessionId = port.name.slice('chat:'.length);
    void rt.agent
      .ensureTranscript(sessionId)
      .catch(() => undefined)
      .then(() => {
        const detail = rt.agent.detail(sessionId);
        if (detail && port.name === chatPortName(sessionId)) port.postMessage({ type: 'session', detail });
      });
  }
}

/** Opens the alert list: the real popup where the browser allows it, else a small window. */
async function openAlertList(): Promise<void> {
  try {
    await browser.action.openPopup();
  } catch {
    await browser.windows.create({
      url: browser.runtime.getURL('/popup.html'),
      type: 'popup',
      width: 400,
      height: 600,
    });
  }
}

export default defineBackground(() => {
  let runtime: Runtime | null = null;
  const tracer = new BackgroundTracer();
  const ports = new PortRegistry((port) => {
    if (runtime) sendInitialPushes(runtime, port);
  });
  const ready = boot(ports, tracer).then((rt) => {
    runtime = rt;
    tracer.booted();
    return rt;
  });
  ready.catch((err: unknown) => console.error('lifeline: background failed to start', err));
  if (IS_FIREFOX) keepEventPageAlive(() => runtime?.agent.state.account != null);

  browser.runtime.onMessage.addListener((raw: unknown, sender: browser.Runtime.MessageSender) => {
    if (OffscreenPlay.safeParse(raw).success) return undefined;
    if (isOwnPage(sender)) return ready.then((rt) => answerUiRequest(raw, rt.handlers));
    if (sender.tab) return ready.then((rt) => answerBridgeRequest(raw, sender, rt.bridgeOrigin(), rt.helper));
    return undefined;
  });

  browser.runtime.onConnect.addListener((port) => {
    // Accept at once (so no push is missed), send the first pushes once state is loaded.
    if (runtime) ports.accept(port);
    else void ready.then(() => ports.accept(port));
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name !== WATCHDOG_ALARM) return;
    tracer.alarm();
    void ready.then((rt) => rt.agent.ensureConnected());
  });
  void browser.alarms.create(WATCHDOG_ALARM, { periodInMinutes: WATCHDOG_PERIOD_MINUTES });

  browser.notifications.onClicked.addListener((id) => {
    const sessionId = sessionIdOfNotification(id);
    if (!sessionId) return;
    void ready.then(async (rt) => {
      await rt.agent.alerts.withdraw(sessionId);
      if (rt.agent.state.live.sessions.some((s) => s.id === sessionId))
        await rt.agent.windows.open(sessionId);
      else await openAlertList();
    });
  });

  browser.notifications.onButtonClicked.addListener((id, index) => {
    const sessionId = sessionIdOfNotification(id);
    if (!sessionId || index !== 0) return;
    void ready.then((rt) =>
      rt.handlers['request.accept']({ type: 'request.accept', sessionId }).catch(() => openAlertList()),
    );
  });

  browser.windows.onRemoved.addListener((windowId) => {
    void ready.then((rt) => {
      rt.agent.onWindowClosed(windowId);
      rt.helper.forgetWindow(windowId);
    });
  });

  browser.tabs.onRemoved.addListener((tabId) => {
    void ready.then((rt) => rt.helper.forgetTab(tabId));
  });

  browser.storage.onChanged.addListener((_changes, area) => {
    if (area !== 'managed') return;
    void ready.then(async (rt) => {
      rt.agent.applySettings(rt.agent.state.storedSettings, await readPolicy());
      void registerSupportBridge(rt.bridgeOrigin());
    });
  });

  if (IS_E2E_BUILD) {
    // Test build only: Firefox over WebDriver BiDi cannot open moz-extension:// pages itself.
    void browser.storage.session.get('e2eOpened').then(async (v) => {
      if (v.e2eOpened) return;
      await browser.storage.session.set({ e2eOpened: true });
      await browser.tabs.create({ url: browser.runtime.getURL('/popup.html?e2e=1') });
    });
  }
});
