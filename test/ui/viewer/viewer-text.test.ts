/** Every viewer string is in the English and French catalogs, with the placeholders it uses. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogKey, VIEWER_TEXT_KEYS } from '../../../ui/viewer/viewer-text';

const ROOT = join(import.meta.dirname, '../../..');

function catalog(lang: string): Record<string, { message: string; placeholders?: Record<string, unknown> }> {
  return JSON.parse(readFileSync(join(ROOT, `extension/public/_locales/${lang}/messages.json`), 'utf8'));
}

describe('viewer catalogs', () => {
  for (const lang of ['en', 'fr']) {
    it(`${lang}: has every viewer key, no stale one, and declares the placeholders it uses`, () => {
      const cat = catalog(lang);
      const viewerKeys = Object.keys(cat).filter((k) => k.startsWith('viewer_'));
      expect(viewerKeys.sort()).toEqual(VIEWER_TEXT_KEYS.map(catalogKey).sort());
      for (const k of viewerKeys) {
        const entry = cat[k]!;
        expect(entry.message.trim().length, k).toBeGreaterThan(0);
        for (const [, name] of entry.message.matchAll(/\$([A-Za-z0-9_]+)\$/g)) {
          expect(entry.placeholders?.[name!.toLowerCase()], `${k} uses $${name}$`).toBeDefined();
        }
      }
    });
  }

  it('French and English use the same placeholders for each key', () => {
    const en = catalog('en');
    const fr = catalog('fr');
    for (const k of VIEWER_TEXT_KEYS.map(catalogKey)) {
      expect(Object.keys(fr[k]!.placeholders ?? {}).sort(), k).toEqual(
        Object.keys(en[k]!.placeholders ?? {}).sort(),
      );
    }
  });
});
