import { describe, expect, it } from 'vitest';
import { detectOs } from '../../../ui/support/detect-os';
import { durationParts } from '../../../ui/support/duration';
import { clientInfo, detectBrowser } from '../../../ui/support/detect-browser';
import {
  groupJoinCode,
  hasHelper,
  helperDownloadUrl,
  HELPER_DOWNLOADS,
} from '../../../ui/support/helper-downloads';
import { HELPER_PACKAGE_SPECS } from '../../../server/downloads/helper-systems';
import { RequestStore, keyFor } from '../../../ui/support/request-store';
import { mergeLines } from '../../../ui/support/support-model';
import type { ChatLine } from '../../../protocol/common';

describe('detectOs', () => {
  it('recognises the systems from real user agents', () => {
    const win = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36';
    const mac =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.1 Safari/605.1.15';
    const linux = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
    const android =
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36';
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
    const cros = 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 Chrome/120 Safari/537.36';
    expect(detectOs(win, 'Win32')).toBe('windows');
    expect(detectOs(mac, 'MacIntel')).toBe('macos');
    expect(detectOs(mac, 'MacIntel', 5)).toBe('ios'); // iPadOS presents itself as a Mac
    expect(detectOs(linux, 'Linux x86_64')).toBe('linux');
    expect(detectOs(android, 'Linux armv8l')).toBe('android');
    expect(detectOs(iphone, 'iPhone')).toBe('ios');
    expect(detectOs(cros, '')).toBe('chromeos');
    expect(detectOs('Something else', '')).toBe('other');
  });

  it('offers a helper only where one exists', () => {
    expect(hasHelper('linux')).toBe(true);
    expect(hasHelper('macos')).toBe(false);
    expect(hasHelper('ios')).toBe(false);
    expect(hasHelper('android')).toBe(false);
  });
});

describe('join code and command', () => {
  it('groups digits by three for reading aloud', () => {
    expect(groupJoinCode('123456789')).toBe('123 456 789');
    expect(groupJoinCode('12345')).toBe('123 45');
    expect(groupJoinCode('123-456-789')).toBe('123 456 789');
  });

  it('binds the download to the request with its ticket', () => {
    expect(helperDownloadUrl('linux')).toBe('/downloads/helper/linux');
    expect(helperDownloadUrl('linux', 'abc_DEF-123')).toBe('/downloads/helper/linux/abc_DEF-123');
  });

  it('names the files the server really sends, and the program in the archive', () => {
    for (const [system, download] of Object.entries(HELPER_DOWNLOADS)) {
      const spec = HELPER_PACKAGE_SPECS[system]!;
      expect(download.file).toBe(spec.fileName);
      // The program to double-click is the executable's file name, wherever it is in the archive.
      expect(download.program).toBe(spec.form === 'raw' ? null : spec.executable.split('/').at(-1));
    }
    expect(Object.keys(HELPER_DOWNLOADS).sort()).toEqual(Object.keys(HELPER_PACKAGE_SPECS).sort());
  });
});

describe('detectBrowser', () => {
  it('names the browser and its major version', () => {
    const edge =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68';
    const safari =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15';
    expect(detectBrowser(edge)).toBe('Edge 126');
    expect(detectBrowser('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe(
      'Firefox 128',
    );
    expect(
      detectBrowser('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0.0.0 Safari/537.36'),
    ).toBe('Chrome 156');
    expect(detectBrowser(safari)).toBe('Safari 17');
    expect(detectBrowser('curl/8')).toBe('Browser');
    expect(clientInfo('macos', safari)).toEqual({ system: 'macOS', browser: 'Safari 17' });
  });
});

describe('durationParts', () => {
  it('speaks in seconds, then minutes, then hours', () => {
    expect(durationParts(-5)).toEqual({ unit: 'seconds', count: 0 });
    expect(durationParts(59_999)).toEqual({ unit: 'seconds', count: 59 });
    expect(durationParts(60_000)).toEqual({ unit: 'minutes', count: 1 });
    expect(durationParts(3_599_999)).toEqual({ unit: 'minutes', count: 59 });
    expect(durationParts(3_600_000 + 5 * 60_000)).toEqual({ unit: 'hours', hours: 1, minutes: 5 });
  });
});

describe('RequestStore', () => {
  const memory = () => {
    const data = new Map<string, string>();
    return {
      data,
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    };
  };
  const details = { name: 'Chloé', email: 'chloe@example.com', problem: 'printer' };

  it('keeps the token and details per portal, and forgets the token alone', () => {
    const storage = memory();
    const store = new RequestStore(storage, 'it');
    store.save({ token: 'tok_123', details });
    expect(new RequestStore(storage, 'it').load()).toEqual({ token: 'tok_123', details });
    expect(new RequestStore(storage, 'hr').load()).toBeNull();
    store.forgetToken();
    expect(store.load()).toEqual({ token: null, details });
    store.clear();
    expect(store.load()).toBeNull();
  });

  it('treats what it reads back as untrusted: bad JSON, bad shapes and oversized values give null', () => {
    const storage = memory();
    const store = new RequestStore(storage, 'it');
    storage.setItem(keyFor('it'), '{not json');
    expect(store.load()).toBeNull();
    storage.setItem(keyFor('it'), JSON.stringify({ token: 'has spaces!', details }));
    expect(store.load()).toBeNull();
    storage.setItem(keyFor('it'), JSON.stringify({ token: 'ok', details, extra: 'x'.repeat(40_000) }));
    expect(store.load()).toBeNull();
    storage.setItem(keyFor('it'), JSON.stringify({ token: 'ok', details: { ...details, admin: true } }));
    expect(store.load()).toEqual({ token: 'ok', details });
  });

  it('survives storage that refuses', () => {
    const denied = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceeded');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const store = new RequestStore(denied, 'it');
    store.save({ token: 'a', details });
    expect(store.load()).toBeNull();
    store.clear();
  });
});

describe('mergeLines', () => {
  const line = (seq: number, text: string): ChatLine => ({
    sessionId: 's',
    seq,
    from: { kind: 'system' },
    text,
    at: seq,
  });
  it('keeps one line per seq, in order, the newest copy winning', () => {
    const merged = mergeLines([line(2, 'b'), line(1, 'a')], [line(3, 'c'), line(2, 'B')]);
    expect(merged.map((l) => `${l.seq}${l.text}`)).toEqual(['1a', '2B', '3c']);
  });
});
