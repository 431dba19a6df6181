/**
 * GET /downloads/helper/:system: the standalone helper for customers without the extension.
 * Windows (x64) is the single executable scripts/build-sea.mjs builds (lifeline-helper.exe);
 * Linux (x64) the archive scripts/package-helper.mjs builds. Other systems get a page that says
 * plainly that the helper does not run there yet (the FAQ's "OS not supported"), rather than a
 * file that would fail on the customer's machine; a system whose file is not built gets a 503
 * that tells the operator which command builds it.
 */
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml, sendHtml } from '../respond';
import type { Router } from '../router';

export const HELPER_ARCHIVE_NAME = 'lifeline-helper-linux-x64.tar.gz';

/** Each system's download: its file under the downloads folder, the name it is saved as, its type, and what builds it. */
const HELPER_FILES: Record<string, { file: string; name: string; type: string; build: string }> = {
  linux: {
    file: HELPER_ARCHIVE_NAME,
    name: HELPER_ARCHIVE_NAME,
    type: 'application/gzip',
    build: 'npm run build',
  },
  windows: {
    file: 'win-x64/lifeline-helper.exe',
    name: 'lifeline-helper.exe',
    type: 'application/vnd.microsoft.portable-executable',
    build: 'node scripts/build-sea.mjs --target win-x64',
  },
};

const SYSTEM_NAMES: Record<string, string> = { windows: 'Windows', macos: 'macOS', linux: 'Linux' };

function notAvailable(system: string): string {
  const name = SYSTEM_NAMES[system] ?? system;
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lifeline helper</title></head><body>` +
    `<h1>The Lifeline helper is not available for ${escapeHtml(name)} yet</h1>` +
    `<p>The helper runs on Windows 10 or later and on Linux with X11 for now. You can still chat with your agent on the support page; ` +
    `tell them which system you use.</p></body></html>`
  );
}

export function registerDownloadRoutes(router: Router, downloadsDir: string): void {
  router.add('GET', '/downloads/helper/:system', ({ res, params }) => {
    const system = params.system ?? '';
    const download = Object.hasOwn(HELPER_FILES, system) ? HELPER_FILES[system] : undefined;
    if (!download) {
      sendHtml(res, 404, notAvailable(system));
      return;
    }
    const file = join(downloadsDir, download.file);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      sendHtml(
        res,
        503,
        '<!doctype html><meta charset="utf-8"><title>Lifeline helper</title><p>The helper download is not built on this ' +
          `server yet. The operator should run <code>${escapeHtml(download.build)}</code>.</p>`,
      );
      return;
    }
    res.writeHead(200, {
      'Content-Type': download.type,
      'Content-Length': size,
      'Content-Disposition': `attachment; filename="${download.name}"`,
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
}
