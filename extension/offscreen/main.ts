/**
 * Chrome's offscreen document (reason AUDIO_PLAYBACK): a service worker cannot play sound, so
 * the background asks this page to play the new-request chime. Answers nothing else.
 */
import '../../ui/strict-csp-zod';
import browser from 'webextension-polyfill';
import { playChime } from '../lib/chime';
import { OffscreenPlay } from '../lib/offscreen-message';

browser.runtime.onMessage.addListener((raw: unknown, sender: browser.Runtime.MessageSender) => {
  if (sender.id !== browser.runtime.id || !OffscreenPlay.safeParse(raw).success) return undefined;
  void playChime();
  return undefined;
});
