/**
 * The consent window names the helper's places in the customer's language: a French customer
 * reads "Téléchargements", not the helper's "Downloads". Catalog lookups go through the real
 * French catalog with the extension's own placeholder rules.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const french = JSON.parse(
  readFileSync(new URL('../../../extension/public/_locales/fr/messages.json', import.meta.url), 'utf8'),
) as Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

vi.mock('webextension-polyfill', () => ({
  default: {
    i18n: {
      getMessage: (key: string, subs?: string[]) => render(french[key], subs ?? []),
    },
  },
}));
const { render } = await import('../../../extension/lib/i18n');
const { folderText } = await import('../../../extension/consent/file-transfer-list');

describe("the consent window's folder names", () => {
  it("shows the helper's places in the customer's language, with the rest of the path as is", () => {
    expect(folderText('Downloads')).toBe('Téléchargements');
    expect(folderText('Desktop/notes du jour')).toBe('Bureau/notes du jour');
    expect(folderText('Home')).toBe('votre dossier personnel');
  });

  it('leaves folders that are not one of the places alone', () => {
    expect(folderText('Musique/2024')).toBe('Musique/2024');
    expect(folderText('DownloadsOld')).toBe('DownloadsOld');
  });
});
