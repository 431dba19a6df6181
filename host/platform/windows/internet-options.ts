/**
 * The proxy a Windows user set in Internet Options (Settings > Network > Proxy, "Use a proxy
 * server"), which browsers on Windows follow and HTTPS_PROXY does not carry: read from
 * HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings (ProxyEnable, ProxyServer,
 * ProxyOverride) and turned into host/net's SystemProxySettings. ProxyServer is either one
 * "host:port" for every protocol or a list "http=host:port;https=host:port;...". ProxyOverride
 * lists hosts that go direct ("*.corp.example;10.*;<local>"); "<local>" (any name without a dot)
 * and address wildcards other than a leading "*." have no NO_PROXY form and are left out, so such
 * hosts go through the proxy (which still reaches them). Automatic configuration scripts (PAC,
 * WPAD) are not read.
 */
import type { SystemProxySettings } from '../../net/proxy-config';
import { readDword, readString } from './win-registry';

export const INTERNET_SETTINGS_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
/** Entries of ProxyOverride kept at most (bounds what a hostile registry value costs). */
const OVERRIDE_ENTRIES_MAX = 200;

export interface InternetOptions {
  proxyEnable: number | null;
  proxyServer: string | null;
  proxyOverride: string | null;
}

function withScheme(hostPort: string): string | null {
  const value = hostPort.trim();
  if (!value) return null;
  return value.includes('://') ? value : `http://${value}`;
}

/** Internet Options as host/net reads them, or null when no manual proxy is switched on. */
export function proxyFromInternetOptions(options: InternetOptions): SystemProxySettings | null {
  if (!options.proxyEnable || !options.proxyServer?.trim()) return null;
  let http: string | null = null;
  let https: string | null = null;
  const server = options.proxyServer.trim();
  if (server.includes('=')) {
    for (const part of server.split(';')) {
      const [scheme, value] = part.split('=', 2).map((s) => s.trim());
      if (scheme?.toLowerCase() === 'http' && value) http = withScheme(value);
      if (scheme?.toLowerCase() === 'https' && value) https = withScheme(value);
    }
  } else {
    http = https = withScheme(server);
  }
  if (!http && !https) return null;
  const bypass = (options.proxyOverride ?? '')
    .split(';')
    .slice(0, OVERRIDE_ENTRIES_MAX)
    .map((e) => e.trim())
    .filter((e) => e && e !== '<local>' && !e.slice(e.startsWith('*.') ? 2 : 0).includes('*'));
  return { http, https, bypass };
}

/** This user's Internet Options proxy (registry), or null. Unreadable settings count as none. */
export function readInternetOptionsProxy(): SystemProxySettings | null {
  try {
    return proxyFromInternetOptions({
      proxyEnable: readDword(INTERNET_SETTINGS_KEY, 'ProxyEnable'),
      proxyServer: readString(INTERNET_SETTINGS_KEY, 'ProxyServer'),
      proxyOverride: readString(INTERNET_SETTINGS_KEY, 'ProxyOverride'),
    });
  } catch {
    return null;
  }
}
