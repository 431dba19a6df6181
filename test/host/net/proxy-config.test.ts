// Which proxy the helper uses: the standard variables (lower case first), NO_PROXY, the system's
// settings as a fallback, and clear refusals for what cannot work.
import { describe, expect, it } from 'vitest';
import { bypassed, proxyFor, ProxyConfigError } from '../../../host/net/proxy-config';

const wss = new URL('wss://support.example.com/ws');
const ws = new URL('ws://10.1.2.3:8200/ws');

describe('proxyFor', () => {
  it('uses HTTPS_PROXY for wss and HTTP_PROXY for ws, ALL_PROXY for both', () => {
    const env = { HTTPS_PROXY: 'http://secure:3128', HTTP_PROXY: 'plain:8080' };
    expect(proxyFor(wss, env)?.url.href).toBe('http://secure:3128/');
    expect(proxyFor(ws, env)?.url.href).toBe('http://plain:8080/');
    expect(proxyFor(wss, { ALL_PROXY: 'http://all:1' })).toMatchObject({ from: 'ALL_PROXY' });
    expect(proxyFor(wss, {})).toBeNull();
  });

  it('reads the lower-case name first, and keeps credentials', () => {
    const choice = proxyFor(wss, {
      https_proxy: 'http://ann:s%40cret@lower:3128',
      HTTPS_PROXY: 'http://upper:1',
    });
    expect(choice).toMatchObject({ from: 'https_proxy' });
    expect(choice!.url.username).toBe('ann');
    expect(decodeURIComponent(choice!.url.password)).toBe('s@cret');
  });

  it('goes direct for NO_PROXY hosts, domains, ports and *', () => {
    const env = { HTTPS_PROXY: 'http://p:3128', HTTP_PROXY: 'http://p:3128' };
    expect(proxyFor(wss, { ...env, NO_PROXY: 'example.com' })).toBeNull();
    expect(proxyFor(wss, { ...env, no_proxy: '.example.com' })).toBeNull();
    expect(proxyFor(wss, { ...env, NO_PROXY: 'other.com, *.example.com' })).toBeNull();
    expect(proxyFor(wss, { ...env, NO_PROXY: 'example.org,ample.com' })).not.toBeNull();
    expect(proxyFor(ws, { ...env, NO_PROXY: '10.1.2.3:8200' })).toBeNull();
    expect(proxyFor(ws, { ...env, NO_PROXY: '10.1.2.3:9999' })).not.toBeNull();
    expect(proxyFor(ws, { ...env, NO_PROXY: '*' })).toBeNull();
    expect(bypassed(new URL('ws://[::1]:8200/ws'), ['[::1]:8200'])).toBe(true);
    expect(bypassed(new URL('ws://[::1]:8200/ws'), ['::1'])).toBe(true);
  });

  it("falls back to the system's settings (Windows), with their bypass list", () => {
    const system = { https: 'http://corp:8080', http: null, bypass: ['intranet.local'] };
    expect(proxyFor(wss, {}, system)).toMatchObject({ from: 'system' });
    expect(proxyFor(ws, {}, system)).toBeNull();
    expect(proxyFor(new URL('wss://help.intranet.local/ws'), {}, system)).toBeNull();
    // The environment wins over the system.
    expect(proxyFor(wss, { HTTPS_PROXY: 'http://env:1' }, system)).toMatchObject({ from: 'HTTPS_PROXY' });
  });

  it('refuses proxies it cannot speak, saying which variable', () => {
    expect(() => proxyFor(wss, { HTTPS_PROXY: 'socks5://s:1080' })).toThrowError(ProxyConfigError);
    expect(() => proxyFor(wss, { HTTPS_PROXY: 'https://p:443' })).toThrowError(
      /HTTPS_PROXY names a https proxy/,
    );
    expect(() => proxyFor(wss, { https_proxy: 'http://[bad' })).toThrowError(
      /https_proxy is not a proxy address/,
    );
  });
});
