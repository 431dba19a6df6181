/**
 * Where the page sends a customer to download the one-time helper, per system, and the command
 * that starts it with the join code. The files are served by the Lifeline server under
 * HELPER_DOWNLOAD_BASE (same origin, so the page's CSP and the customer's trust both hold).
 */
import type { OsId } from './detect-os';

export const HELPER_DOWNLOAD_BASE = '/downloads/helper';

/** Systems with a helper build, in the order the "other systems" list shows them. */
export const HELPER_SYSTEMS = ['windows', 'macos', 'linux'] as const satisfies readonly OsId[];
export type HelperSystem = (typeof HELPER_SYSTEMS)[number];

export function hasHelper(os: OsId): os is HelperSystem {
  return (HELPER_SYSTEMS as readonly string[]).includes(os);
}

export function helperDownloadUrl(os: HelperSystem): string {
  return `${HELPER_DOWNLOAD_BASE}/${os}`;
}

/** The standalone helper's command line for this server and code (shown for terminal users). */
export function helperCommand(serverOrigin: string, joinCode: string): string {
  return `lifeline-helper join ${joinCode} --server ${serverOrigin}`;
}

/** "123456789" -> "123 456 789": easier to read aloud and to type. */
export function groupJoinCode(code: string): string {
  const digits = code.replace(/\D/g, '');
  return digits.replace(/(\d{3})(?=\d)/g, '$1 ');
}
