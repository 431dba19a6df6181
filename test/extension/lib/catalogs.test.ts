/**
 * The extension's message catalogs (_locales/en and fr): complete in both languages (same keys,
 * same placeholders, nothing empty, French actually translated), and every key the code uses
 * exists. A French-speaking agent must never meet an English string or a raw key.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
type Catalog = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;
const load = (lang: string): Catalog =>
  JSON.parse(readFileSync(join(ROOT, `extension/public/_locales/${lang}/messages.json`), 'utf8')) as Catalog;
const en = load('en');
const fr = load('fr');

/**
 * Some texts are the same in both languages on purpose ("Options", "$1 s", "Alt+Tab"); a catalog
 * copied without translating would be mostly identical. Allowed share of identical texts:
 */
const MAX_IDENTICAL_SHARE = 0.1;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'public' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('message catalogs', () => {
  it('have the same keys in English and French', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty message and the same placeholders in both languages', () => {
    for (const [key, entry] of Object.entries(en)) {
      const french = fr[key]!;
      expect(entry.message.trim(), key).not.toBe('');
      expect(french.message.trim(), key).not.toBe('');
      const placeholders = (e: Catalog[string]) =>
        [...e.message.matchAll(/\$([A-Za-z0-9_]+)\$/g)].map((m) => m[1]!.toLowerCase()).sort();
      expect(placeholders(french), key).toEqual(placeholders(entry));
      expect(Object.keys(french.placeholders ?? {}).sort(), key).toEqual(
        Object.keys(entry.placeholders ?? {}).sort(),
      );
      for (const name of placeholders(entry)) {
        expect(entry.placeholders?.[name], `${key}: placeholder ${name} declared`).toBeDefined();
      }
    }
  });

  it('are really translated', () => {
    const identical = Object.keys(en).filter((k) => en[k]!.message === fr[k]!.message);
    expect(identical.length / Object.keys(en).length, `identical: ${identical.join(', ')}`).toBeLessThan(
      MAX_IDENTICAL_SHARE,
    );
    expect(en.catalogLanguage?.message).toBe('en');
    expect(fr.catalogLanguage?.message).toBe('fr');
  });

  it('contain every key the extension code asks for', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'extension'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([A-Za-z0-9_]+)'/g)) used.add(m[1]!);
      // Keys built from a prefix (`connection_${state}`): every value of the state has a message.
      for (const m of text.matchAll(/\bt\(\s*`([A-Za-z0-9_]+)\$\{/g)) used.add(`${m[1]!}*`);
      for (const m of text.matchAll(/'(grantHelp_[a-z]+)'/g)) used.add(m[1]!);
    }
    for (const key of used) {
      if (key.endsWith('*')) {
        expect(
          Object.keys(en).some((k) => k.startsWith(key.slice(0, -1))),
          key,
        ).toBe(true);
      } else {
        expect(en[key], key).toBeDefined();
      }
    }
    for (const state of ['signed_out', 'connecting', 'online', 'offline'])
      expect(en[`connection_${state}`]).toBeDefined();
    for (const g of ['view', 'control', 'clipboard', 'files', 'reboot'])
      expect(en[`grant_${g}`]).toBeDefined();
    for (const s of [
      'idle',
      'connecting',
      'waiting_consent',
      'sharing',
      'reconnecting',
      'ended',
      'not_installed',
    ])
      expect(en[`helperState_${s}`]).toBeDefined();
  });

  it('are the catalogs the manifest names', () => {
    expect(en.extName?.message).toBe('Lifeline Agent');
    expect(fr.extName?.message).toBe('Lifeline Conseiller');
  });
});
