/**
 * The Notifier of alert-manager.ts on browser.notifications. Chrome keeps a notification up only
 * with requireInteraction (we clear it ourselves after the agent's duration) and shows buttons;
 * Firefox supports neither, so there the portal name joins the message and "Accept" is the click.
 */
import browser from 'webextension-polyfill';
import { IS_FIREFOX } from '../lib/build-env';
import type { NotificationOptions, Notifier } from './alert-manager';

const ICON_PATH = '/icon/128.png';

export const browserNotifier: Notifier = {
  async create(id: string, options: NotificationOptions) {
    const iconUrl = browser.runtime.getURL(ICON_PATH);
    if (IS_FIREFOX) {
      const message = options.contextMessage
        ? `${options.message}\n${options.contextMessage}`
        : options.message;
      await browser.notifications.create(id, { type: 'basic', iconUrl, title: options.title, message });
      return;
    }
    // Chrome options the polyfill's types do not describe: requireInteraction keeps the alert up
    // until we clear it, buttons give "Accept" in the notification itself.
    const chromeOnly = {
      requireInteraction: options.requireInteraction ?? false,
      ...(options.buttons ? { buttons: options.buttons } : {}),
    };
    await browser.notifications.create(id, {
      type: 'basic',
      iconUrl,
      title: options.title,
      message: options.message,
      ...(options.contextMessage ? { contextMessage: options.contextMessage } : {}),
      priority: 2,
      ...chromeOnly,
    });
  },
  async clear(id: string) {
    await browser.notifications.clear(id);
  },
  async shown() {
    return Object.keys(await browser.notifications.getAll());
  },
};
