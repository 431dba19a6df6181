/**
 * A long local web page that looks like what customers have on screen: headings and paragraphs
 * of anti-aliased text, a table, a form field, and photos. The photos are generated here
 * (deterministic, seeded: smooth light and colour fields with grain and sharp edges, thousands
 * of colours per 64x64 tile, like a camera picture) and written as 24-bit BMP files, which
 * Chromium shows without any codec of ours. Used by the exact-picture e2e test (short page) and
 * by the GUI desktop of bench/screen/ (long page).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../host/screen/synthetic';

export interface PhotoPageOptions {
  /** Sections, each a heading, two paragraphs and a photo; every third also has a table. */
  sections: number;
  /** Photo size in CSS pixels. */
  photoWidth?: number;
  photoHeight?: number;
  /** Seed of the photos and words (the same seed gives the same page). */
  seed?: number;
}

const WORDS = (
  'the customer sees an error when the invoice is saved and the agent asks for the exact ' +
  'message on the screen before anything else is changed in the settings of the program ' +
  'remote support works through the browser with consent and every session is recorded ' +
  'printer network driver update folder document spreadsheet window password account'
).split(' ');

/** One photo as a bottom-up 24-bit BMP (rows padded to 4 bytes). */
export function photoBmp(width: number, height: number, seed: number): Buffer {
  const rand = rng(seed);
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const header = 54;
  const out = Buffer.alloc(header + rowBytes * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.byteLength, 2);
  out.writeUInt32LE(header, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(rowBytes * height, 34);
  // A few soft light blobs over a sky-to-ground gradient, a hard horizon and grain.
  const blobs = Array.from({ length: 5 }, () => ({
    x: rand() * width,
    y: rand() * height,
    r: 30 + rand() * 120,
    c: [rand() * 255, rand() * 255, rand() * 255] as const,
  }));
  const horizon = height * (0.4 + rand() * 0.3);
  // exp(-(dx² + dy²) / r²) = exp(-dx² / r²) * exp(-dy² / r²): one column table per blob.
  const columns = blobs.map((blob) =>
    Float64Array.from({ length: width }, (_, x) => Math.exp(-((x - blob.x) ** 2) / (blob.r * blob.r))),
  );
  const edge = Float64Array.from({ length: width }, (_, x) => horizon + 8 * Math.sin(x / 23));
  for (let y = 0; y < height; y++) {
    const o = header + (height - 1 - y) * rowBytes;
    const rows = blobs.map((blob) => Math.exp(-((y - blob.y) ** 2) / (blob.r * blob.r)) * 0.7);
    const sky = 1 - y / height;
    for (let x = 0; x < width; x++) {
      const ground = y > edge[x]!;
      let r = ground ? 70 + (1 - sky) * 60 : 120 + sky * 120;
      let g = ground ? 100 + (x / width) * 50 : 150 + sky * 80;
      let b = ground ? 40 : 200 + (x / width) * 40;
      for (let i = 0; i < blobs.length; i++) {
        const k = columns[i]![x]! * rows[i]!;
        const c = blobs[i]!.c;
        r += (c[0] - r) * k;
        g += (c[1] - g) * k;
        b += (c[2] - b) * k;
      }
      const grain = (rand() - 0.5) * 18;
      out[o + x * 3] = clamp(b + grain);
      out[o + x * 3 + 1] = clamp(g + grain);
      out[o + x * 3 + 2] = clamp(r + grain);
    }
  }
  return out;
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

function sentence(rand: () => number, words: number): string {
  const s = Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]!).join(' ');
  return s[0]!.toUpperCase() + s.slice(1) + '.';
}

/** Writes the page (index.html and its photos) into `dir`; returns the page's file:// URL. */
export function writePhotoPage(dir: string, options: PhotoPageOptions): string {
  mkdirSync(dir, { recursive: true });
  const seed = options.seed ?? 1;
  const pw = options.photoWidth ?? 480;
  const ph = options.photoHeight ?? 300;
  const rand = rng(seed);
  const parts: string[] = [];
  for (let s = 0; s < options.sections; s++) {
    const file = `photo-${s}.bmp`;
    writeFileSync(join(dir, file), photoBmp(pw, ph, seed * 1000 + s));
    parts.push(`<h2>${s + 1}. ${sentence(rand, 4)}</h2>`);
    parts.push(`<p>${sentence(rand, 30)} ${sentence(rand, 25)}</p>`);
    parts.push(
      `<figure><img src="${file}" width="${pw}" height="${ph}" alt=""><figcaption>${sentence(rand, 8)}</figcaption></figure>`,
    );
    parts.push(`<p class="note">${sentence(rand, 20)} <b>${sentence(rand, 5)}</b> ${sentence(rand, 18)}</p>`);
    if (s % 3 === 1) {
      const rows = Array.from(
        { length: 6 },
        (_, i) =>
          `<tr><td>${1000 + i * 7 + s}</td><td>${sentence(rand, 3)}</td><td>${(rand() * 1000).toFixed(2)} EUR</td><td>${i % 2 ? 'paid' : 'open'}</td></tr>`,
      ).join('');
      parts.push(
        `<table><thead><tr><th>Invoice</th><th>Item</th><th>Amount</th><th>State</th></tr></thead><tbody>${rows}</tbody></table>`,
      );
    }
  }
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Customer page</title>
<style>
  body { font: 16px/1.5 sans-serif; color: #222; background: #fdfdfb; margin: 24px 48px; }
  h1 { font: bold 30px serif; color: #1a3c6e; }
  h2 { font-size: 22px; color: #27496d; border-bottom: 1px solid #c8d3e0; }
  .note { color: #555; background: #f1f4f8; padding: 8px 12px; border-left: 4px solid #6a8fbf; }
  figure { margin: 12px 0; }
  figcaption { font: italic 14px serif; color: #666; }
  table { border-collapse: collapse; margin: 12px 0; }
  th, td { border: 1px solid #b7c3d0; padding: 4px 12px; }
  th { background: linear-gradient(#e9eef5, #d3dde9); }
  tr:nth-child(even) td { background: #f6f8fb; }
  input { font: 16px sans-serif; width: 420px; padding: 6px; }
</style></head>
<body><h1>Support desk: your order history</h1>
<p><label>Your message: <input id="message" autocomplete="off"></label></p>
${parts.join('\n')}
<p>End of the page.</p>
</body></html>
`;
  writeFileSync(join(dir, 'index.html'), html);
  return `file://${join(dir, 'index.html')}`;
}
