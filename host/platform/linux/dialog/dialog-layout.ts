/**
 * Where everything of a helper dialog goes, as a pure function of the spec, what the customer has
 * ticked and typed, the focus, and the font's cell size (the X dialog uses character-cell fonts,
 * so a text's width is its length times the cell width). Returns drawing operations (filled
 * rectangles and text at a baseline) and the areas a click or a key acts on, so the window code
 * only paints and dispatches; tests check the layout without an X server.
 *
 * Layout, top to bottom, PADDING_PX from every edge: the heading (bold), the paragraphs, one row
 * per checkbox (the box, then its label, wrapped), the field (label, then a box with the text and
 * a caret when focused), the error in red, and the buttons at the bottom right, the primary last.
 */
import type { DialogSpec } from '../../types';

export const PADDING_PX = 18;
/** Space between blocks (paragraphs, rows), in pixels. */
const GAP_PX = 10;
const BOX_PX = 14;
const BUTTON_PAD_X = 14;
const BUTTON_PAD_Y = 7;
const BUTTON_GAP_PX = 10;
const FIELD_PAD_PX = 6;
/** Narrowest and widest dialog, in pixels. */
export const MIN_WIDTH_PX = 360;
export const MAX_WIDTH_PX = 600;

export const COLORS = {
  background: 0xf6f5f4,
  text: 0x1e1e1e,
  muted: 0x5e5c64,
  error: 0xc01c28,
  boxBorder: 0x5e5c64,
  boxFill: 0xffffff,
  tick: 0x1a5fb4,
  button: 0xdeddda,
  buttonText: 0x1e1e1e,
  primary: 0x1a5fb4,
  primaryText: 0xffffff,
  disabled: 0xc0bfbc,
  disabledText: 0x77767b,
  focus: 0x1a5fb4,
  field: 0xffffff,
} as const;

export interface FontMetrics {
  /** Width of one character cell, in pixels (regular and bold). */
  cell: number;
  boldCell: number;
  ascent: number;
  descent: number;
}

export type DrawOp =
  | { kind: 'fill'; x: number; y: number; width: number; height: number; color: number }
  | { kind: 'text'; x: number; y: number; text: string; bold: boolean; color: number };

export type HitTarget = { kind: 'check'; id: string } | { kind: 'button'; id: string } | { kind: 'field' };

export interface HitArea {
  target: HitTarget;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DialogState {
  checks: Readonly<Record<string, boolean>>;
  field: string;
  /** Index into focusOrder(spec). */
  focus: number;
}

export interface Layout {
  width: number;
  height: number;
  ops: DrawOp[];
  hits: HitArea[];
}

/** What Tab moves through, in order: the boxes, the field, the enabled buttons. */
export function focusOrder(spec: DialogSpec, state: Pick<DialogState, 'checks'>): HitTarget[] {
  const order: HitTarget[] = (spec.checks ?? []).map((c) => ({ kind: 'check', id: c.id }));
  if (spec.field) order.push({ kind: 'field' });
  for (const b of spec.buttons)
    if (buttonEnabled(spec, state, b.id)) order.push({ kind: 'button', id: b.id });
  return order;
}

export function buttonEnabled(spec: DialogSpec, state: Pick<DialogState, 'checks'>, id: string): boolean {
  const b = spec.buttons.find((x) => x.id === id);
  if (!b || spec.busy) return false;
  return !b.needsCheck || Object.values(state.checks).some(Boolean);
}

export function sameTarget(a: HitTarget | undefined, b: HitTarget): boolean {
  if (!a || a.kind !== b.kind) return false;
  return a.kind === 'field' || (a as { id: string }).id === (b as { id: string }).id;
}

/** Splits `text` into lines of at most `maxChars` characters, at spaces where it can. */
export function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      let w = word;
      while (w.length > maxChars) {
        if (line) {
          lines.push(line);
          line = '';
        }
        lines.push(w.slice(0, maxChars));
        w = w.slice(maxChars);
      }
      if (!w) continue;
      if (!line) line = w;
      else if (line.length + 1 + w.length <= maxChars) line += ` ${w}`;
      else {
        lines.push(line);
        line = w;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** The dialog's width for this spec: wide enough for the buttons, within MIN..MAX. */
export function dialogWidth(spec: DialogSpec, m: FontMetrics, screenWidth: number): number {
  const buttons = spec.buttons.reduce(
    (n, b) => n + b.label.length * m.boldCell + 2 * BUTTON_PAD_X + BUTTON_GAP_PX,
    0,
  );
  const wanted = Math.max(MIN_WIDTH_PX, buttons + 2 * PADDING_PX, 46 * m.cell + 2 * PADDING_PX);
  return Math.min(MAX_WIDTH_PX, wanted, Math.max(200, screenWidth - 40));
}

export function layoutDialog(spec: DialogSpec, state: DialogState, m: FontMetrics, width: number): Layout {
  const ops: DrawOp[] = [];
  const hits: HitArea[] = [];
  const lineH = m.ascent + m.descent + 3;
  const inner = width - 2 * PADDING_PX;
  const order = focusOrder(spec, state);
  const focused = order[state.focus];
  let y = PADDING_PX;

  const text = (x: number, line: string, bold: boolean, color: number) => {
    ops.push({ kind: 'text', x, y: y + m.ascent, text: line, bold, color });
    y += lineH;
  };
  const outline = (x: number, top: number, w: number, h: number, color: number, t = 2) => {
    ops.push({ kind: 'fill', x, y: top, width: w, height: t, color });
    ops.push({ kind: 'fill', x, y: top + h - t, width: w, height: t, color });
    ops.push({ kind: 'fill', x, y: top, width: t, height: h, color });
    ops.push({ kind: 'fill', x: x + w - t, y: top, width: t, height: h, color });
  };

  for (const line of wrap(spec.heading, Math.floor(inner / m.boldCell)))
    text(PADDING_PX, line, true, COLORS.text);
  y += GAP_PX;
  for (const para of spec.text) {
    for (const line of wrap(para, Math.floor(inner / m.cell))) text(PADDING_PX, line, false, COLORS.text);
    y += GAP_PX / 2;
  }

  if (spec.checks?.length) y += GAP_PX / 2;
  for (const check of spec.checks ?? []) {
    const top = y;
    const labelX = PADDING_PX + BOX_PX + 10;
    const boxY = y + Math.max(0, Math.floor((lineH - BOX_PX) / 2));
    ops.push({
      kind: 'fill',
      x: PADDING_PX,
      y: boxY,
      width: BOX_PX,
      height: BOX_PX,
      color: COLORS.boxBorder,
    });
    ops.push({
      kind: 'fill',
      x: PADDING_PX + 1,
      y: boxY + 1,
      width: BOX_PX - 2,
      height: BOX_PX - 2,
      color: COLORS.boxFill,
    });
    if (state.checks[check.id]) {
      ops.push({
        kind: 'fill',
        x: PADDING_PX + 3,
        y: boxY + 3,
        width: BOX_PX - 6,
        height: BOX_PX - 6,
        color: COLORS.tick,
      });
    }
    for (const line of wrap(check.label, Math.floor((inner - BOX_PX - 10) / m.cell)))
      text(labelX, line, false, COLORS.text);
    const height = y - top;
    const target: HitTarget = { kind: 'check', id: check.id };
    if (sameTarget(focused, target)) outline(PADDING_PX - 4, top - 2, inner + 8, height + 2, COLORS.focus, 1);
    hits.push({ target, x: PADDING_PX - 4, y: top - 2, width: inner + 8, height: height + 2 });
    y += 4;
  }

  if (spec.field) {
    y += GAP_PX / 2;
    for (const line of wrap(spec.field.label, Math.floor(inner / m.cell)))
      text(PADDING_PX, line, false, COLORS.muted);
    const top = y;
    const h = lineH + 2 * FIELD_PAD_PX;
    const w = Math.min(inner, (spec.field.maxChars + 2) * m.boldCell + 2 * FIELD_PAD_PX);
    const isFocused = sameTarget(focused, { kind: 'field' });
    ops.push({ kind: 'fill', x: PADDING_PX, y: top, width: w, height: h, color: COLORS.field });
    outline(PADDING_PX, top, w, h, isFocused ? COLORS.focus : COLORS.boxBorder, isFocused ? 2 : 1);
    ops.push({
      kind: 'text',
      x: PADDING_PX + FIELD_PAD_PX,
      y: top + FIELD_PAD_PX + m.ascent + 1,
      text: state.field,
      bold: true,
      color: COLORS.text,
    });
    if (isFocused) {
      ops.push({
        kind: 'fill',
        x: PADDING_PX + FIELD_PAD_PX + state.field.length * m.boldCell + 1,
        y: top + FIELD_PAD_PX,
        width: 2,
        height: lineH,
        color: COLORS.text,
      });
    }
    hits.push({ target: { kind: 'field' }, x: PADDING_PX, y: top, width: w, height: h });
    y = top + h + GAP_PX;
  }

  if (spec.error) {
    y += GAP_PX / 2;
    for (const line of wrap(spec.error, Math.floor(inner / m.cell)))
      text(PADDING_PX, line, false, COLORS.error);
  }

  // Buttons, right-aligned, in the spec's order (the primary is usually last).
  y += GAP_PX;
  const bh = lineH + 2 * BUTTON_PAD_Y;
  const widths = spec.buttons.map((b) => b.label.length * m.boldCell + 2 * BUTTON_PAD_X);
  let x = width - PADDING_PX - widths.reduce((n, w) => n + w, 0) - BUTTON_GAP_PX * (spec.buttons.length - 1);
  spec.buttons.forEach((b, i) => {
    const w = widths[i]!;
    const enabled = buttonEnabled(spec, state, b.id);
    const fill = !enabled ? COLORS.disabled : b.primary ? COLORS.primary : COLORS.button;
    const color = !enabled ? COLORS.disabledText : b.primary ? COLORS.primaryText : COLORS.buttonText;
    ops.push({ kind: 'fill', x, y, width: w, height: bh, color: fill });
    ops.push({
      kind: 'text',
      x: x + BUTTON_PAD_X,
      y: y + BUTTON_PAD_Y + m.ascent + 1,
      text: b.label,
      bold: true,
      color,
    });
    const target: HitTarget = { kind: 'button', id: b.id };
    if (sameTarget(focused, target)) outline(x - 3, y - 3, w + 6, bh + 6, COLORS.focus, 2);
    if (enabled) hits.push({ target, x, y, width: w, height: bh });
    x += w + BUTTON_GAP_PX;
  });
  y += bh + PADDING_PX;
  return { width, height: Math.ceil(y), ops, hits };
}

/** The area under a click, or null. */
export function hitAt(layout: Layout, x: number, y: number): HitTarget | null {
  for (const h of layout.hits) {
    if (x >= h.x && x < h.x + h.width && y >= h.y && y < h.y + h.height) return h.target;
  }
  return null;
}
