/**
 * Reads a canvas of a page as RGBA, as the person looking at it sees it before CSS scaling: the
 * pixels travel out of the page as base64 (a page cannot hand puppeteer a typed array).
 */
import type { Page } from 'puppeteer-core';

export interface CanvasPixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** The canvas's pixels; 0x0 with no data while it does not exist or has no size yet. */
export async function canvasPixels(page: Page, selector: string): Promise<CanvasPixels> {
  const r = await page.evaluate((sel: string) => {
    const c = document.querySelector<HTMLCanvasElement>(sel);
    if (!c || c.width === 0) return null;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let s = '';
    const CHUNK = 0x8000;
    for (let i = 0; i < d.length; i += CHUNK) s += String.fromCharCode(...d.subarray(i, i + CHUNK));
    return { width: c.width, height: c.height, b64: btoa(s) };
  }, selector);
  if (!r) return { width: 0, height: 0, data: new Uint8ClampedArray(0) };
  return { width: r.width, height: r.height, data: new Uint8ClampedArray(Buffer.from(r.b64, 'base64')) };
}
