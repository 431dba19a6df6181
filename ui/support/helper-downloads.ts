/**
 * Where the page sends a customer to download the one-time helper, per system, and what they
 * will see once it is downloaded (the file's name, and for an archive the program to double-click
 * in it: the page's instructions name exactly those). The files are served by the Lifeline server
 * under HELPER_DOWNLOAD_BASE (same origin, so the page's CSP and the customer's trust both hold);
 * with the request's ticket in the address the download is bound to the request, and the helper
 * joins with nothing typed (server/http/routes/download-routes.ts).
 */
import type { OsId } from './detect-os';

export const HELPER_DOWNLOAD_BASE = '/downloads/helper';

export interface HelperDownload {
  /** The name the browser saves the download as (the server's Content-Disposition). */
  file: string;
  /** In an archive: the program inside it to double-click; null when the file itself runs. */
  program: string | null;
}

/** Systems with a helper build, in the order the "other systems" list shows them. */
export const HELPER_DOWNLOADS = {
  windows: { file: 'lifeline-helper.exe', program: null },
  linux: { file: 'lifeline-helper-linux-x64.tar.xz', program: 'lifeline-helper' },
} as const satisfies Partial<Record<OsId, HelperDownload>>;

export type HelperSystem = keyof typeof HELPER_DOWNLOADS;
export const HELPER_SYSTEMS = Object.keys(HELPER_DOWNLOADS) as HelperSystem[];

export function hasHelper(os: OsId): os is HelperSystem {
  return Object.hasOwn(HELPER_DOWNLOADS, os);
}

/** The download for `os`; bound to the request when its ticket is given. */
export function helperDownloadUrl(os: HelperSystem, ticket?: string | null): string {
  const base = `${HELPER_DOWNLOAD_BASE}/${os}`;
  return ticket ? `${base}/${encodeURIComponent(ticket)}` : base;
}

/** "123456789" -> "123 456 789": easier to read aloud and to type. */
export function groupJoinCode(code: string): string {
  const digits = code.replace(/\D/g, '');
  return digits.replace(/(\d{3})(?=\d)/g, '$1 ');
}
