import { describe, expect, it } from 'vitest';
import {
  apiUrl,
  isSupportPageOf,
  parseServerAddress,
  statusPageUrl,
  webSocketUrl,
} from '../../../extension/lib/server-address';

describe('server address', () => {
  it('reduces what the agent types to an origin, https when no scheme is given', () => {
    expect(parseServerAddress('support.example.com')).toEqual({
      ok: true,
      origin: 'https://support.example.com',
    });
    expect(parseServerAddress('  https://Support.Example.com/some/path?x=1 ')).toEqual({
      ok: true,
      origin: 'https://support.example.com',
    });
    expect(parseServerAddress('http://10.0.0.5:8200/')).toEqual({ ok: true, origin: 'http://10.0.0.5:8200' });
  });

  it('takes a loopback server typed without a scheme as http (how `npm start` serves it)', () => {
    const loopback: [string, string][] = [
      ['localhost:8200', 'http://localhost:8200'],
      ['LOCALHOST:8200/login', 'http://localhost:8200'],
      ['localhost', 'http://localhost'],
      ['127.0.0.1:8200', 'http://127.0.0.1:8200'],
      ['[::1]:8200', 'http://[::1]:8200'],
    ];
    for (const [typed, origin] of loopback) {
      expect(parseServerAddress(typed), typed).toEqual({ ok: true, origin });
    }
    // Only loopback: a name that merely starts like one is a real server, so https.
    expect(parseServerAddress('localhost.example.com')).toEqual({
      ok: true,
      origin: 'https://localhost.example.com',
    });
    expect(parseServerAddress('127.0.0.1.nip.io:8200')).toEqual({
      ok: true,
      origin: 'https://127.0.0.1.nip.io:8200',
    });
    // Typed with a scheme, the scheme stands.
    expect(parseServerAddress('https://localhost:8443')).toEqual({
      ok: true,
      origin: 'https://localhost:8443',
    });
  });

  it('refuses what is not an http(s) server', () => {
    for (const bad of [
      '',
      '   ',
      'ftp://x.example',
      'javascript:alert(1)',
      'http://user:pw@x.example',
      'https://',
      'x'.repeat(3000),
    ]) {
      expect(parseServerAddress(bad).ok, bad.slice(0, 40)).toBe(false);
    }
  });

  it('builds the URLs the extension uses from the origin', () => {
    expect(webSocketUrl('https://s.example')).toBe('wss://s.example/ws');
    expect(webSocketUrl('http://127.0.0.1:8200')).toBe('ws://127.0.0.1:8200/ws');
    expect(apiUrl('https://s.example', '/auth/login')).toBe('https://s.example/api/v1/auth/login');
    expect(statusPageUrl('https://s.example')).toBe('https://s.example/status');
  });

  it('recognises the support pages of exactly that origin', () => {
    const origin = 'https://help.example.com';
    expect(isSupportPageOf(origin, 'https://help.example.com/support/acme')).toBe(true);
    expect(isSupportPageOf(origin, 'https://help.example.com/support/acme?x#y')).toBe(true);
    for (const other of [
      'https://help.example.com.evil.test/support/acme',
      'http://help.example.com/support/acme',
      'https://help.example.com:8443/support/acme',
      'https://evil.test/support/acme?https://help.example.com',
      'https://help.example.com/supportx/acme',
      'https://help.example.com/status',
      'not a url',
    ]) {
      expect(isSupportPageOf(origin, other), other).toBe(false);
    }
  });
});
