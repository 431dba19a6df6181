/**
 * The words of the pages the download route answers with instead of a file (a system without a
 * helper, a link that expired or was used, a server where the helper is not built), in English
 * and French. The language is the session's (bound link) or the browser's (Accept-Language).
 * test/server/downloads/download-words.test.ts keeps both catalogs complete.
 */
import { DEFAULT_LANGUAGE, matchLanguage, type Language } from '../../protocol/i18n/language';

export interface DownloadWords {
  title: string;
  notAvailableHeading: (system: string) => string;
  notAvailableBody: string;
  linkExpiredHeading: string;
  linkExpiredBody: string;
  linkUnknownHeading: string;
  linkUnknownBody: string;
  notBuiltHeading: string;
  /** `command` builds the missing helper ("npm run build"). */
  notBuiltBody: (command: string) => string;
  tooManyHeading: string;
  tooManyBody: (seconds: number) => string;
}

export const DOWNLOAD_WORDS: Record<Language, DownloadWords> = {
  en: {
    title: 'Lifeline helper',
    notAvailableHeading: (system) => `The Lifeline helper is not available for ${system} yet`,
    notAvailableBody:
      'Go back to the support page: you can show your screen from the browser itself (view only, ' +
      'nothing to install), and keep chatting with your agent.',
    linkExpiredHeading: 'This download link has expired',
    linkExpiredBody:
      'Go back to the support page and ask the agent to ask for your screen again: the page then ' +
      'offers a new download.',
    linkUnknownHeading: 'This download link is not valid',
    linkUnknownBody:
      'It may come from another server, or have been cut. Go back to the support page and use the ' +
      'download button there.',
    notBuiltHeading: 'The helper is not ready on this server',
    notBuiltBody: (command) =>
      'The helper download is not built on this server yet. Tell your agent; the operator should ' +
      `run "${command}".`,
    tooManyHeading: 'Too many invalid download links',
    tooManyBody: (seconds) =>
      `Wait ${seconds} seconds, then go back to the support page and use the download button there.`,
  },
  fr: {
    title: 'Assistant Lifeline',
    notAvailableHeading: (system) => `L'assistant Lifeline n'est pas encore disponible pour ${system}`,
    notAvailableBody:
      "Revenez à la page d'assistance : vous pouvez y montrer votre écran depuis le navigateur " +
      'lui-même (affichage seul, rien à installer), et continuer la discussion avec votre agent.',
    linkExpiredHeading: 'Ce lien de téléchargement a expiré',
    linkExpiredBody:
      "Revenez à la page d'assistance et demandez à l'agent de redemander votre écran : la page " +
      'propose alors un nouveau téléchargement.',
    linkUnknownHeading: "Ce lien de téléchargement n'est pas valable",
    linkUnknownBody:
      "Il vient peut-être d'un autre serveur, ou il a été coupé. Revenez à la page d'assistance et " +
      "utilisez le bouton de téléchargement qui s'y trouve.",
    notBuiltHeading: "L'assistant n'est pas prêt sur ce serveur",
    notBuiltBody: (command) =>
      "Le téléchargement de l'assistant n'a pas encore été construit sur ce serveur. Prévenez votre " +
      `agent ; l'exploitant doit lancer « ${command} ».`,
    tooManyHeading: 'Trop de liens de téléchargement non valables',
    tooManyBody: (seconds) =>
      `Attendez ${seconds} secondes, puis revenez à la page d'assistance et utilisez son bouton de téléchargement.`,
  },
};

/** The language for an Accept-Language header ("fr-FR,fr;q=0.9,en;q=0.8"), q-values honoured. */
export function acceptLanguage(header: string | undefined): Language {
  if (!header) return DEFAULT_LANGUAGE;
  const tags = header
    .slice(0, 500)
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((t) => t.tag !== '' && t.tag !== '*' && t.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((t) => t.tag);
  return matchLanguage(tags);
}
