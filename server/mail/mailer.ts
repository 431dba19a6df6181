/**
 * Outgoing e-mail through SMTP (nodemailer), configured by `lifeline serve --smtp-url URL
 * --smtp-from ADDRESS` or the LIFELINE_SMTP_URL / LIFELINE_SMTP_FROM environment variables.
 * Without a URL the mailer is "not configured" and callers show the one-time link to the manager
 * instead. Nothing here logs a message body: links in it are credentials until they are used.
 */
import { createTransport, type Transporter } from 'nodemailer';

/** How long one SMTP conversation may take, in ms, before the send fails (and the link is shown instead). */
const SMTP_TIMEOUT_MS = 15_000;

export interface SmtpConfig {
  /** smtp://user:pass@host:587 (STARTTLS when offered), smtps://...:465, or smtp://host:25. */
  url: string;
  /** The From: address, e.g. "Lifeline <support@example.com>". */
  from: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly configured: boolean;
  /** Sends one message; rejects with a short reason (no credentials in it) when it cannot. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** Checks an SMTP URL (for `serve` to refuse a bad one at start, not at the first invitation). */
export function smtpUrlProblem(raw: string): string | null {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return 'use smtp:// or smtps://';
    if (!url.hostname) return 'name the SMTP host';
    return null;
  } catch {
    return 'not a URL (smtp://user:password@host:587)';
  }
}

export function createMailer(config: SmtpConfig | undefined): Mailer {
  if (!config) {
    return {
      configured: false,
      send: () => Promise.reject(new Error('no SMTP server is configured')),
      close: () => undefined,
    };
  }
  const url = new URL(config.url);
  const secure = url.protocol === 'smtps:';
  const transport: Transporter = createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    logger: false,
    debug: false,
  });
  return {
    configured: true,
    async send(mail) {
      try {
        await transport.sendMail({ from: config.from, to: mail.to, subject: mail.subject, text: mail.text });
      } catch (err) {
        // nodemailer's messages name the server and the SMTP reply, never the password.
        const reason = err instanceof Error ? err.message : String(err);
        throw new Error(`the e-mail could not be sent: ${reason.slice(0, 300)}`);
      }
    },
    close: () => transport.close(),
  };
}

/** The SMTP settings from the environment, when LIFELINE_SMTP_URL is set. */
export function smtpFromEnv(env: NodeJS.ProcessEnv): SmtpConfig | undefined {
  const url = env['LIFELINE_SMTP_URL'];
  if (!url) return undefined;
  return { url, from: env['LIFELINE_SMTP_FROM'] ?? 'Lifeline <lifeline@localhost>' };
}
