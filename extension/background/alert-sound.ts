/**
 * Plays the new-request chime. A Chrome service worker has no audio, so Chrome plays it in an
 * offscreen document (reason AUDIO_PLAYBACK, which Chrome closes after 30 s of silence); the
 * Firefox background is a page and plays it itself.
 */
import browser from 'webextension-polyfill';
import { IS_FIREFOX } from '../lib/build-env';
import { playChime } from '../lib/chime';
import { OFFSCREEN_PLAY } from '../lib/offscreen-message';

const OFFSCREEN_PATH = '/offscreen.html';

/** chrome.offscreen and runtime.getContexts, which the polyfill's types do not describe. */
interface ChromeOffscreen {
  offscreen: {
    createDocument(params: { url: string; reasons: string[]; justification: string }): Promise<void>;
  };
  runtime: {
    getContexts(filter: { contextTypes: string[] }): Promise<unknown[]>;
  };
}

function chromeApi(): ChromeOffscreen | null {
  const chrome = (globalThis as { chrome?: Partial<ChromeOffscreen> }).chrome;
  return chrome?.offscreen && chrome.runtime && 'getContexts' in chrome.runtime
    ? (chrome as ChromeOffscreen)
    : null;
}

let creating: Promise<void> | null = null;

export async function playAlertSound(): Promise<void> {
  if (IS_FIREFOX) {
    await playChime();
    return;
  }
  const chrome = chromeApi();
  if (!chrome) return;
  const existing = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
  if (existing.length === 0) {
    creating ??= chrome.offscreen
      .createDocument({
        url: OFFSCREEN_PATH,
        reasons: ['AUDIO_PLAYBACK'],
        justification: 'Plays the alert sound when a customer asks for help.',
      })
      .finally(() => {
        creating = null;
      });
    await creating;
  }
  await browser.runtime.sendMessage(OFFSCREEN_PLAY);
}
