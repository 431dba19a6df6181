/**
 * Every word the helper says to the customer (consent window and terminal question, sharing
 * indicator, status lines, "type the code" window, errors), from the catalogs in ./catalogs, in
 * the customer's language: the one they chose on the support page (the download's trailer, then
 * the session's welcome), else the system's (system-language.ts). One mutable instance is shared
 * by the standalone helper's windows and lines, so a language learnt at the welcome applies to
 * everything said after it. test/host/i18n/catalogs.test.ts keeps English and French complete.
 */
import type { Grants } from '../../protocol/common';
import { DEFAULT_LANGUAGE, type Language } from '../../protocol/i18n/language';
import type { ViewerCode } from '../consent/prompts/sharing-indicator';
import { translate, type Catalog, type Params } from '../../protocol/i18n/translate';
import en from './catalogs/en.json';
import fr from './catalogs/fr.json';

export const HELPER_CATALOGS: Record<Language, Catalog> = { en, fr };

type CatalogKey = keyof typeof en;
type PluralBase<K> = K extends `${infer B}.other` ? B : never;
export type HelperKey = CatalogKey | PluralBase<CatalogKey>;

export type Capability = keyof Grants;
export const CAPABILITIES: readonly Capability[] = ['view', 'control', 'clipboard', 'files', 'reboot'];

export class HelperText {
  private lang: Language;

  constructor(language: Language = DEFAULT_LANGUAGE) {
    this.lang = language;
  }

  get language(): Language {
    return this.lang;
  }

  setLanguage(language: Language): void {
    this.lang = language;
  }

  t(key: HelperKey, params?: Params): string {
    return translate(HELPER_CATALOGS[this.lang], HELPER_CATALOGS.en, this.lang, key, params);
  }

  /** "see your screen" (what the consent question lists). */
  capability(c: Capability): string {
    return this.t(`capability.${c}`);
  }

  /** Short list for status lines: "screen, control" ("nothing" when empty). */
  grants(grants: Grants): string {
    const on = CAPABILITIES.filter((c) => grants[c]).map((c) => this.t(`grant.${c}`));
    return on.length > 0 ? on.join(', ') : this.t('grant.none');
  }

  /** "Alex", "Alex and Sam", "Alex, Sam and Kim", "the support agent". */
  names(names: readonly string[]): string {
    if (names.length === 0) return this.t('names.none');
    if (names.length === 1) return names[0]!;
    return this.t('names.list', { first: names.slice(0, -1).join(', '), last: names.at(-1)! });
  }

  /** "Security code with Alex: 123 456." / "Security codes: Alex 123 456, Sam 654 321." / "". */
  codes(codes: readonly ViewerCode[] = []): string {
    if (codes.length === 0) return '';
    if (codes.length === 1) return this.t('sas.single', { agent: codes[0]!.agentName, sas: codes[0]!.sas });
    return this.t('sas.several', { list: codes.map((c) => `${c.agentName} ${c.sas}`).join(', ') });
  }

  /** Whether a terminal answer means yes in this language (y, yes; o, oui in French). */
  isYes(answer: string): boolean {
    const words = this.t('terminal.yes').split('|');
    return words.includes(answer.trim().toLowerCase());
  }
}
