/**
 * What a key or a click does in a helper dialog, as pure functions of the spec and the state
 * (ticks, typed text, focus): Tab and Shift+Tab move the focus, Space ticks the focused box or
 * presses the focused button, Enter presses the focused button or else the primary one, Escape
 * presses the cancel button (or closes), typing edits the field. The X window only translates its
 * events into these keys and paints the result.
 */
import type { DialogAction, DialogSpec } from '../../types';
import { buttonEnabled, focusOrder, sameTarget, type DialogState, type HitTarget } from './dialog-layout';

export type DialogKey =
  | { kind: 'tab'; back: boolean }
  | { kind: 'space' }
  | { kind: 'enter' }
  | { kind: 'escape' }
  | { kind: 'backspace' }
  | { kind: 'char'; char: string };

export interface DialogStep {
  state: DialogState;
  /** What to tell the dialog's owner, if anything. */
  action: DialogAction | null;
}

/** The state a freshly opened dialog starts in: the spec's ticks and text, focus on the first box or the field. */
export function initialState(spec: DialogSpec): DialogState {
  const checks: Record<string, boolean> = {};
  for (const c of spec.checks ?? []) checks[c.id] = c.checked;
  const state: DialogState = { checks, field: spec.field?.value ?? '', focus: 0 };
  const order = focusOrder(spec, state);
  const primary = order.findIndex(
    (t) => t.kind === 'button' && spec.buttons.find((b) => b.id === t.id)?.primary,
  );
  // Nothing to tick or type: the primary button has the focus (Enter presses it).
  state.focus = spec.checks?.length || spec.field ? 0 : Math.max(0, primary);
  return state;
}

/** The state kept across an update(): the customer's ticks and text, new boxes as the spec says. */
export function carryState(spec: DialogSpec, previous: DialogState): DialogState {
  const checks: Record<string, boolean> = {};
  for (const c of spec.checks ?? []) checks[c.id] = previous.checks[c.id] ?? c.checked;
  const field = spec.field ? previous.field : '';
  const order = focusOrder(spec, { checks });
  return { checks, field, focus: Math.min(previous.focus, Math.max(0, order.length - 1)) };
}

function press(spec: DialogSpec, state: DialogState, button: string): DialogAction | null {
  if (!buttonEnabled(spec, state, button)) return null;
  return { kind: 'button', button, checks: { ...state.checks }, field: state.field };
}

function toggle(state: DialogState, id: string): DialogState {
  return { ...state, checks: { ...state.checks, [id]: !state.checks[id] } };
}

/** The result of a click on `target` (null: outside anything). */
export function onClick(spec: DialogSpec, state: DialogState, target: HitTarget | null): DialogStep {
  if (!target) return { state, action: null };
  const order = focusOrder(spec, state);
  const focus = Math.max(
    0,
    order.findIndex((t) => sameTarget(t, target)),
  );
  if (target.kind === 'check') {
    const next = toggle(state, target.id);
    return { state: { ...next, focus: clampFocus(spec, next, focus) }, action: null };
  }
  if (target.kind === 'field') return { state: { ...state, focus }, action: null };
  return { state: { ...state, focus }, action: press(spec, state, target.id) };
}

function clampFocus(spec: DialogSpec, state: DialogState, focus: number): number {
  const n = focusOrder(spec, state).length;
  return n === 0 ? 0 : Math.min(focus, n - 1);
}

export function onKey(spec: DialogSpec, state: DialogState, key: DialogKey): DialogStep {
  const order = focusOrder(spec, state);
  const focused = order[state.focus];
  switch (key.kind) {
    case 'tab': {
      if (order.length === 0) return { state, action: null };
      const focus = (state.focus + (key.back ? order.length - 1 : 1)) % order.length;
      return { state: { ...state, focus }, action: null };
    }
    case 'space':
      if (focused?.kind === 'check') return { state: toggle(state, focused.id), action: null };
      if (focused?.kind === 'button') return { state, action: press(spec, state, focused.id) };
      return { state, action: null };
    case 'enter': {
      if (focused?.kind === 'button') return { state, action: press(spec, state, focused.id) };
      const primary = spec.buttons.find((b) => b.primary);
      return { state, action: primary ? press(spec, state, primary.id) : null };
    }
    case 'escape':
      return { state, action: spec.cancel ? press(spec, { ...state }, spec.cancel) : { kind: 'closed' } };
    case 'backspace':
      if (focused?.kind !== 'field') return { state, action: null };
      return { state: { ...state, field: state.field.slice(0, -1) }, action: null };
    case 'char': {
      const field = spec.field;
      if (!field || focused?.kind !== 'field') return { state, action: null };
      if (field.allowed === 'digits' && !/^[0-9]$/.test(key.char)) return { state, action: null };
      if (state.field.length >= field.maxChars) return { state, action: null };
      return { state: { ...state, field: state.field + key.char }, action: null };
    }
  }
}

/** Text pasted into the field: what is allowed of it, up to the field's length. */
export function onPaste(spec: DialogSpec, state: DialogState, text: string): DialogState {
  const field = spec.field;
  if (!field) return state;
  const allowed = field.allowed === 'digits' ? text.replace(/[^0-9]/g, '') : text;
  const room = field.maxChars - state.field.length;
  return { ...state, field: state.field + allowed.slice(0, Math.max(0, room)) };
}
