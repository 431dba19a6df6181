/**
 * The customer's system, guessed from the browser, to offer the right helper download and to say
 * at once when screen sharing cannot work there (phones and tablets). The helper itself reports
 * its real system later (`os_not_supported` names it); this guess only picks the first link.
 */

export const OS_IDS = ['windows', 'macos', 'linux', 'chromeos', 'android', 'ios', 'other'] as const;
export type OsId = (typeof OS_IDS)[number];

/** Systems the helper has no build for: the page says so instead of offering a download. */
export const OS_WITHOUT_HELPER: readonly OsId[] = ['android', 'ios', 'chromeos', 'other'];

/**
 * `userAgent` is navigator.userAgent; `platform` is navigator.userAgentData?.platform when the
 * browser has it (Chromium), else navigator.platform, else ''.
 */
export function detectOs(userAgent: string, platform: string, maxTouchPoints = 0): OsId {
  const p = platform.toLowerCase();
  const ua = userAgent.toLowerCase();
  if (/android/.test(ua) || p === 'android') return 'android';
  if (/iphone|ipad|ipod/.test(ua) || p === 'ios') return 'ios';
  // iPadOS Safari presents itself as a Mac; only touch tells them apart.
  if ((p.startsWith('mac') || /macintosh/.test(ua)) && maxTouchPoints > 1) return 'ios';
  if (p.startsWith('win') || /windows/.test(ua)) return 'windows';
  if (p.startsWith('mac') || /mac os x|macintosh/.test(ua)) return 'macos';
  if (/cros/.test(ua) || p === 'chrome os' || p === 'chromeos') return 'chromeos';
  if (p.startsWith('linux') || /linux|x11/.test(ua)) return 'linux';
  return 'other';
}

/** The browser's own answer, read once at start-up. */
export function browserOs(): OsId {
  const nav = navigator as Navigator & { userAgentData?: { platform?: string } };
  const platform = nav.userAgentData?.platform ?? navigator.platform ?? '';
  return detectOs(navigator.userAgent, platform, navigator.maxTouchPoints ?? 0);
}
