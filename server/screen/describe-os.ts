/** A person-readable name for the helper's system, for "screen sharing is not supported on ..." messages. */
import type { OsInfo } from '../../protocol/helper-channel';

const PLATFORM_NAMES: Readonly<Record<string, string>> = {
  linux: 'Linux',
  win32: 'Windows',
  darwin: 'macOS',
  freebsd: 'FreeBSD',
  openbsd: 'OpenBSD',
  android: 'Android',
  chromeos: 'ChromeOS',
  ios: 'iOS',
};

export function describeOs(os: OsInfo): string {
  const name = PLATFORM_NAMES[os.platform] ?? os.platform;
  const release = os.release ? ` ${os.release}` : '';
  const display = os.display ? ` (${os.display})` : '';
  return `${name}${release}${display}`.slice(0, 200);
}
