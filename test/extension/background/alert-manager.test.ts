/**
 * Alert lifetime with a recording notifier and a hand-driven clock: shown for the agent's
 * duration, withdrawn at once, and cleaned up after a restart of the background.
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
});
