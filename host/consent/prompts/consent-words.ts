/**
 * The words of the consent question in the customer's language, for the prompts that speak it (a
 * native window picks the language from the system's UI language). English is the fallback.
 */
import type { Capability } from './consent-prompt';

export type ConsentLanguage = 'en' | 'fr';

export interface ConsentWords {
  title: string;
  /** "Alex (support agent) asks for access to this computer." */
  intro(agentName: string): string;
  /** "Allow Alex to see your screen?" */
  question(agentName: string, capability: Capability): string;
  /** The closing line: nothing is shared without a yes, and it can stop at any time. */
  note: string;
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

export const CONSENT_WORDS: Record<ConsentLanguage, ConsentWords> = {
  en: {
    title: 'Lifeline: screen sharing',
    intro: (name) => `${name} (support agent) asks for access to this computer.`,
    question: (name, c) => `Allow ${name} to ${EN_WHAT[c]}?`,
    note: 'Nothing is shared unless you answer Yes. You can stop at any time.',
  },
  fr: {
    title: 'Lifeline : partage d’écran',
    intro: (name) => `${name} (agent du support) demande l’accès à cet ordinateur.`,
    question: (name, c) => `Autoriser ${name} à ${FR_WHAT[c]} ?`,
    note: 'Rien n’est partagé sans votre Oui. Vous pouvez arrêter à tout moment.',
  },
};
