/**
 * GET /downloads/helper/:system: the standalone helper for customers without the extension.
 * Linux (x64) is served as the archive scripts/package-helper.mjs builds; other systems get a
 * page that says plainly that the helper does not run there yet (the FAQ's "OS not supported"),
 * rather than a file that would fail on the customer's machine.
 */
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml, sendHtml } from '../respond';
import type { Router } from '../router';

export const HELPER_ARCHIVE_NAME = 'lifeline-helper-linux-x64.tar.gz';

const SYSTEM_NAMES: Record<string, string> = { windows: 'Windows', macos: 'macOS', linux: 'Linux' };

function notAvailable(system: string): string {
  const name = SYSTEM_NAMES[system] ?? system;
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lifeline helper</title></head><body>` +
    `<h1>The Lifeline helper is not available for ${escapeHtml(name)} yet</h1>` +
    `<p>The helper runs on Linux with X11 for now. You can still chat with your agent on the support page; ` +
    `tell them which system you use.</p></body></html>`
  );
}

export function registerDownloadRoutes(router: Router, downloadsDir: string): void {
  router.add('GET', '/downloads/helper/:system', ({ res, params }) => {
    const system = params.system ?? '';
    if (system !== 'linux') {
      sendHtml(res, 404, notAvailable(system));
      return;
    }
    const file = join(downloadsDir, HELPER_ARCHIVE_NAME);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      sendHtml(
        res,
        503,
        '<!doctype html><meta charset="utf-8"><title>Lifeline helper</title><p>The helper download is not built on this ' +
          'server yet. The operator should run <code>npm run build</code>.</p>',
      );
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'application/gzip',
      'Content-Length': size,
      'Content-Disposition': `attachment; filename="${HELPER_ARCHIVE_NAME}"`,
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
}
