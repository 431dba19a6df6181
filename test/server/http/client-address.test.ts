import { describe, expect, it } from 'vitest';
import {
  clientAddress,
  isSharedAddress,
  NO_PROXY,
  normalizeAddress,
  parseTrustProxy,
} from '../../../server/http/client-address';

describe('--trust-proxy and X-Forwarded-For', () => {
  const trust = parseTrustProxy(['10.0.0.0/8, 192.0.2.7', 'fd00::/8']);

  it('parses addresses and CIDRs, v4 and v6, and refuses anything else by name', () => {
    expect(trust.trusts('10.1.2.3')).toBe(true);
    expect(trust.trusts('::ffff:10.1.2.3')).toBe(true);
    expect(trust.trusts('192.0.2.7')).toBe(true);
    expect(trust.trusts('192.0.2.8')).toBe(false);
    expect(trust.trusts('fd12::1')).toBe(true);
    expect(trust.trusts('not an address')).toBe(false);
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x']) {
      expect(() => parseTrustProxy([bad]), bad).toThrow(`"${bad}"`);
    }
    expect(parseTrustProxy([' , ']).configured).toBe(false);
  });

  it('reads X-Forwarded-For from a trusted proxy only, from the right', () => {
    expect(clientAddress('10.0.0.5', '203.0.113.9', trust)).toBe('203.0.113.9');
    // The client wrote 1.2.3.4 itself; the proxy appended what it saw.
    expect(clientAddress('10.0.0.5', '1.2.3.4, 203.0.113.9', trust)).toBe('203.0.113.9');
    // Two proxies in a row: both skipped.
    expect(clientAddress('10.0.0.5', '203.0.113.9, 10.9.9.9', trust)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.5', ['203.0.113.9', '10.9.9.9'], trust)).toBe('203.0.113.9');
    // Ports and brackets as some proxies write them.
    expect(clientAddress('10.0.0.5', '203.0.113.9:4711', trust)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.5', '[2001:db8::1]:443', trust)).toBe('2001:db8::1');
    // Not from a trusted proxy: the header is the client's own word, ignored.
    expect(clientAddress('198.51.100.1', '203.0.113.9', trust)).toBe('198.51.100.1');
    // No proxy configured: never read.
    expect(clientAddress('10.0.0.5', '203.0.113.9', NO_PROXY)).toBe('10.0.0.5');
    // A mangled hop: the last trusted hop stands, never a string the client chose.
    expect(clientAddress('10.0.0.5', 'evil, garbage', trust)).toBe('10.0.0.5');
    expect(clientAddress('::ffff:10.0.0.5', undefined, trust)).toBe('10.0.0.5');
  });

  it('exempts loopback from per-address limits only while no proxy is configured', () => {
    expect(isSharedAddress('127.0.0.1', NO_PROXY)).toBe(true);
    expect(isSharedAddress('::ffff:127.0.0.1', NO_PROXY)).toBe(true);
    expect(isSharedAddress('127.0.0.1', trust)).toBe(false);
    expect(isSharedAddress('203.0.113.9', NO_PROXY)).toBe(false);
    expect(normalizeAddress('::FFFF:1.2.3.4')).toBe('1.2.3.4');
  });
});
