/**
 * Serves the built pages (support page, management center) from the pages folder. Paths are
 * resolved inside that folder only (no `..`, no symlink escape by name), files are served with
 * their type and the page CSP, and a missing build gets a clear 503 telling how to build.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { ServerResponse } from 'node:http';
import { sendHtml } from './respond';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript; charset=utf-8',
};

export class StaticPages {
  private readonly root: string;

  constructor(pagesDir: string) {
    this.root = resolve(pagesDir);
  }

  get built(): boolean {
    return existsSync(this.root);
  }

  /** Serves `relPath` (inside the pages folder); false when there is no such file. */
  serveFile(res: ServerResponse, relPath: string): boolean {
    const clean = normalize(relPath).replace(/^([/\\])+/, '');
    if (clean.split(/[/\\]/).includes('..')) return false;
    const file = join(this.root, clean);
    if (!file.startsWith(this.root + sep)) return false;
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return false;
      size = st.size;
    } catch {
      return false;
    }
    const immutable = clean.startsWith('assets' + sep) || clean.startsWith('assets/');
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
    return true;
  }

  /** Serves a page's index.html, or a 503 page that says the pages are not built. */
  servePage(res: ServerResponse, page: string): void {
    if (this.serveFile(res, join(page, 'index.html'))) return;
    sendHtml(
      res,
      503,
      '<!doctype html><meta charset="utf-8"><title>Lifeline</title><p>This page is not built yet. ' +
        'The operator should run <code>npm run build</code> (or <code>npm start</code>, which builds first).</p>',
    );
  }
}
