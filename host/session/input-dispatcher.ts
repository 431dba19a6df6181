/**
 * Applies the viewers' input events (protocol/data/input.ts) to the desktop, through the consent
 * gate's InputSink only: keys by physical code, text by character, pointer, buttons, wheel, the
 * menu's key combinations, and release.all. Events run one at a time in arrival order (a key
 * press never overtakes the move before it). `control` is checked twice: when the event arrives
 * (refused at once, nothing queued) and again by the gate when the event runs, so a revoke stops
 * every queued event; the gate's revoke also releases every key and button held. Pointer events
 * also pass the PointerArbiter: while the customer moves their own mouse, the agent's are held
 * back (outcome `held`, code pointer_in_use).
 *
 * Every event that is not applied says why with a stable code (InputRefusalCode), which the
 * viewer peer passes to the agent's viewer as it is: consent_required (control not granted or
 * taken back), backpressure (too many events waiting), pointer_in_use (the customer's mouse),
 * input_unavailable (this system does not let the helper inject input), input_blocked_elevated and
 * input_blocked_secure_desktop (Windows refused it: an administrator window or a UAC prompt in front), bad_request (an event
 * this system cannot apply, such as an unknown key), internal_error (anything else).
 */
import { ProtocolError, type ErrorCode } from '../../protocol/errors';
import type { InputEvent } from '../../protocol/data/input';
import type { HandlerMap } from '../../protocol/message';
import type { ConsentGate } from '../consent/consent-gate';
import type { InputSink } from '../platform/types';
import { PointerArbiter } from './pointer-arbiter';

/** Keys each combination presses, in order (released in reverse). */
export const COMBO_KEYS: Readonly<
  Record<Extract<InputEvent, { type: 'keys.combo' }>['combo'], readonly string[]>
> = {
  'ctrl-alt-del': ['ControlLeft', 'AltLeft', 'Delete'],
  super: ['MetaLeft'],
  'print-screen': ['PrintScreen'],
  'alt-tab': ['AltLeft', 'Tab'],
  'alt-f4': ['AltLeft', 'F4'],
};

/** Most events waiting to run; past this, new ones are refused (a flood must not build a backlog). */
export const INPUT_QUEUE_MAX = 1024;

/** `held`: a pointer event dropped because the customer is using their mouse. */
export type InputOutcome = 'applied' | 'refused' | 'failed' | 'held';

/** Why an event was not applied; stable, shown to the agent by its own text. */
export type InputRefusalCode = Extract<
  ErrorCode,
  | 'consent_required'
  | 'backpressure'
  | 'pointer_in_use'
  | 'input_unavailable'
  | 'input_blocked_elevated'
  | 'input_blocked_secure_desktop'
  | 'bad_request'
  | 'internal_error'
>;

export type InputResult =
  | { outcome: 'applied' }
  | { outcome: 'refused' | 'failed' | 'held'; code: InputRefusalCode; message: string };

/** Errors from the platform that mean "input cannot be injected on this system" (not this event). */
const UNAVAILABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'input_unavailable',
  'unavailable',
  'os_not_supported',
]);
/** Errors that mean "this event cannot be applied" (the next one may be). */
const BAD_EVENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['bad_request', 'message_too_large']);

/** The stable refusal code of an error thrown while an event ran. */
export function refusalCodeOf(err: unknown): InputRefusalCode {
  if (!(err instanceof ProtocolError)) return 'internal_error';
  if (err.code === 'consent_required') return 'consent_required';
  if (UNAVAILABLE_CODES.has(err.code)) return 'input_unavailable';
  if (BAD_EVENT_CODES.has(err.code)) return 'bad_request';
  if (err.code === 'input_blocked_elevated' || err.code === 'input_blocked_secure_desktop') return err.code;
  return 'internal_error';
}

/** Events that move or press the pointer, which the customer's own mouse takes precedence over. */
const POINTER_EVENTS: ReadonlySet<InputEvent['type']> = new Set([
  'pointer.move',
  'pointer.button',
  'pointer.wheel',
]);

export interface InputDispatcherOptions {
  /** An event was refused, held or failed; `code` is stable (consent_required, backpressure, ...). */
  onRejected?(code: string, message: string): void;
  /** Decides between the customer's mouse and the agent's (tests give one with a fake clock). */
  arbiter?: PointerArbiter;
}

const handlers: HandlerMap<InputEvent, InputSink> = {
  key: (m, sink) => sink.key(m.code, m.down),
  text: (m, sink) => sink.type(m.text),
  'pointer.move': (m, sink) => sink.pointerMove(m.x, m.y),
  'pointer.button': async (m, sink) => {
    await sink.pointerMove(m.x, m.y);
    await sink.button(m.button, m.down);
  },
  'pointer.wheel': async (m, sink) => {
    await sink.pointerMove(m.x, m.y);
    await sink.wheel(m.dx, m.dy);
  },
  'keys.combo': async (m, sink) => {
    const keys = COMBO_KEYS[m.combo];
    for (const k of keys) await sink.key(k, true);
    for (const k of [...keys].reverse()) await sink.key(k, false);
  },
  'release.all': (_m, sink) => sink.releaseAll(),
};

export class InputDispatcher {
  private chain: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private counts = { applied: 0, refused: 0, failed: 0, held: 0 };
  private readonly arbiter: PointerArbiter;

  constructor(
    private readonly gate: ConsentGate,
    private readonly options: InputDispatcherOptions = {},
  ) {
    this.arbiter = options.arbiter ?? new PointerArbiter();
  }

  stats(): { applied: number; refused: number; failed: number; held: number } {
    return { ...this.counts };
  }

  dispatch(event: InputEvent): Promise<InputResult> {
    if (!this.gate.has('control')) {
      return Promise.resolve(
        this.reject('refused', 'consent_required', 'the customer has not allowed control'),
      );
    }
    if (this.queued >= INPUT_QUEUE_MAX) {
      return Promise.resolve(this.reject('refused', 'backpressure', 'too many input events waiting'));
    }
    this.queued++;
    const run = this.chain.then(() => this.apply(event));
    this.chain = run;
    return run;
  }

  private async apply(event: InputEvent): Promise<InputResult> {
    try {
      // The gate checks `control` now, when the event runs, not when it arrived.
      const sink = await this.gate.input();
      const handler = handlers[event.type] as (m: InputEvent, s: InputSink) => Promise<void>;
      const pointer = POINTER_EVENTS.has(event.type);
      if (pointer && !(await this.arbiter.admit(sink))) {
        return this.reject(
          'held',
          'pointer_in_use',
          'the customer is using their mouse; yours works again a second after they stop',
        );
      }
      await handler(event, sink);
      if (pointer) await this.arbiter.applied(sink);
      this.counts.applied++;
      return { outcome: 'applied' };
    } catch (err) {
      const code = refusalCodeOf(err);
      const message = err instanceof Error ? err.message : String(err);
      return this.reject(code === 'consent_required' ? 'refused' : 'failed', code, message);
    } finally {
      this.queued--;
    }
  }

  private reject(
    outcome: 'refused' | 'failed' | 'held',
    code: InputRefusalCode,
    message: string,
  ): InputResult {
    this.counts[outcome]++;
    this.options.onRejected?.(code, message);
    return { outcome, code, message };
  }
}
