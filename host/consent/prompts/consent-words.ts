/**
 * The words of the helper's own windows (the consent window, the sharing indicator) in the
 * customer's language, for the systems whose windows speak it (Windows picks the language from
 * its display language). English is the fallback. The phrasing is the one of the helper's
 * catalogs on the way (issue 11), so the windows read the same once those replace this table.
 */
import type { ViewerCode } from './sharing-indicator';
import type { Capability } from './consent-prompt';

export type ConsentLanguage = 'en' | 'fr';

export interface ConsentWords {
  title: string;
  /** "Alex (support agent) asks to:" */
  heading(agentName: string): string;
  /** Under the heading: tick what you allow, nothing before Allow, stop at any time. */
  explain: string;
  /** One box's label: "See your screen". */
  capability(capability: Capability): string;
  allow: string;
  decline: string;
  /** The indicator's line: "Lifeline: sharing with Alex (code 123 456), paused". */
  indicator(agentNames: readonly string[], codes: readonly ViewerCode[], paused: boolean): string;
  /** The indicator's button. */
  stop: string;
}

const EN_WHAT: Record<Capability, string> = {
  view: 'see your screen',
  control: 'control your mouse and keyboard',
  clipboard: 'read and write your clipboard',
  files: 'send and receive files',
  reboot: 'restart this computer (the session comes back after the restart)',
};

const FR_WHAT: Record<Capability, string> = {
  view: 'voir votre écran',
  control: 'contrôler votre souris et votre clavier',
  clipboard: 'lire et écrire votre presse-papiers',
  files: 'envoyer et recevoir des fichiers',
  reboot: 'redémarrer cet ordinateur (la session reprend après le redémarrage)',
};

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "Alex", "Alex and Sam", "Alex, Sam and Kim" (with the language's "and"). */
function names(list: readonly string[], and: string, nobody: string): string {
  if (list.length === 0) return nobody;
  if (list.length === 1) return list[0]!;
  return `${list.slice(0, -1).join(', ')} ${and} ${list.at(-1)!}`;
}

function codes(list: readonly ViewerCode[]): string {
  if (list.length === 0) return '';
  return ` (${list.length === 1 ? 'code' : 'codes'} ${list.map((c) => c.sas).join(', ')})`;
}

export const CONSENT_WORDS: Record<ConsentLanguage, ConsentWords> = {
  en: {
    title: 'Lifeline: screen sharing',
    heading: (name) => `${name} (support agent) asks to:`,
    explain: 'Tick what you allow. Nothing is shared until you click Allow, and you can stop at any time.',
    capability: (c) => capitalised(EN_WHAT[c]),
    allow: 'Allow',
    decline: 'Decline',
    indicator: (agents, list, paused) =>
      `Lifeline: sharing with ${names(agents, 'and', 'the support agent')}${codes(list)}${paused ? ', paused' : ''}`,
    stop: 'Stop',
  },
  fr: {
    title: 'Lifeline : partage d’écran',
    heading: (name) => `${name} (agent du support) demande à :`,
    explain:
      'Cochez ce que vous autorisez. Rien n’est partagé avant que vous cliquiez sur Autoriser, et vous pouvez tout arrêter à tout moment.',
    capability: (c) => capitalised(FR_WHAT[c]),
    allow: 'Autoriser',
    decline: 'Refuser',
    indicator: (agents, list, paused) =>
      `Lifeline : partage avec ${names(agents, 'et', 'l’agent du support')}${codes(list)}${paused ? ', en pause' : ''}`,
    stop: 'Arrêter',
  },
};
