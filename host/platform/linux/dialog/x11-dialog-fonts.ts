/**
 * The fonts of the helper's X dialogs: character-cell core fonts (every X server has them, so the
 * helper needs nothing installed), a Unicode one (iso10646-1, drawn with 16-bit text) when the
 * server has it, else the Latin-1 "fixed" every server builds in (French needs nothing more;
 * other characters are drawn as "?"). A regular and a bold face, same cell size where possible.
 */
import type { X11Connection } from '../x11-connection';
import type { FontMetrics } from './dialog-layout';

export interface DialogFont {
  id: number;
  /** True for an iso10646-1 font (PolyText16); false for Latin-1 (PolyText8). */
  unicode: boolean;
}

export interface DialogFonts {
  regular: DialogFont;
  bold: DialogFont;
  metrics: FontMetrics;
}

/** Tried in order; the first the server lists wins (`fixed` always exists). */
const REGULAR = [
  '-misc-fixed-medium-r-normal--15-*-*-*-c-*-iso10646-1',
  '-misc-fixed-medium-r-normal--14-*-*-*-c-*-iso10646-1',
  '-misc-fixed-medium-r-semicondensed--13-*-*-*-c-*-iso10646-1',
  '-misc-fixed-medium-r-normal--13-*-*-*-c-*-iso10646-1',
  '-*-*-medium-r-normal--15-*-*-*-c-*-iso8859-1',
];
const BOLD = [
  '-misc-fixed-bold-r-normal--15-*-*-*-c-*-iso10646-1',
  '-misc-fixed-bold-r-normal--14-*-*-*-c-*-iso10646-1',
  '-misc-fixed-bold-r-semicondensed--13-*-*-*-c-*-iso10646-1',
  '-misc-fixed-bold-r-normal--13-*-*-*-c-*-iso10646-1',
  '-*-*-bold-r-normal--15-*-*-*-c-*-iso8859-1',
];
const FALLBACK = 'fixed';

interface Opened extends DialogFont {
  cell: number;
  ascent: number;
  descent: number;
}

async function openFirst(conn: X11Connection, patterns: readonly string[]): Promise<Opened> {
  let name = FALLBACK;
  for (const pattern of patterns) {
    const found = await conn.call<string[]>('ListFonts', (cb) => conn.client.ListFonts(pattern, 1, cb));
    if (found[0]) {
      name = found[0];
      break;
    }
  }
  const id = conn.client.AllocID();
  conn.client.OpenFont(id, name);
  const ext = await conn.call<{ fontAscent: number; fontDescent: number; overallWidth: number }>(
    'QueryTextExtents',
    (cb) => conn.client.QueryTextExtents(id, 'M', cb),
  );
  return {
    id,
    unicode: /iso10646-1$/i.test(name),
    cell: Math.max(1, ext.overallWidth),
    ascent: ext.fontAscent,
    descent: ext.fontDescent,
  };
}

export async function openDialogFonts(conn: X11Connection): Promise<DialogFonts> {
  const regular = await openFirst(conn, REGULAR);
  let bold = await openFirst(conn, BOLD);
  if (bold.cell !== regular.cell || bold.unicode !== regular.unicode) {
    // A bold face of another size would break the layout's arithmetic: use the regular one.
    conn.client.CloseFont(bold.id);
    bold = regular;
  }
  return {
    regular: { id: regular.id, unicode: regular.unicode },
    bold: { id: bold.id, unicode: bold.unicode },
    metrics: { cell: regular.cell, boldCell: bold.cell, ascent: regular.ascent, descent: regular.descent },
  };
}

/** The text as `font` can draw it: BMP characters for Unicode fonts, Latin-1 otherwise; others "?". */
export function drawableText(text: string, font: DialogFont): string {
  // eslint-disable-next-line no-control-regex -- control characters are never drawn
  const noControl = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  if (font.unicode) return [...noControl].map((c) => (c.length > 1 ? '?' : c)).join('');
  return noControl.replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, (c) => (c === '\u2019' ? "'" : '?'));
}
