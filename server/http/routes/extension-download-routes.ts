/**
 * GET /downloads/extension/...: the agent extension for IT to push to agents' browsers.
 *
 *   lifeline-agent.crx   Chrome, Chromium, Edge package (application/x-chrome-extension)
 *   lifeline-agent.xpi   Firefox package (application/x-xpinstall)
 *   updates.xml          Chrome-family update manifest (gupdate): the policy's update URL
 *   updates.json         Firefox update manifest
 *
 * The update manifests are written per request from extension.json and the address this server
 * is reached at: --public-url when set (behind a reverse proxy, set it), else this request's Host
 * with this server's scheme. A Host that is not a plain host[:port] is refused rather than echoed
 * into a document browsers act on.
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  CHROME_UPDATE_MANIFEST,
  EXTENSION_DOWNLOADS_PATH,
  FIREFOX_UPDATE_MANIFEST,
  extensionFolder,
  readExtensionPackageInfo,
  type ExtensionPackageInfo,
} from '../../downloads/extension-packages';
import { chromeUpdateManifest, firefoxUpdateManifest } from '../../downloads/update-manifests';
import { sendError, sendJson } from '../respond';
import type { Router } from '../router';

const CRX_TYPE = 'application/x-chrome-extension';
const XPI_TYPE = 'application/x-xpinstall';
/** A Host header we are willing to write into an update manifest. */
const PLAIN_HOST = /^(\[[0-9a-fA-F:.]{2,45}\]|[A-Za-z0-9.-]{1,253})(:\d{1,5})?$/;

export interface ExtensionDownloadOptions {
  downloadsDir: string;
  /** --public-url, when the operator set it. */
  publicUrl?: string;
  /** 'https' when this server terminates TLS itself. */
  scheme: 'http' | 'https';
}

function notBuilt(res: ServerResponse): void {
  sendError(
    res,
    'unavailable',
    'the extension packages are not built on this server: the operator should run `npm run build`',
  );
}

function baseUrl(req: IncomingMessage, options: ExtensionDownloadOptions): string | null {
  if (options.publicUrl) return new URL(options.publicUrl).origin;
  const host = req.headers.host;
  return host && PLAIN_HOST.test(host) ? `${options.scheme}://${host}` : null;
}

function sendPackage(res: ServerResponse, path: string, type: string, name: string): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false;
  }
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': size,
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-cache',
  });
  createReadStream(path).pipe(res);
  return true;
}

type Serve = (info: ExtensionPackageInfo, req: IncomingMessage, res: ServerResponse) => void;

export function registerExtensionDownloadRoutes(router: Router, options: ExtensionDownloadOptions): void {
  const folder = extensionFolder(options.downloadsDir);
  const updateManifest =
    (write: (info: ExtensionPackageInfo, base: string, res: ServerResponse) => void): Serve =>
    (info, req, res) => {
      const base = baseUrl(req, options);
      if (!base) sendError(res, 'bad_request', 'the Host header is not a host name; set --public-url');
      else write(info, base, res);
    };
  const servePackage =
    (which: 'chrome' | 'firefox', type: string): Serve =>
    (info, _req, res) => {
      const name = info[which].file;
      if (!sendPackage(res, join(folder, name), type, name)) notBuilt(res);
    };
  /** File name -> what serves it; package names come from extension.json (always ours). */
  const table = (info: ExtensionPackageInfo): Record<string, Serve> => ({
    [info.chrome.file]: servePackage('chrome', CRX_TYPE),
    [info.firefox.file]: servePackage('firefox', XPI_TYPE),
    [CHROME_UPDATE_MANIFEST]: updateManifest((i, base, res) => {
      const xml = chromeUpdateManifest(i, base);
      res.writeHead(200, {
        'Content-Type': 'application/xml; charset=utf-8',
        'Content-Length': Buffer.byteLength(xml),
        'Cache-Control': 'no-cache',
      });
      res.end(xml);
    }),
    [FIREFOX_UPDATE_MANIFEST]: updateManifest((i, base, res) =>
      sendJson(res, 200, firefoxUpdateManifest(i, base)),
    ),
  });

  router.add('GET', `${EXTENSION_DOWNLOADS_PATH}/:file`, ({ req, res, params }) => {
    const info = readExtensionPackageInfo(options.downloadsDir);
    if (!info) {
      notBuilt(res);
      return;
    }
    const files = table(info);
    const file = params.file ?? '';
    const serve = Object.hasOwn(files, file) ? files[file] : undefined;
    if (serve) serve(info, req, res);
    else sendError(res, 'not_found', `no extension download named ${file}`);
  });
}
