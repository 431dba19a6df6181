/**
 * "Plain background during the session", on the helper's side: one per session, for every viewer.
 *
 *   off --agent asks--> asking --customer says yes--> on --agent turns it off / session ends--> off
 *   asking --customer says no, or closes the question--> off (viewers told `declined`)
 *   asking --agent turns it off / session ends--> off (the question is withdrawn)
 *
 * Nothing changes on the desktop before the customer's yes. Then, in this order: the current
 * background is read, written to the restore file (background-restore-file.ts), and only then
 * replaced by the plain colour; so whatever happens after, the file says what to put back. The
 * restore (agent's off, session end, helper exit) puts it back and then deletes the file; a
 * helper that died leaves the file and the next start restores from it (restoreLeftover). A
 * restore that fails keeps the file for the next start. Every state change goes to every viewer
 * (`background.state`) and to the customer's own lines (`onChange`). Desktop work runs one step
 * at a time (a chain), so an "off" never overtakes the "on" it answers.
 */
import {
  PLAIN_BACKGROUND_HEX,
  type BackgroundControlToViewer,
} from '../../../protocol/data/background-control';
import { ProtocolError, isErrorCode, type ErrorCode } from '../../../protocol/errors';
import type { BackgroundSnapshot, DesktopBackgroundChoice, Rgb } from '../../platform/types';
import { deleteBackgroundFile, readBackgroundFile, writeBackgroundFile } from './background-restore-file';

export type PlainBackgroundState = 'off' | 'asking' | 'on';

/** Asks the customer (in their language); true only for an explicit yes. Aborted: withdraw the question. */
export type PlainBackgroundQuestion = (agentName: string, signal: AbortSignal) => Promise<boolean>;

export interface PlainBackgroundDeps {
  /** This desktop's wallpaper control, or the implementation a saved snapshot names. */
  choose(kind?: string): DesktopBackgroundChoice;
  /** The restore file (beside the resume state). */
  file: string;
  /** How the customer is asked now; null: no way to ask here (the agent is told, nothing changes). */
  question(): PlainBackgroundQuestion | null;
  /** To every viewer. */
  broadcast(message: BackgroundControlToViewer): void;
  /** The customer's side (lines, the indicator). */
  onChange?(state: PlainBackgroundState): void;
  log(event: string, details?: Record<string, unknown>): void;
}

export function rgbOf(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return { r: (n >> 16) & 0xff, g: (n >> 8) & 0xff, b: n & 0xff };
}

export const PLAIN_BACKGROUND_RGB: Rgb = rgbOf(PLAIN_BACKGROUND_HEX);

function failure(err: unknown): { code: ErrorCode; message: string } {
  const code = err instanceof ProtocolError && isErrorCode(err.code) ? err.code : 'internal_error';
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 300);
  return { code, message };
}

/**
 * Puts back a background a helper left changed (it died before its restore). Resolves true when
 * something was restored; a failure is logged and the file kept for the next try.
 */
export async function restoreLeftoverBackground(
  file: string,
  choose: PlainBackgroundDeps['choose'],
  log: PlainBackgroundDeps['log'],
): Promise<boolean> {
  let saved: BackgroundSnapshot | null;
  try {
    saved = await readBackgroundFile(file);
  } catch (err) {
    log('background.leftover_unreadable', { error: String(err) });
    await deleteBackgroundFile(file).catch(() => undefined);
    return false;
  }
  if (!saved) return false;
  const choice = choose(saved.kind);
  if (!choice.ok) {
    log('background.leftover_not_restorable', { kind: saved.kind, reason: choice.reason });
    return false;
  }
  try {
    await choice.background.restore(saved);
    await deleteBackgroundFile(file);
    log('background.leftover_restored', { kind: saved.kind });
    return true;
  } catch (err) {
    log('background.leftover_restore_failed', { kind: saved.kind, error: String(err) });
    return false;
  }
}

export class PlainBackgroundService {
  private stateValue: PlainBackgroundState = 'off';
  private asking: AbortController | null = null;
  /** What the desktop showed before (kept in memory too; the file is the crash copy). */
  private saved: BackgroundSnapshot | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: PlainBackgroundDeps) {}

  get state(): PlainBackgroundState {
    return this.stateValue;
  }

  /**
   * What a viewer is told once its keys are agreed: off too, since a viewer that saw it on before
   * this helper restarted would otherwise keep showing it on.
   */
  current(): BackgroundControlToViewer {
    return { type: 'background.state', state: this.stateValue };
  }

  /** A viewer's `background.plain`. */
  request(agentName: string, on: boolean): void {
    if (on) this.turnOn(agentName);
    else this.turnOff();
  }

  /**
   * The session is over (or the helper exits): a question still open goes away, and the wallpaper
   * comes back. Resolves once the desktop work is done.
   */
  async end(): Promise<void> {
    this.turnOff();
    await this.chain;
  }

  private turnOn(agentName: string): void {
    if (this.stateValue !== 'off') {
      this.tell({ type: 'background.state', state: this.stateValue });
      return;
    }
    const choice = this.deps.choose();
    if (!choice.ok) {
      this.tell({
        type: 'background.state',
        state: 'unsupported',
        code: 'feature_disabled',
        message: choice.reason.slice(0, 300),
      });
      return;
    }
    const question = this.deps.question();
    if (!question) {
      this.tell({
        type: 'background.state',
        state: 'unsupported',
        code: 'consent_required',
        message: 'the helper has no window or terminal to ask the customer in',
      });
      return;
    }
    const controller = new AbortController();
    this.asking = controller;
    this.move('asking');
    question(agentName, controller.signal).then(
      (yes) => this.answered(controller, yes),
      (err: unknown) => {
        if (this.asking !== controller) return;
        this.asking = null;
        this.move('off', { type: 'background.state', state: 'failed', ...failure(err) });
      },
    );
  }

  private answered(controller: AbortController, yes: boolean): void {
    if (this.asking !== controller || controller.signal.aborted) return;
    this.asking = null;
    if (!yes) {
      this.move('off', { type: 'background.state', state: 'declined' });
      return;
    }
    this.run(async () => {
      const choice = this.deps.choose();
      if (!choice.ok) {
        this.move('off', {
          type: 'background.state',
          state: 'unsupported',
          code: 'feature_disabled',
          message: choice.reason.slice(0, 300),
        });
        return;
      }
      const background = choice.background;
      try {
        const saved = await background.read();
        // On disk before anything changes: a crash from here on is restored at the next start.
        await writeBackgroundFile(this.deps.file, saved);
        this.saved = saved;
        await background.setPlain(PLAIN_BACKGROUND_RGB);
        this.move('on');
        this.deps.log('background.plain', { kind: background.kind });
      } catch (err) {
        this.deps.log('background.plain_failed', { kind: background.kind, error: String(err) });
        await this.putBack();
        this.move('off', { type: 'background.state', state: 'failed', ...failure(err) });
      }
    });
  }

  private turnOff(): void {
    if (this.asking) {
      this.asking.abort();
      this.asking = null;
      this.move('off');
      return;
    }
    // 'asking' here: the customer said yes and the change is queued; the off runs after it.
    if (this.stateValue === 'off') return;
    this.run(async () => {
      if (this.stateValue !== 'on') return;
      const error = await this.putBack();
      this.move('off', error ? { type: 'background.state', state: 'failed', ...failure(error) } : undefined);
    });
  }

  /** Restores `saved` and deletes the file; returns the error (the file stays) or null. */
  private async putBack(): Promise<unknown> {
    const saved = this.saved;
    if (!saved) {
      await deleteBackgroundFile(this.deps.file).catch(() => undefined);
      return null;
    }
    const choice = this.deps.choose(saved.kind);
    try {
      if (!choice.ok) throw new ProtocolError('feature_disabled', choice.reason);
      await choice.background.restore(saved);
      this.saved = null;
      await deleteBackgroundFile(this.deps.file);
      this.deps.log('background.restored', { kind: saved.kind });
      return null;
    } catch (err) {
      // The file stays: the next helper start tries again.
      this.deps.log('background.restore_failed', { kind: saved.kind, error: String(err) });
      this.saved = null;
      return err;
    }
  }

  private run(step: () => Promise<void>): void {
    this.chain = this.chain
      .then(step)
      .catch((err: unknown) => this.deps.log('background.step_failed', { error: String(err) }));
  }

  /** Changes the state and tells everyone (`say` instead of the plain state message when given). */
  private move(next: PlainBackgroundState, say?: BackgroundControlToViewer): void {
    this.stateValue = next;
    this.tell(say ?? { type: 'background.state', state: next });
    this.deps.onChange?.(next);
  }

  private tell(message: BackgroundControlToViewer): void {
    this.deps.broadcast(message);
  }
}
