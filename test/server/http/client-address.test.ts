/**
 * The client's address behind a load balancer: X-Forwarded-For is believed only from a trusted
 * proxy, and then only its right-most untrusted entry (what the proxy itself saw), so a client
 * cannot pick its own address to escape a throttle; bad entries fall back to the peer.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddressOf, parseTrustedProxies } from '../../../server/http/client-address';

const req = (peer: string, forwarded?: string | string[]) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwarded ? { 'x-forwarded-for': forwarded } : {},
  }) as unknown as IncomingMessage;

describe('client address', () => {
  it('is the TCP peer when no proxy is trusted, whatever the headers say (the attack)', () => {
    const addressOf = clientAddressOf([]);
    expect(addressOf(req('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
    expect(addressOf(req('::ffff:203.0.113.9'))).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    const addressOf = clientAddressOf(['10.0.0.2']);
    expect(addressOf(req('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
  });

  it('takes the right-most entry the trusted proxy wrote, not what the client prepended', () => {
    const addressOf = clientAddressOf(['127.0.0.1', '10.0.0.2']);
    // The client sent "X-Forwarded-For: 1.2.3.4"; HAProxy appended the real address.
    expect(addressOf(req('::ffff:127.0.0.1', '1.2.3.4, 203.0.113.9'))).toBe('203.0.113.9');
    // Two trusted proxies in a row: skip both.
    expect(addressOf(req('127.0.0.1', '203.0.113.9, 10.0.0.2'))).toBe('203.0.113.9');
    expect(addressOf(req('127.0.0.1', ['1.2.3.4', '2001:db8::7']))).toBe('2001:db8::7');
  });

  it('falls back to the peer on a missing, garbled or all-proxy header', () => {
    const addressOf = clientAddressOf(['127.0.0.1']);
    expect(addressOf(req('127.0.0.1'))).toBe('127.0.0.1');
    expect(addressOf(req('127.0.0.1', 'not-an-address'))).toBe('127.0.0.1');
    expect(addressOf(req('127.0.0.1', '127.0.0.1'))).toBe('127.0.0.1');
    expect(addressOf(req('127.0.0.1', `${'9.9.9.9, '.repeat(100)}203.0.113.9`))).toBe('203.0.113.9');
  });

  it('accepts IP addresses only as trusted proxies', () => {
    expect(parseTrustedProxies(['127.0.0.1', '::1'])).toEqual(['127.0.0.1', '::1']);
    expect(() => parseTrustedProxies(['lb.example.com'])).toThrow(/IP addresses/);
  });
});
