/**
 * "Send a file to the agent..." in the helper's own window (issue 13, item 5), for customers who
 * never see a terminal (the Windows .exe, a double-click on Linux). While the customer allows
 * `files` and an agent takes part, a small window (a DialogHost window: Windows' UI thread, X11)
 * offers the action; it opens the system's file chooser (a FileChooser from the platform table:
 * Windows' Open dialog, zenity/kdialog), offers the chosen file (FileTransferService.offerFile:
 * the same rules as the terminal's "send <path>") and says, in the customer's language, what
 * happened: offered (with "Withdraw" until the agent answers), refused and why, cancelled, the
 * agent's answer. Closing the window hides it until file sharing is allowed again.
 *
 *   idle --Send--> choosing --chosen, offered--> pending --answer | Withdraw--> idle (said)
 *                           --cancelled | refused | failed--------------------> idle (said)
 * The window shows (any phase) while `files` is allowed with an agent present and the customer
 * has not closed it; hiding it changes nothing of a pending offer (the agent still sees it).
 */
import type { HelperText } from '../../i18n/helper-text';
import type { Dialog, DialogAction, DialogHost, DialogSpec, FileChooser } from '../../platform/types';
import type { OfferEvent } from './customer-offer';
import type { FileTransferService } from './file-transfer-service';
import { offerAnswerLine, offerRefusedLine } from './offer-command';

export const SEND_BUTTON = 'send';
export const WITHDRAW_BUTTON = 'withdraw';
export const HIDE_BUTTON = 'hide';

type Phase = 'idle' | 'choosing' | 'pending';

export interface OfferWindowDeps {
  dialogs: DialogHost;
  chooser: FileChooser;
  text: HelperText;
  /** The session's file service (null before join). */
  files(): FileTransferService | null;
  /** Where the chooser opens (the customer's home folder). */
  startDir: string;
  log?(event: string, details: Record<string, unknown>): void;
}

export class OfferWindow {
  private phase: Phase = 'idle';
  /** The window is wanted on screen: `files` allowed, an agent present, not closed by the customer. */
  private wanted = false;
  private dialog: Promise<Dialog> | null = null;
  /** The customer closed the window: it stays away until `files` is allowed again. */
  private dismissed = false;
  private agents: string[] = [];
  /** The last outcome said in the window (offered, answered, withdrawn), and a problem, if any. */
  private status: string | null = null;
  private problem: string | null = null;
  private closed = false;

  constructor(private readonly deps: OfferWindowDeps) {}

  get state(): Phase {
    return this.phase;
  }

  get shown(): boolean {
    return this.dialog !== null;
  }

  /**
   * Whether the action is offered now: the customer allows `files` and `agentNames` take part.
   * Called on every sharing change; a change from unavailable to available shows the window again.
   */
  setAvailable(available: boolean, agentNames: readonly string[]): void {
    if (this.closed) return;
    this.agents = [...agentNames];
    if (!available) this.dismissed = false;
    this.wanted = available && !this.dismissed;
    if (this.phase !== 'choosing') this.phase = this.deps.files()?.offerPending ? 'pending' : 'idle';
    this.render();
  }

  /** The agent answered the customer's offer (made from the terminal or from this window). */
  answered(e: OfferEvent): void {
    this.after(offerAnswerLine(this.deps.text, e));
  }

  /**
   * The offer may have changed elsewhere (the terminal's "send" or "cancel"): the window follows
   * it, saying `line` (what the terminal said) when given.
   */
  sync(line?: string): void {
    if (this.closed || this.phase === 'choosing') return;
    this.phase = this.deps.files()?.offerPending ? 'pending' : 'idle';
    if (line !== undefined) {
      this.status = line;
      this.problem = null;
    }
    this.render();
  }

  close(): void {
    this.closed = true;
    this.wanted = false;
    this.render();
  }

  private after(line: string): void {
    this.status = line;
    this.problem = null;
    if (this.phase === 'pending') this.phase = 'idle';
    this.render();
  }

  private spec(): DialogSpec {
    const t = this.deps.text;
    const text = [t.t('offerWindow.intro', { agents: t.names(this.agents) })];
    if (this.phase === 'choosing') text.push(t.t('offerWindow.choosing'));
    else if (this.status) text.push(this.status);
    const buttons =
      this.phase === 'pending'
        ? [
            { id: HIDE_BUTTON, label: t.t('offerWindow.hide') },
            { id: WITHDRAW_BUTTON, label: t.t('offerWindow.withdraw'), primary: true },
          ]
        : [
            { id: HIDE_BUTTON, label: t.t('offerWindow.hide') },
            { id: SEND_BUTTON, label: t.t('offerWindow.send'), primary: true },
          ];
    return {
      title: t.t('offerWindow.title'),
      heading: t.t('offerWindow.heading'),
      text,
      error: this.problem,
      buttons,
      cancel: HIDE_BUTTON,
      busy: this.phase === 'choosing',
      // The agent may be typing into the customer's application when files are allowed.
      inBackground: true,
    };
  }

  private render(): void {
    if (!this.wanted || this.closed) {
      const d = this.dialog;
      this.dialog = null;
      void d?.then(
        (w) => w.close(),
        () => undefined,
      );
      return;
    }
    const spec = this.spec();
    if (this.dialog) {
      void this.dialog.then(
        (d) => d.update(spec),
        () => undefined,
      );
      return;
    }
    const opened = this.deps.dialogs.open(spec, (a) => this.onAction(a));
    this.dialog = opened;
    opened.catch((err: unknown) => {
      if (this.dialog === opened) this.dialog = null;
      this.deps.log?.('offer_window_failed', { error: messageOf(err) });
    });
  }

  private onAction(a: DialogAction): void {
    if (a.kind === 'closed' || a.button === HIDE_BUTTON) {
      this.dismissed = true;
      this.wanted = false;
      this.render();
      return;
    }
    if (a.button === SEND_BUTTON && this.phase === 'idle') void this.chooseAndOffer();
    else if (a.button === WITHDRAW_BUTTON && this.phase === 'pending') this.withdraw();
  }

  private withdraw(): void {
    const t = this.deps.text;
    const name = this.deps.files()?.withdrawOffer() ?? null;
    this.settle(
      'idle',
      name === null ? t.t('line.offerNoneToWithdraw') : t.t('line.offerWithdrawn', { name }),
      null,
    );
  }

  private async chooseAndOffer(): Promise<void> {
    const t = this.deps.text;
    this.settle('choosing', this.status, null);
    let chosen: string | null;
    try {
      chosen = await this.deps.chooser.choose({
        title: t.t('offerWindow.chooserTitle'),
        startDir: this.deps.startDir,
      });
    } catch (err) {
      this.deps.log?.('file_chooser_failed', { error: messageOf(err) });
      this.settle('idle', null, t.t('offerWindow.chooserFailed', { message: messageOf(err) }));
      return;
    }
    if (chosen === null) {
      this.settle('idle', null, t.t('offerWindow.cancelled'));
      return;
    }
    const service = this.deps.files();
    if (!service?.agentLinked) {
      this.settle('idle', null, t.t('line.offerNoAgent'));
      return;
    }
    try {
      await service.offerFile(chosen);
      const name = chosen.split(/[\\/]/u).pop() ?? chosen;
      this.settle('pending', t.t('line.offerSent', { name }), null);
    } catch (err) {
      // The reason in words: outside the places, hidden, one already pending, not allowed.
      this.settle('idle', null, offerRefusedLine(t, err, chosen));
    }
  }

  /** A step of the offer is done: the window (if still wanted) says `status` or `problem`. */
  private settle(phase: Phase, status: string | null, problem: string | null): void {
    this.phase = phase;
    this.status = status;
    this.problem = problem;
    this.render();
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
