// Windows' Internet Options proxy (the registry values a user sets in Settings > Network > Proxy)
// as the helper's proxy choice reads it; the registry read itself runs only on Windows.
import { describe, expect, it } from 'vitest';
import { proxyFor } from '../../../../host/net/proxy-config';
import { proxyFromInternetOptions } from '../../../../host/platform/windows/internet-options';

describe('Internet Options proxy', () => {
  it('is none while "Use a proxy server" is off, even with a server written', () => {
    expect(
      proxyFromInternetOptions({ proxyEnable: 0, proxyServer: 'proxy:8080', proxyOverride: null }),
    ).toBeNull();
    expect(
      proxyFromInternetOptions({ proxyEnable: null, proxyServer: 'proxy:8080', proxyOverride: null }),
    ).toBeNull();
    expect(proxyFromInternetOptions({ proxyEnable: 1, proxyServer: ' ', proxyOverride: null })).toBeNull();
  });

  it('one server for every protocol, and the per-protocol list', () => {
    expect(
      proxyFromInternetOptions({ proxyEnable: 1, proxyServer: 'proxy.corp:3128', proxyOverride: null }),
    ).toEqual({
      http: 'http://proxy.corp:3128',
      https: 'http://proxy.corp:3128',
      bypass: [],
    });
    expect(
      proxyFromInternetOptions({
        proxyEnable: 1,
        proxyServer: 'ftp=f:21;http=web:80;https=secure:8443',
        proxyOverride: null,
      }),
    ).toEqual({ http: 'http://web:80', https: 'http://secure:8443', bypass: [] });
  });

  it('keeps the overrides NO_PROXY can say, and the helper goes direct to them', () => {
    const settings = proxyFromInternetOptions({
      proxyEnable: 1,
      proxyServer: 'proxy.corp:3128',
      proxyOverride: '*.intra.example;help.example;10.*;<local>',
    });
    expect(settings?.bypass).toEqual(['*.intra.example', 'help.example']);
    expect(proxyFor(new URL('wss://lifeline.intra.example/ws'), {}, settings)).toBeNull();
    expect(proxyFor(new URL('wss://help.example/ws'), {}, settings)).toBeNull();
    expect(proxyFor(new URL('wss://lifeline.example.net/ws'), {}, settings)?.url.href).toBe(
      'http://proxy.corp:3128/',
    );
    // The environment still comes first, as on every system.
    expect(
      proxyFor(new URL('wss://lifeline.example.net/ws'), { HTTPS_PROXY: 'http://env:1' }, settings)?.from,
    ).toBe('HTTPS_PROXY');
  });
});
