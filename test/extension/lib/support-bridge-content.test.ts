/**
 * The content script's end of the page bridge with a stand-in window and runtime: silent unless
 * the background allows this page, then strict about who it listens to (its own window, the
 * server's origin, the page side of the channel, valid and small messages).
 */
import { describe, expect, it } from 'vitest';
import { PAGE_BRIDGE_CHANNEL, PAGE_BRIDGE_MAX_BYTES } from '../../../protocol/page-bridge';
import type { HelperState } from '../../../protocol/native-channel';
import {
  runSupportBridge,
  type BridgeRuntime,
  type BridgeWindowLike,
  type ProbeAnswer,
} from '../../../extension/lib/support-bridge-content';
import type { BridgeStartOutcome } from '../../../extension/lib/ui-protocol';

const ORIGIN = 'https://help.example.com';

class FakeWindow implements BridgeWindowLike {
  readonly location = { origin: ORIGIN };
  readonly posted: { message: { type: string; [k: string]: unknown }; target: string }[] = [];
  listeners: ((ev: MessageEvent) => void)[] = [];
  postMessage(message: unknown, target: string) {
    this.posted.push({ message: message as { type: string }, target });
  }
  addEventListener(_type: 'message', listener: (ev: MessageEvent) => void) {
    this.listeners.push(listener);
  }
  /** Delivers a message event as the browser would. */
  deliver(data: unknown, opts: { origin?: string; source?: unknown } = {}) {
    const ev = {
      data,
      origin: opts.origin ?? ORIGIN,
      source: 'source' in opts ? opts.source : this,
    } as unknown as MessageEvent;
    for (const l of this.listeners) l(ev);
  }
}

function runtime(answer: Partial<ProbeAnswer>, start?: (code: string) => Promise<BridgeStartOutcome>) {
  const statusListeners: ((s: HelperState) => void)[] = [];
  const started: string[] = [];
  const rt: BridgeRuntime = {
    probe: async () => ({
      allowed: true,
      origin: ORIGIN,
      helper: 'available',
      extensionVersion: '0.1.0',
      ...answer,
    }),
    start: async (code) => {
      started.push(code);
      return start ? start(code) : { ok: true, state: 'connecting' };
    },
    onStatus: (l) => statusListeners.push(l),
  };
  return { rt, started, status: (s: HelperState) => statusListeners.forEach((l) => l(s)) };
}

const fromPage = (type: string, extra: Record<string, unknown> = {}) => ({
  channel: PAGE_BRIDGE_CHANNEL,
  from: 'page',
  type,
  ...extra,
});
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('support bridge content script', () => {
  it('stays silent and listens to nothing when the background does not allow this page', async () => {
    const win = new FakeWindow();
    const { rt } = runtime({ allowed: false, origin: null });
    expect(await runSupportBridge(win, rt)).toBe(false);
    expect(win.posted).toEqual([]);
    expect(win.listeners).toEqual([]);
  });

  it("stays silent when the allowed origin is not this window's", async () => {
    const win = new FakeWindow();
    const { rt } = runtime({ origin: 'https://other.example.com' });
    expect(await runSupportBridge(win, rt)).toBe(false);
    expect(win.posted).toEqual([]);
  });

  it('says ready at start and to each probe, to the server origin only', async () => {
    const win = new FakeWindow();
    const { rt } = runtime({});
    expect(await runSupportBridge(win, rt)).toBe(true);
    expect(win.posted).toEqual([
      {
        message: {
          channel: PAGE_BRIDGE_CHANNEL,
          from: 'extension',
          type: 'bridge.ready',
          version: 1,
          extensionVersion: '0.1.0',
          helper: 'available',
        },
        target: ORIGIN,
      },
    ]);
    win.deliver(fromPage('bridge.probe', { version: 1 }));
    expect(win.posted).toHaveLength(2);
    win.deliver(fromPage('bridge.probe', { version: 2 }));
    expect(win.posted).toHaveLength(2);
  });

  it('ignores messages from other windows, other origins, its own side, and oversized or invalid ones', async () => {
    const win = new FakeWindow();
    const { rt, started } = runtime({});
    await runSupportBridge(win, rt);
    const start = fromPage('helper.start', { id: 'a', joinCode: '123456789', agentName: 'Ann' });
    win.deliver(start, { source: {} });
    win.deliver(start, { origin: 'https://evil.example' });
    win.deliver({ ...start, from: 'extension' });
    win.deliver({ ...start, agentName: 'x'.repeat(PAGE_BRIDGE_MAX_BYTES) });
    win.deliver({ ...start, joinCode: 'abc' });
    win.deliver('a string');
    await tick();
    expect(started).toEqual([]);
    expect(win.posted).toHaveLength(1);
  });

  it('starts the helper and answers started, then relays the status', async () => {
    const win = new FakeWindow();
    const { rt, started, status } = runtime({});
    await runSupportBridge(win, rt);
    win.deliver(fromPage('helper.start', { id: 's1', joinCode: '123 456 789', agentName: 'Ann' }));
    await tick();
    expect(started).toEqual(['123456789']);
    expect(win.posted[1]?.message).toEqual({
      channel: PAGE_BRIDGE_CHANNEL,
      from: 'extension',
      type: 'helper.started',
      id: 's1',
      state: 'connecting',
    });
    status('sharing');
    expect(win.posted[2]?.message).toMatchObject({ type: 'helper.status', state: 'sharing' });
  });

  it('answers failed with the code when the helper cannot start', async () => {
    const win = new FakeWindow();
    const { rt } = runtime({}, async () => ({
      ok: false,
      code: 'os_not_supported',
      message: 'no',
      os: 'plan9 4',
    }));
    await runSupportBridge(win, rt);
    win.deliver(fromPage('helper.start', { id: 's2', joinCode: '123456789', agentName: 'Ann' }));
    await tick();
    expect(win.posted[1]?.message).toEqual({
      channel: PAGE_BRIDGE_CHANNEL,
      from: 'extension',
      type: 'helper.failed',
      id: 's2',
      code: 'os_not_supported',
      message: 'no',
      os: 'plan9 4',
    });
  });
});
