/**
 * Alerts that last on Firefox: Firefox ignores `requireInteraction`, so the system (or Firefox's
 * own alert popup) hides a notification after a few seconds, long before the agent's chosen
 * duration (30 s by default, up to 120 s). Beside the system notification, Firefox gets an alert
 * window of our own: the popup's request list (popup.html?alert=1, with Accept on each request)
 * in a small window that stays until the last request it shows is withdrawn, which AlertManager
 * does when the agent's duration runs out or the request leaves the queue.
 *
 * One window for all current alerts (several new requests do not stack windows). Its id and the
 * requests it stands for are kept in storage.session, so an event page that was suspended and woke up
 * still closes the window at the right time (AlertManager.restore re-arms the expiries).
 */
import browser from 'webextension-polyfill';
import type { NotificationOptions, Notifier } from './alert-manager';

export const ALERT_WINDOW_PATH = '/popup.html?alert=1';
/** The alert window's size, in CSS pixels (the popup's own width; room for a few requests). */
const ALERT_WINDOW_WIDTH = 400;
const ALERT_WINDOW_HEIGHT = 480;
/** storage.session keys: the notification ids the alert window stands for, and its window id. */
const SHOWN_KEY = 'alertWindowIds';
const WINDOW_KEY = 'alertWindowId';

async function shownIds(): Promise<string[]> {
  const raw = (await browser.storage.session.get(SHOWN_KEY))[SHOWN_KEY];
  return Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The open alert window: its id is kept in storage.session (the event page may have been
 * suspended since it opened it); null once the agent or anything else closed it.
 */
async function findAlertWindow(): Promise<number | null> {
  const id = (await browser.storage.session.get(WINDOW_KEY))[WINDOW_KEY];
  if (typeof id !== 'number') return null;
  try {
    await browser.windows.get(id);
    return id;
  } catch {
    return null;
  }
}

/** Steps run one at a time: two alerts at once must not open two windows. */
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(step: () => Promise<T>): Promise<T> {
  const run = queue.then(step, step);
  queue = run.catch(() => undefined);
  return run;
}

export const alertWindowNotifier: Notifier = {
  create(id: string, _options: NotificationOptions) {
    return serial(async () => {
      const ids = await shownIds();
      if (!ids.includes(id)) await browser.storage.session.set({ [SHOWN_KEY]: [...ids, id] });
      const open = await findAlertWindow();
      if (open !== null) {
        await browser.windows.update(open, { focused: true, drawAttention: true });
        return;
      }
      const created = await browser.windows.create({
        url: browser.runtime.getURL(ALERT_WINDOW_PATH),
        type: 'popup',
        width: ALERT_WINDOW_WIDTH,
        height: ALERT_WINDOW_HEIGHT,
      });
      await browser.storage.session.set({ [WINDOW_KEY]: created.id ?? null });
    });
  },
  clear(id: string) {
    return serial(async () => {
      const ids = (await shownIds()).filter((v) => v !== id);
      await browser.storage.session.set({ [SHOWN_KEY]: ids });
      if (ids.length > 0) return;
      const open = await findAlertWindow();
      if (open !== null) await browser.windows.remove(open).catch(() => undefined);
      await browser.storage.session.remove(WINDOW_KEY);
    });
  },
  shown: shownIds,
};

/** Shows and clears every alert through each of `notifiers` (Firefox: the system's and ours). */
export function allOf(...notifiers: Notifier[]): Notifier {
  return {
    async create(id, options) {
      await Promise.all(notifiers.map((n) => n.create(id, options)));
    },
    async clear(id) {
      await Promise.all(notifiers.map((n) => n.clear(id)));
    },
    async shown() {
      return [...new Set((await Promise.all(notifiers.map((n) => n.shown()))).flat())];
    },
  };
}
