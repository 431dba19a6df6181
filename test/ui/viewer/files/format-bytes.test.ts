/**
 * Sizes in the transfer list: whole bytes with their plural ("41 bytes of 41 bytes", never "41
 * byte"), decimal units above, in English and French.
 */
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../../ui/viewer/files/format';

describe('formatBytes', () => {
  it('says bytes with the right plural in English', () => {
    expect(formatBytes(41, 'en')).toBe('41 bytes');
    expect(formatBytes(1, 'en')).toBe('1 byte');
    expect(formatBytes(0, 'en')).toBe('0 bytes');
    expect(formatBytes(1_500, 'en')).toBe('1.5 kB');
    expect(formatBytes(5_200_000, 'en')).toBe('5.2 MB');
  });

  it('says octets in French (with its no-break space)', () => {
    const fr = (n: number) => formatBytes(n, 'fr').replace(/\s/g, ' ');
    expect(fr(41)).toBe('41 octets');
    expect(fr(1)).toBe('1 octet');
    expect(fr(1_500)).toBe('1,5 ko');
  });
});
