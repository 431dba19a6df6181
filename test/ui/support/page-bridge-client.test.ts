// The page's end of the extension bridge: it believes only its own window and origin, only the
// extension side of the bridge channel, and only messages that validate; it gives up waiting for
// an absent extension after the probe timeout.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BRIDGE_PROBE_TIMEOUT_MS,
  BRIDGE_START_TIMEOUT_MS,
  PAGE_BRIDGE_CHANNEL,
  PageToExtension,
} from '../../../protocol/page-bridge';
import {
  PageBridgeClient,
  type BridgeEvent,
  type BridgeInfo,
  type BridgeWindow,
} from '../../../ui/support/page-bridge-client';

const ORIGIN = 'https://help.example.com';

function fakeWindow() {
  const listeners = new Set<(ev: BridgeEvent) => void>();
  const posted: unknown[] = [];
  const win: BridgeWindow = {
    location: { origin: ORIGIN },
    postMessage: (m) => void posted.push(m),
    addEventListener: (_t, l) => void listeners.add(l),
    removeEventListener: (_t, l) => void listeners.delete(l),
  };
  const emit = (data: unknown, from: { source?: unknown; origin?: string } = {}) => {
    const ev = { source: 'source' in from ? from.source : win, origin: from.origin ?? ORIGIN, data };
    for (const l of [...listeners]) l(ev);
  };
  return { win, posted, emit, listeners };
}

const ext = (type: string, fields: Record<string, unknown> = {}) => ({
  channel: PAGE_BRIDGE_CHANNEL,
  from: 'extension',
  type,
  ...fields,
});
const ready = ext('bridge.ready', { version: 1, extensionVersion: '1.0.0', helper: 'available' });

describe('PageBridgeClient', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  function start() {
    const w = fakeWindow();
    const infos: BridgeInfo[] = [];
    const statuses: string[] = [];
    const client = new PageBridgeClient(
      w.win,
      (i) => infos.push(i),
      (s) => statuses.push(s),
    );
    client.start();
    return { ...w, client, infos, statuses };
  }

  it('probes on start with a message the extension can validate', () => {
    const { posted } = start();
    expect(posted).toHaveLength(1);
    expect(PageToExtension.safeParse(posted[0]).success).toBe(true);
  });

  it('reports the extension absent after the probe timeout', () => {
    const { client, infos } = start();
    vi.advanceTimersByTime(BRIDGE_PROBE_TIMEOUT_MS - 1);
    expect(client.current.presence).toBe('probing');
    vi.advanceTimersByTime(1);
    expect(infos.at(-1)).toEqual({ presence: 'absent', helper: null });
  });

  it('reports it present on bridge.ready, even when the extension answers late', () => {
    const { client, emit } = start();
    vi.advanceTimersByTime(BRIDGE_PROBE_TIMEOUT_MS * 2);
    emit(ready);
    expect(client.current).toEqual({ presence: 'present', helper: 'available' });
  });

  it('ignores other windows, other origins, its own messages, other channels and invalid shapes', () => {
    const { client, emit } = start();
    emit(ready, { source: {} });
    emit(ready, { source: null });
    emit(ready, { origin: 'https://evil.example' });
    emit({ ...ready, from: 'page' });
    emit({ ...ready, channel: 'other' });
    emit({ ...ready, helper: 'maybe' });
    emit({ ...ready, version: 2 });
    emit('lifeline-page-bridge');
    emit(null);
    expect(client.current.presence).toBe('probing');
  });

  it('starts the helper with the join code and settles on the matching answer', async () => {
    const { client, emit, posted, statuses } = start();
    emit(ready);
    const p = client.startHelper('123 456 789', 'Anna');
    const sent = PageToExtension.parse(posted.at(-1));
    expect(sent).toMatchObject({ type: 'helper.start', joinCode: '123456789', agentName: 'Anna' });
    if (sent.type !== 'helper.start') throw new Error('unexpected');
    emit(ext('helper.started', { id: 'someone-else', state: 'connecting' }));
    emit(ext('helper.started', { id: sent.id, state: 'waiting_consent' }));
    await expect(p).resolves.toBe('waiting_consent');
    emit(ext('helper.status', { state: 'sharing' }));
    expect(statuses).toEqual(['sharing']);
  });

  it("passes the extension's failure code on, and times out when nobody answers", async () => {
    const { client, emit, posted } = start();
    emit(ready);
    const failing = client.startHelper('123456789', 'Anna');
    const sent = PageToExtension.parse(posted.at(-1));
    if (sent.type !== 'helper.start') throw new Error('unexpected');
    emit(ext('helper.failed', { id: sent.id, code: 'os_not_supported', message: 'no', os: 'FreeBSD 14' }));
    await expect(failing).rejects.toMatchObject({ code: 'os_not_supported', os: 'FreeBSD 14' });

    const silent = client.startHelper('123456789', 'Anna');
    vi.advanceTimersByTime(BRIDGE_START_TIMEOUT_MS);
    await expect(silent).rejects.toMatchObject({ code: 'helper_not_connected' });
  });

  it('refuses to start the helper when the extension is not there, and stops listening on stop()', async () => {
    const { client, listeners } = start();
    await expect(client.startHelper('123456789', 'Anna')).rejects.toMatchObject({
      code: 'helper_not_connected',
    });
    client.stop();
    expect(listeners.size).toBe(0);
  });
});
