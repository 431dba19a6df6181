/**
 * Alert lifetime with a recording notifier and a hand-driven clock: shown for the agent's
 * duration, withdrawn at once (also while the browser is still putting it up), and cleaned up
 * after a restart of the background.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { QueueEntry } from '../../../protocol/common';
import type { NotificationOptions as Options } from '../../../extension/background/alert-manager';

const catalog = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../extension/public/_locales/en/messages.json'), 'utf8'),
) as Record<string, { message: string }>;
vi.mock('webextension-polyfill', () => ({
  default: {
    i18n: {
      // The English catalog, with the placeholders our catalogs use ($P1$ -> first substitution).
      getMessage: (key: string, subs: string[] = []) =>
        (catalog[key]?.message ?? '').replace(
          /\$P(\d)\$/g,
          (_m: string, d: string) => subs[Number(d) - 1] ?? '',
        ),
    },
  },
}));
const { AlertManager, notificationIdOf } = await import('../../../extension/background/alert-manager');

class Clock {
  now = 1_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  set = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.push({ at: this.now + ms, fn, id });
    return id;
  };
  clear = (h: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== h);
  };
  advance(ms: number) {
    this.now += ms;
    for (const t of this.timers.filter((x) => x.at <= this.now)) {
      this.clear(t.id);
      t.fn();
    }
  }
}

function setup() {
  const shown = new Map<string, Options>();
  const expiries = new Map<string, number | null>();
  const clock = new Clock();
  const notifier = {
    create: async (id: string, o: Options) => void shown.set(id, o),
    clear: async (id: string) => void shown.delete(id),
    shown: async () => [...shown.keys()],
  };
  const manager = new AlertManager(
    notifier,
    { set: clock.set, clear: clock.clear, now: () => clock.now },
    (id, at) => expiries.set(id, at),
  );
  return { shown, expiries, clock, manager };
}

const entry: QueueEntry = {
  sessionId: 's1',
  portal: { slug: 'printers', name: 'Printers' },
  customerName: 'Casey',
  problem: 'Blank pages',
  queuedAt: 0,
};

/**
 * A notifier that behaves as Chrome was measured to: a create is answered (and the notification
 * put up) only when the test lets it (Chrome loads the icon first), and a clear that comes
 * before that removes nothing.
 */
function chromeLikeSetup() {
  const shown = new Set<string>();
  const pending: (() => void)[] = [];
  const expiries = new Map<string, number | null>();
  const clock = new Clock();
  const notifier = {
    create: (id: string) =>
      new Promise<void>((resolve) => {
        pending.push(() => {
          shown.add(id);
          resolve();
        });
      }),
    clear: async (id: string) => void shown.delete(id),
    shown: async () => [...shown],
  };
  const manager = new AlertManager(
    notifier,
    { set: clock.set, clear: clock.clear, now: () => clock.now },
    (id, at) => expiries.set(id, at),
  );
  const settle = () => new Promise((r) => setTimeout(r, 0));
  /** Answers the oldest create still loading its icon (once the manager has asked for it). */
  const iconLoaded = async () => {
    await settle();
    const answer = pending.shift();
    if (!answer) throw new Error('no create is loading its icon');
    answer();
    await settle();
  };
  return { shown, expiries, clock, manager, iconLoaded, pending, settle };
}

describe('alert manager', () => {
  it('shows the customer, problem and portal, for the chosen number of seconds', async () => {
    const { shown, clock, manager, expiries } = setup();
    const expiresAt = await manager.show(entry, 2);
    expect(expiresAt).toBe(clock.now + 2000);
    expect(expiries.get('s1')).toBe(expiresAt);
    expect(shown.get(notificationIdOf('s1'))).toMatchObject({
      title: 'Customer waiting: Casey',
      message: 'Blank pages',
      contextMessage: 'Portal: Printers',
      requireInteraction: true,
      buttons: [{ title: 'Accept' }],
    });
    clock.advance(1999);
    expect(shown.size).toBe(1);
    clock.advance(1);
    await Promise.resolve();
    expect(shown.size).toBe(0);
    expect(expiries.get('s1')).toBeNull();
  });

  it('names who transferred the request and shows their comment', async () => {
    const { shown, manager } = setup();
    await manager.show(
      {
        ...entry,
        transfer: { fromAgent: { id: 'a', name: 'Frank', email: 'f@x.test' }, comment: 'Needs ICC', at: 0 },
      },
      30,
    );
    expect(shown.get(notificationIdOf('s1'))).toMatchObject({
      title: 'Casey, transferred by Frank',
      message: '“Needs ICC” — Blank pages',
    });
  });

  it('withdraws an alert at once, and all of them on sign-out', async () => {
    const { shown, manager, clock } = setup();
    await manager.show(entry, 30);
    await manager.show({ ...entry, sessionId: 's2' }, 30);
    await manager.withdraw('s1');
    expect([...shown.keys()]).toEqual([notificationIdOf('s2')]);
    await manager.withdrawAll();
    expect(shown.size).toBe(0);
    clock.advance(60_000);
    expect(shown.size).toBe(0);
  });

  it('after a restart, clears what expired meanwhile and keeps the rest until it expires', async () => {
    const { shown, manager, clock } = setup();
    shown.set(notificationIdOf('old'), { title: 'x', message: 'y' });
    shown.set(notificationIdOf('fresh'), { title: 'x', message: 'y' });
    await manager.restore({ old: clock.now - 1, fresh: clock.now + 5000 });
    expect([...shown.keys()]).toEqual([notificationIdOf('fresh')]);
    clock.advance(5000);
    await Promise.resolve();
    expect(shown.size).toBe(0);
  });

  it('withdraws an alert the browser is still putting up: it does not come up afterwards', async () => {
    const { shown, expiries, clock, manager, iconLoaded } = chromeLikeSetup();
    const showing = manager.show(entry, 30);
    const withdrawing = manager.withdraw('s1');
    await iconLoaded();
    await Promise.all([showing, withdrawing]);
    expect(shown.size).toBe(0);
    // Nothing left to clear it later or to restore after a restart.
    expect(expiries.get('s1')).toBeNull();
    clock.advance(60_000);
    expect(shown.size).toBe(0);
  });

  it('shows again what came back after a withdrawal, in the order asked', async () => {
    const { shown, manager, iconLoaded, pending, settle } = chromeLikeSetup();
    const first = manager.show(entry, 30);
    const withdrawing = manager.withdraw('s1');
    const again = manager.show(entry, 30);
    await settle();
    // One create at a time: the second is asked of the browser once the clear before it is answered.
    expect(pending).toHaveLength(1);
    await iconLoaded();
    await first;
    await withdrawing;
    expect(pending).toHaveLength(1);
    await iconLoaded();
    await again;
    expect([...shown]).toEqual([notificationIdOf('s1')]);
  });

  it('on sign-out, withdraws also the alerts still going up', async () => {
    const { shown, manager, iconLoaded } = chromeLikeSetup();
    const showing = manager.show(entry, 30);
    const all = manager.withdrawAll();
    await iconLoaded();
    await Promise.all([showing, all]);
    expect(shown.size).toBe(0);
  });
});
