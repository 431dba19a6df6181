/**
 * The customer's browser and system as short names for the agent's session header ("Chrome 126",
 * "Windows"), read from the user agent the page runs in. Good enough for a person to know what
 * they are talking to; never used to decide anything (the helper reports the real system).
 */
import type { ClientInfo } from '../../protocol/common';
import type { OsInfo } from '../../protocol/helper-channel';
import type { OsId } from './detect-os';

const SYSTEM_NAMES: Record<OsId, string> = {
  windows: 'Windows',
  macos: 'macOS',
  linux: 'Linux',
  chromeos: 'ChromeOS',
  android: 'Android',
  ios: 'iOS',
  other: 'Other',
};

/** "Edge 126", "Chrome 126", "Firefox 128", "Safari 17", "Opera 110", else "Browser". */
export function detectBrowser(userAgent: string): string {
  const rules: [RegExp, string][] = [
    [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/(?:Firefox|FxiOS)\/(\d+)/, 'Firefox'],
    [/(?:Chrome|CriOS)\/(\d+)/, 'Chrome'],
    [/Version\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  ];
  for (const [re, name] of rules) {
    const m = re.exec(userAgent);
    if (m) return `${name} ${m[1]}`;
  }
  return 'Browser';
}

export function clientInfo(os: OsId, userAgent: string): ClientInfo {
  return { system: SYSTEM_NAMES[os], browser: detectBrowser(userAgent) };
}

/** process.platform-style names, as the helper reports its system (server/screen/describe-os.ts). */
const PLATFORMS: Record<OsId, string> = {
  windows: 'win32',
  macos: 'darwin',
  linux: 'linux',
  chromeos: 'chromeos',
  android: 'android',
  ios: 'ios',
  other: 'other',
};

/** What a screen shared from this page says of its system: the agent's viewer names it. */
export function pageOsInfo(os: OsId, userAgent: string): OsInfo {
  return { platform: PLATFORMS[os], release: '', arch: '', display: `${detectBrowser(userAgent)}, browser` };
}

/** Whether this browser can show the screen at all (getDisplayMedia; phones and tablets cannot). */
export function canShareFromBrowser(
  os: OsId,
  nav: { mediaDevices?: { getDisplayMedia?: unknown } },
): boolean {
  if (os === 'android' || os === 'ios') return false;
  return typeof nav.mediaDevices?.getDisplayMedia === 'function';
}
