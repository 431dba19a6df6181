/**
 * The helper started with no arguments: a double-click in the file manager (no terminal, no code
 * typed anywhere) or a plain start from a terminal. What the customer meets, in order:
 *   1. the download's trailer names the server, the ticket and the language: the helper joins the
 *      right session at once; nothing to type;
 *   2. without a ticket, or when the ticket is refused (used, expired, not for this request), a
 *      window asks for the code shown on the support page, saying first why it asks;
 *   3. once joined, the consent window (on top, focused, in the customer's language) for each
 *      agent, and the sharing indicator while anything is shared;
 *   4. when sharing ends on a failure (connection lost for good), a window says so.
 * With no window to show but a console (the Windows .exe, whose consent is asked in message boxes;
 * a terminal without a display) the code is asked on the console instead (console-code.ts). With
 * neither it says why on stderr and stops: consent is never assumed.
 */
import type { DownloadTrailer } from '../../protocol/download-trailer';
import { ProtocolError } from '../../protocol/errors';
import type { StandaloneUi } from '../consent/prompts/choose-prompt';
import { errorFacts, errorText } from '../i18n/error-text';
import type { HelperText } from '../i18n/helper-text';
import type { DialogHost } from '../platform/types';
import type { SessionClient } from '../session/session-client';
import { runStandaloneSession } from '../session/standalone-command';
import { endText } from '../session/standalone-driver';
import { CodeWindow } from './code-window';
import type { ConsoleCode } from './console-code';

/** What asks for the code: the code window, or the console. */
type CodeAsker = Pick<CodeWindow, 'next' | 'connecting' | 'failed' | 'close'>;

export interface LaunchOptions {
  /** The server to join (the trailer's, else LIFELINE_SERVER), already checked; null: unknown. */
  server: string | null;
  trailer: DownloadTrailer | null;
  text: HelperText;
  /** Where windows open; null: none (no display). */
  dialogs: DialogHost | null;
  /** A fresh session client per try (a refused join ends a client). */
  newClient(): SessionClient;
  /** Builds the consent prompt and indicators around the current client's stop. */
  ui(stop: () => void): Promise<StandaloneUi>;
  /** The system's name, for "not supported on ...". */
  systemName: string;
  /** Where a line goes when no window can say it. */
  stderr(line: string): void;
  /**
   * Where the code is asked without windows (a console to type in), or null: none. Called once,
   * with why the download did not join by itself, if it did not.
   */
  console?: ((firstError: string | null) => ConsoleCode) | null;
}

/** Exit codes: 0 shared and ended well (or the customer cancelled), 1 failed, 2 cannot start. */
export async function launch(o: LaunchOptions): Promise<number> {
  const t = o.text;
  const dialogs = o.dialogs;
  if (!dialogs && !o.console && !o.trailer?.ticket) {
    // Nowhere to show anything and no download to join with: say why and how to start it.
    o.stderr(t.t('error.noDisplay'));
    return 2;
  }
  const tell = async (message: string) =>
    dialogs ? notice(dialogs, t, t.t('notice.cannotStartHeading'), message) : o.stderr(message);
  if (!o.server) {
    await tell(t.t('error.noServer'));
    return 2;
  }
  const server = o.server;
  let client: SessionClient | null = null;
  const ui = await o.ui(() => void client?.stop().catch(() => undefined));
  const describe = (err: unknown) =>
    err instanceof ProtocolError
      ? errorText(t, err.code, errorFacts(err, { server, system: o.systemName }))
      : t.t('error.other', { code: 'internal_error' });

  try {
    let firstError: string | null = null;
    const ticket = o.trailer?.ticket;
    if (ticket) {
      try {
        const c = (client = o.newClient());
        return await finished(
          o,
          ui,
          await runStandaloneSession(c, ui, () => c.joinWithTicket({ server, ticket })),
        );
      } catch (err) {
        // The download cannot join (used, expired, server unreachable): ask for the code instead.
        if (err instanceof ProtocolError && err.code === 'os_not_supported') {
          await tell(describe(err));
          return 1;
        }
        firstError = describe(err);
      }
    }
    if (!dialogs && !o.console) {
      // Nowhere to ask for a code: say why the download did not join, and how to start it.
      if (firstError) o.stderr(firstError);
      o.stderr(t.t('error.noDisplay'));
      return 2;
    }
    const window: CodeAsker = dialogs
      ? await CodeWindow.open(dialogs, t, firstError)
      : o.console!(firstError);
    for (;;) {
      const code = await window.next();
      if (code === null) return 0;
      window.connecting(server);
      try {
        const c = (client = o.newClient());
        const result = await runStandaloneSession(c, ui, () => c.join({ server, joinCode: code }), {
          onJoined: () => window.close(),
        });
        window.close();
        return await finished(o, ui, result);
      } catch (err) {
        window.failed(describe(err));
      }
    }
  } finally {
    await ui.close();
  }
}

/** After the session: a window when it ended on a failure; the exit code. */
async function finished(
  o: LaunchOptions,
  ui: StandaloneUi,
  result: Awaited<ReturnType<typeof runStandaloneSession>>,
): Promise<number> {
  const bad = ['lost', 'reconnect_expired', 'failed'].includes(result.end.reason);
  if (bad && o.dialogs) {
    await notice(
      o.dialogs,
      ui.text,
      ui.text.t('notice.endedHeading'),
      endText(ui, result.end, o.server ?? undefined),
    );
  }
  return result.exitCode;
}

/** A window with one sentence and OK; resolves when the customer closes it. */
async function notice(dialogs: DialogHost, t: HelperText, heading: string, message: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const opened = dialogs.open(
      {
        title: t.t('notice.title'),
        heading,
        text: [message],
        buttons: [{ id: 'ok', label: t.t('notice.ok'), primary: true }],
        cancel: 'ok',
      },
      () => {
        void opened.then((d) => d.close());
        resolve();
      },
    );
    opened.catch(() => resolve());
  });
}
