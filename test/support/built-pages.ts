/**
 * The built pages for the support-page tests: `vite build -c vite.pages.config.ts` into a fresh
 * temporary folder per test file (~2 s), so a test never serves a stale build and never races
 * another engineer's `npm run build` over dist/pages. The server under test gets this folder as
 * its `pagesDir`, exactly as `lifeline serve` gets dist/pages.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BuiltPages {
  dir: string;
  remove(): void;
}

export function buildPages(): BuiltPages {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-pages-'));
  const r = spawnSync(
    'npx',
    ['vite', 'build', '-c', 'vite.pages.config.ts', '--outDir', dir, '--logLevel', 'warn'],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (r.status !== 0 || !existsSync(join(dir, 'support', 'index.html'))) {
    throw new Error(`building the pages failed (${r.status}): ${r.stderr || r.stdout}`);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }) };
}
