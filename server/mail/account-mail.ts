/**
 * The texts of the account e-mails (an invitation, a password reset) in English and French. They
 * hold the one-time link and never a password: the person chooses theirs on the page the link opens.
 */
import type { OutgoingMail } from './mailer';

export type MailLanguage = 'en' | 'fr';

export interface AccountMailInput {
  purpose: 'invite' | 'reset';
  language: MailLanguage;
  to: string;
  name: string;
  company: string;
  link: string;
  expiresAt: number;
}

const TEXTS = {
  en: {
    invite: {
      subject: (company: string) => `You are invited to ${company}'s help desk on Lifeline`,
      body: (i: AccountMailInput, until: string) =>
        `Hello ${i.name},\n\nYou have an account on ${i.company}'s Lifeline help desk (${i.to}).\n` +
        `Open this link to choose your password:\n\n${i.link}\n\n` +
        `The link works once, until ${until}. If you did not expect this message, ignore it.\n`,
    },
    reset: {
      subject: (company: string) => `Choose a new Lifeline password for ${company}`,
      body: (i: AccountMailInput, until: string) =>
        `Hello ${i.name},\n\nYour manager asked for a new password for your Lifeline account (${i.to}).\n` +
        `Open this link to choose it:\n\n${i.link}\n\n` +
        `The link works once, until ${until}. Your old password keeps working until you choose the new one.\n`,
    },
  },
  fr: {
    invite: {
      subject: (company: string) => `Vous êtes invité·e au support de ${company} sur Lifeline`,
      body: (i: AccountMailInput, until: string) =>
        `Bonjour ${i.name},\n\nVous avez un compte sur le support Lifeline de ${i.company} (${i.to}).\n` +
        `Ouvrez ce lien pour choisir votre mot de passe :\n\n${i.link}\n\n` +
        `Le lien fonctionne une fois, jusqu'au ${until}. Si vous n'attendiez pas ce message, ignorez-le.\n`,
    },
    reset: {
      subject: (company: string) => `Choisissez un nouveau mot de passe Lifeline pour ${company}`,
      body: (i: AccountMailInput, until: string) =>
        `Bonjour ${i.name},\n\nVotre responsable a demandé un nouveau mot de passe pour votre compte Lifeline (${i.to}).\n` +
        `Ouvrez ce lien pour le choisir :\n\n${i.link}\n\n` +
        `Le lien fonctionne une fois, jusqu'au ${until}. L'ancien mot de passe reste valable d'ici là.\n`,
    },
  },
} as const;

export function accountMail(input: AccountMailInput): OutgoingMail {
  const text = TEXTS[input.language][input.purpose];
  const until = new Intl.DateTimeFormat(input.language, {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(input.expiresAt);
  return {
    to: input.to,
    subject: text.subject(input.company),
    text: text.body(input, `${until} UTC`),
  };
}
