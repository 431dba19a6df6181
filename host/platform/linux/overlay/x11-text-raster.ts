/**
 * The pixels of a text annotation, drawn by the X server's own core fonts: the text is drawn
 * white on black into an off-screen pixmap, read back, and every lit pixel becomes part of the
 * region. Core fonts are bitmaps (never antialiased), so the overlay paints exactly these pixels
 * in the annotation's colour and the mask covers exactly them.
 *
 * Placement follows the viewer (canvas textBaseline 'top'): `at` is the top-left of the line, the
 * baseline is the font's ascent below it. Font: the X server's font closest to the size, a bold
 * proportional one first (the viewer draws semi-bold sans-serif), any font of that pixel size
 * next (servers scale scalable fonts to any size), then "fixed". Core fonts are Latin-1: other
 * characters are drawn as "?". One line; text past the desktop's right edge is not drawn.
 */
import type { Shape } from '../../../../protocol/data/annotations';
import type { Rect } from '../../types';
import { addLitSpans } from '../../../overlay/lit-spans';
import { RegionBuilder, type SpanRegion } from '../../../overlay/span-region';
import type { X11OverlayDisplay } from './x11-overlay-display';

/** Longest string in one PolyText8 item (the request's length byte; 255 means a font change). */
const TEXT_ITEM_MAX_CHARS = 254;
/** Widest pixmap drawn for a text, in pixels (X coordinates are 16-bit). */
const TEXT_PIXMAP_MAX_PX = 32_767;
const FALLBACK_FONT = 'fixed';

type TextShape = Extract<Shape, { kind: 'text' }>;

interface TextExtents {
  fontAscent: number;
  fontDescent: number;
  overallWidth: number;
  overallLeft: number;
  overallRight: number;
}

/** The text as the core fonts can draw it: Latin-1, control characters and others as "?". */
export function latin1Text(text: string): string {
  return text.replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '?');
}

/** XLFD patterns tried in order for a pixel size. */
export function fontPatterns(size: number): string[] {
  return [
    `-*-helvetica-bold-r-normal--${size}-*-*-*-p-*-iso8859-1`,
    `-*-*-bold-r-normal--${size}-*-*-*-p-*-iso8859-1`,
    `-*-*-bold-r-normal--${size}-*-*-*-*-*-iso8859-1`,
    `-*-*-medium-r-normal--${size}-*-*-*-*-*-iso8859-1`,
    `-*-*-*-r-*--${size}-*-*-*-*-*-iso8859-1`,
  ];
}

export class X11TextRaster {
  private readonly fonts = new Map<number, Promise<number>>();

  constructor(private readonly d: X11OverlayDisplay) {}

  /** The pixels of `shape` inside `bounds`, in desktop coordinates. */
  async rasterize(shape: TextShape, bounds: Rect): Promise<SpanRegion> {
    const d = this.d;
    const text = latin1Text(shape.text);
    const font = await this.font(shape.size);
    const ext = await d.call<TextExtents>('QueryTextExtents', (cb) =>
      d.client.QueryTextExtents(font, text, cb),
    );
    const left = Math.min(0, ext.overallLeft);
    const originX = shape.at[0] + left;
    const right = Math.max(ext.overallRight, ext.overallWidth);
    const width = Math.min(right - left, TEXT_PIXMAP_MAX_PX, bounds.x + bounds.width - originX);
    const height = ext.fontAscent + ext.fontDescent;
    const b = new RegionBuilder(bounds);
    if (width <= 0 || height <= 0) return b.build();
    const c = d.client;
    const pixmap = c.AllocID();
    const gc = c.AllocID();
    c.CreatePixmap(pixmap, d.root, d.screen.root_depth, width, height);
    c.CreateGC(gc, pixmap, { foreground: 0, font, graphicsExposures: 0 });
    c.PolyFillRectangle(pixmap, gc, [0, 0, width, height]);
    c.ChangeGC(gc, { foreground: 0xffffff });
    const items: string[] = [];
    for (let i = 0; i < text.length; i += TEXT_ITEM_MAX_CHARS)
      items.push(text.slice(i, i + TEXT_ITEM_MAX_CHARS));
    c.PolyText8(pixmap, gc, -left, ext.fontAscent, items);
    let data: Uint8Array;
    try {
      data = await d.getImage({ x: 0, y: 0, width, height }, pixmap);
    } finally {
      c.FreeGC(gc);
      c.FreePixmap(pixmap);
    }
    addLitSpans(b, data, width, height, originX, shape.at[1]);
    return b.build();
  }

  close(): void {
    for (const f of this.fonts.values()) {
      void f.then(
        (id) => {
          if (!this.d.closed) this.d.client.CloseFont(id);
        },
        () => undefined,
      );
    }
    this.fonts.clear();
  }

  private font(size: number): Promise<number> {
    let f = this.fonts.get(size);
    if (!f) {
      f = this.openFont(size);
      this.fonts.set(size, f);
    }
    return f;
  }

  private async openFont(size: number): Promise<number> {
    const d = this.d;
    let name = FALLBACK_FONT;
    for (const pattern of fontPatterns(size)) {
      const found = await d.call<string[]>('ListFonts', (cb) => d.client.ListFonts(pattern, 1, cb));
      if (found.length > 0 && found[0]) {
        name = found[0];
        break;
      }
    }
    const id = d.client.AllocID();
    d.client.OpenFont(id, name);
    return id;
  }
}
