/**
 * The pixels of a text annotation on Windows, drawn by GDI: the text is drawn white on black into
 * an off-screen bitmap with a font that is never antialiased, read back, and every lit pixel
 * becomes part of the region. Without antialiasing the overlay paints exactly these pixels in the
 * annotation's colour and the capture mask covers exactly them (as the X11 core fonts do).
 *
 * Placement follows the viewer (canvas textBaseline 'top', semi-bold sans-serif): `at` is the
 * top-left of the line's cell (GDI's default TA_TOP alignment), the size is the em height in
 * pixels (a negative CreateFontW height). Face: Segoe UI, Windows' interface font; where it is
 * missing (Wine) GDI picks the closest sans-serif by the family asked. One line; text past the
 * desktop's right edge is not drawn.
 */
import type { Shape } from '../../../protocol/data/annotations';
import { addLitSpans } from '../../overlay/lit-spans';
import { RegionBuilder, type SpanRegion } from '../../overlay/span-region';
import { ProtocolError } from '../../../protocol/errors';
import type { Rect } from '../types';
import { topDownBgrx } from './top-down-bgrx';
import { win32, type Handle } from './win32';

type TextShape = Extract<Shape, { kind: 'text' }>;

/** Widest bitmap drawn for a text, in pixels (a bound on memory whatever the text). */
const TEXT_BITMAP_MAX_PX = 8_192;
const FONT_FACE = 'Segoe UI';
const FW_SEMIBOLD = 600;
const DEFAULT_CHARSET = 1;
const OUT_DEFAULT_PRECIS = 0;
const CLIP_DEFAULT_PRECIS = 0;
/** Never antialiased: every pixel is fully the text's or not at all. */
const NONANTIALIASED_QUALITY = 3;
const VARIABLE_PITCH_SWISS = 0x02 | 0x20;
const TRANSPARENT = 1;
const WHITE = 0xffffff;
/** BitBlt raster operation that fills the destination with black (no source read). */
const BLACKNESS = 0x00000042;
const DIB_RGB_COLORS = 0;

export class GdiTextRaster {
  private readonly fonts = new Map<number, Handle>();

  /** The pixels of `shape` inside `bounds`, in desktop coordinates. */
  rasterize(shape: TextShape, bounds: Rect): SpanRegion {
    const { user32, gdi32 } = win32();
    const b = new RegionBuilder(bounds);
    const screenDc = user32.GetDC(null);
    if (!screenDc) throw new ProtocolError('unavailable', 'text drawing: Windows gave no device context');
    const dc = gdi32.CreateCompatibleDC(screenDc);
    let bitmap: Handle = null;
    try {
      gdi32.SelectObject(dc, this.font(shape.size));
      const extent = { cx: 0, cy: 0 };
      if (!gdi32.GetTextExtentPoint32W(dc, shape.text, shape.text.length, extent)) return b.build();
      const width = Math.min(extent.cx, TEXT_BITMAP_MAX_PX, bounds.x + bounds.width - shape.at[0]);
      const height = extent.cy;
      if (width <= 0 || height <= 0) return b.build();
      bitmap = gdi32.CreateCompatibleBitmap(screenDc, width, height);
      if (!bitmap) throw new ProtocolError('unavailable', 'text drawing: out of graphics memory');
      const previous = gdi32.SelectObject(dc, bitmap);
      gdi32.BitBlt(dc, 0, 0, width, height, null, 0, 0, BLACKNESS);
      gdi32.SetBkMode(dc, TRANSPARENT);
      gdi32.SetTextColor(dc, WHITE);
      gdi32.TextOutW(dc, 0, 0, shape.text, shape.text.length);
      gdi32.GdiFlush();
      // GetDIBits wants the bitmap out of every device context.
      gdi32.SelectObject(dc, previous);
      const data = new Uint8Array(width * height * 4);
      const lines = gdi32.GetDIBits(dc, bitmap, 0, height, data, topDownBgrx(width, height), DIB_RGB_COLORS);
      if (lines !== height)
        throw new ProtocolError('unavailable', 'text drawing: Windows returned no pixels');
      addLitSpans(b, data, width, height, shape.at[0], shape.at[1]);
      return b.build();
    } finally {
      if (bitmap) gdi32.DeleteObject(bitmap);
      gdi32.DeleteDC(dc);
      user32.ReleaseDC(null, screenDc);
    }
  }

  close(): void {
    const { gdi32 } = win32();
    for (const f of this.fonts.values()) gdi32.DeleteObject(f);
    this.fonts.clear();
  }

  private font(size: number): Handle {
    let f = this.fonts.get(size);
    if (!f) {
      f = win32().gdi32.CreateFontW(
        -size,
        0,
        0,
        0,
        FW_SEMIBOLD,
        0,
        0,
        0,
        DEFAULT_CHARSET,
        OUT_DEFAULT_PRECIS,
        CLIP_DEFAULT_PRECIS,
        NONANTIALIASED_QUALITY,
        VARIABLE_PITCH_SWISS,
        FONT_FACE,
      );
      if (!f) throw new ProtocolError('unavailable', `text drawing: no font of ${size} px`);
      this.fonts.set(size, f);
    }
    return f;
  }
}
