/**
 * The agent extension's packages as `npm run build` leaves them for the server
 * (packaging/extension/package-extension.ts writes them):
 *
 *   <downloads>/extension/lifeline-agent.crx   Chrome, Chromium, Edge (CRX3, signed)
 *   <downloads>/extension/lifeline-agent.xpi   Firefox (unsigned until AMO signs it)
 *   <downloads>/extension/extension.json       what they are: version, IDs, sizes, SHA-256
 *
 * extension.json is the one contract between the build and the server; it is read with a size
 * limit and validated like any input, and a file the server cannot use means "not built".
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

export const EXTENSION_FOLDER = 'extension';
/** Where the server serves them. */
export const EXTENSION_DOWNLOADS_PATH = `/downloads/${EXTENSION_FOLDER}`;
export const CHROME_UPDATE_MANIFEST = 'updates.xml';
export const FIREFOX_UPDATE_MANIFEST = 'updates.json';
export const PACKAGE_INFO_FILE = 'extension.json';
export const CRX_FILE = 'lifeline-agent.crx';
export const XPI_FILE = 'lifeline-agent.xpi';
/** extension.json is a few hundred bytes. */
const MAX_INFO_BYTES = 16 * 1024;

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const PackageFile = z.object({
  file: z.string().regex(/^[a-z0-9.-]{1,64}$/),
  bytes: z.number().int().nonnegative(),
  sha256: Sha256Hex,
});

export const ExtensionPackageInfo = z.object({
  /** The manifest version (dotted, 1-4 numbers): what update manifests announce. */
  version: z.string().regex(/^\d{1,9}(\.\d{1,9}){0,3}$/),
  chrome: PackageFile.extend({ id: z.string().regex(/^[a-p]{32}$/) }),
  firefox: PackageFile.extend({ id: z.string().min(3).max(200) }),
  /** Signed with the repository's public development key (fine for trials, not for production). */
  developmentKey: z.boolean(),
});
export type ExtensionPackageInfo = z.infer<typeof ExtensionPackageInfo>;

export function extensionFolder(downloadsDir: string): string {
  return join(downloadsDir, EXTENSION_FOLDER);
}

/** The packages' description, or null when they are not built (or the file is not usable). */
export function readExtensionPackageInfo(downloadsDir: string): ExtensionPackageInfo | null {
  const file = join(extensionFolder(downloadsDir), PACKAGE_INFO_FILE);
  try {
    if (statSync(file).size > MAX_INFO_BYTES) return null;
    const parsed = ExtensionPackageInfo.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
