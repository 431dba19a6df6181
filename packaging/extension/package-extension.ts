/**
 * `npm run build` step: the agent extension as packages the server hands out to IT.
 *
 *   .output/chrome-mv3   -> dist/downloads/extension/lifeline-agent.crx  (CRX3 signed with the build's key)
 *   .output/firefox-mv3  -> dist/downloads/extension/lifeline-agent.xpi  (zip; Firefox needs AMO's signature)
 *                        -> dist/downloads/extension/extension.json      (version, IDs, sizes, SHA-256)
 *
 * The Chrome build must carry the signing key's public half as its manifest `key` (wxt.config.ts
 * puts it there from the same key): a package whose key and manifest disagree would install under
 * one ID and be configured for another, so that is refused here. The server writes the update
 * manifests (updates.xml, updates.json) from extension.json per request.
 *
 * Release Firefox installs only add-ons Mozilla signed (AMO): with LIFELINE_SIGNED_XPI naming the
 * .xpi AMO returned for this build, that file is served instead of the unsigned zip, after checking
 * that its add-on ID and version are this build's.
 *
 *   node --import tsx packaging/extension/package-extension.ts
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CRX_FILE,
  ExtensionPackageInfo,
  PACKAGE_INFO_FILE,
  XPI_FILE,
} from '../../server/downloads/extension-packages';
import { writeCrx3 } from './crx3';
import { buildIdentity } from './build-identity';
import { loadSigningKey, REPOSITORY_ROOT, type SigningKey } from './signing-key';
import { zipFolder } from './zip-folder';

export interface PackageExtensionOptions {
  chromeDir?: string;
  firefoxDir?: string;
  outDir?: string;
  key?: SigningKey;
  env?: NodeJS.ProcessEnv;
}

/** A signed .xpi is the add-on's zip plus META-INF signatures; far larger is not ours. */
const MAX_SIGNED_XPI_BYTES = 64 * 1024 * 1024;

export class PackageExtensionError extends Error {}

interface BuiltManifest {
  version: string;
  key?: string;
  browser_specific_settings?: { gecko?: { id?: string } };
}

function readManifest(dir: string): BuiltManifest {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BuiltManifest;
  } catch {
    throw new PackageExtensionError(
      `${dir}/manifest.json is missing: build the extension first (npx wxt build)`,
    );
  }
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes to a temporary name, then renames: the server never serves half a package. */
function writeAtomically(path: string, data: Uint8Array | string): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

function readSignedXpi(file: string, firefoxId: string, version: string): Buffer {
  let data: Buffer;
  try {
    if (statSync(file).size > MAX_SIGNED_XPI_BYTES) throw new Error('too large for an add-on');
    data = readFileSync(file);
  } catch (err) {
    throw new PackageExtensionError(
      `LIFELINE_SIGNED_XPI ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  let manifest: BuiltManifest;
  try {
    const entries = unzipSync(data, {
      filter: (f) => f.name === 'manifest.json' || f.name.startsWith('META-INF/'),
    });
    if (!Object.keys(entries).some((n) => n.startsWith('META-INF/')))
      throw new Error('it carries no signature (META-INF/)');
    manifest = JSON.parse(strFromU8(entries['manifest.json'] ?? new Uint8Array())) as BuiltManifest;
  } catch (err) {
    throw new PackageExtensionError(
      `LIFELINE_SIGNED_XPI ${file} is not a signed add-on: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const id = manifest.browser_specific_settings?.gecko?.id;
  if (id !== firefoxId || manifest.version !== version) {
    throw new PackageExtensionError(
      `LIFELINE_SIGNED_XPI ${file} is ${id ?? '(no ID)'} ${manifest.version}, this build is ${firefoxId} ${version}`,
    );
  }
  return data;
}

export function packageExtension(options: PackageExtensionOptions = {}): ExtensionPackageInfo {
  const chromeDir = options.chromeDir ?? join(REPOSITORY_ROOT, '.output/chrome-mv3');
  const firefoxDir = options.firefoxDir ?? join(REPOSITORY_ROOT, '.output/firefox-mv3');
  const outDir = options.outDir ?? join(REPOSITORY_ROOT, 'dist/downloads/extension');
  const key = options.key ?? loadSigningKey();
  const identity = buildIdentity(options.env ?? process.env, key);

  const chromeManifest = readManifest(chromeDir);
  if (chromeManifest.key !== key.manifestKey) {
    throw new PackageExtensionError(
      `${chromeDir} was built with another key than ${key.file}: run the build again with the same LIFELINE_EXTENSION_KEY`,
    );
  }
  const firefoxManifest = readManifest(firefoxDir);
  const firefoxId = firefoxManifest.browser_specific_settings?.gecko?.id;
  if (firefoxId !== identity.firefoxId) {
    throw new PackageExtensionError(
      `${firefoxDir} has the add-on ID ${firefoxId ?? '(none)'}, expected ${identity.firefoxId}: build it again`,
    );
  }
  if (firefoxManifest.version !== chromeManifest.version) {
    throw new PackageExtensionError(
      'the Chrome and Firefox builds have different versions: build both again',
    );
  }

  const crx = writeCrx3(zipFolder(chromeDir), key);
  const signedXpi = (options.env ?? process.env).LIFELINE_SIGNED_XPI;
  const xpi = signedXpi
    ? readSignedXpi(signedXpi, identity.firefoxId, firefoxManifest.version)
    : zipFolder(firefoxDir);
  mkdirSync(outDir, { recursive: true });
  writeAtomically(join(outDir, CRX_FILE), crx);
  writeAtomically(join(outDir, XPI_FILE), xpi);
  const info = ExtensionPackageInfo.parse({
    version: chromeManifest.version,
    chrome: { id: key.extensionId, file: CRX_FILE, bytes: crx.length, sha256: sha256(crx) },
    firefox: { id: identity.firefoxId, file: XPI_FILE, bytes: xpi.length, sha256: sha256(xpi) },
    developmentKey: key.development,
  });
  writeAtomically(join(outDir, PACKAGE_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const info = packageExtension();
    const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
    console.log(
      `extension packages: ${CRX_FILE} (${kib(info.chrome.bytes)}, ID ${info.chrome.id}), ${XPI_FILE} (${kib(info.firefox.bytes)}, ID ${info.firefox.id})`,
    );
    if (info.developmentKey) {
      console.log(
        '  signed with the repository development key (public): for production set LIFELINE_EXTENSION_KEY (docs/deployment.md)',
      );
    }
  } catch (err) {
    console.error(`extension packages: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
