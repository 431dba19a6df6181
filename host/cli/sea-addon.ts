/**
 * Loads a native addon shipped inside the helper's single executable (scripts/build-sea.mjs puts
 * each addon's files in as SEA assets named "<addon>/<file>"). Node cannot dlopen from memory, so
 * the files are written once to a folder named after their content hash under the temporary
 * folder (a second helper reuses them; a different build gets its own folder, and a file in use
 * is never rewritten, which Windows would refuse) and the first one is loaded with
 * process.dlopen. A file already there is used only when its bytes are ours, in a folder that is
 * ours and that nobody else may write to (a shared /tmp could hold someone else's library under
 * our name); otherwise a fresh private folder is used. Files that sit beside the addon (libturbojpeg.so.0, found through $ORIGIN) are
 * written to the same folder.
 *
 * Only the bundle built for an executable reaches this file (the build's plugin substitutes it for
 * the addons' own loaders); the plain bundle loads addons from node_modules.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { recordAddonFile } from './addon-files';

interface SeaApi {
  isSea(): boolean;
  getRawAsset(key: string): ArrayBuffer;
  getAsset(key: string, encoding: string): string;
}

/** Length of the content hash in the folder's name, in hex digits. */
const HASH_DIGITS = 16;

/** Mode of the folder the addons are written to: only its owner may enter it. */
const PRIVATE_DIR_MODE = 0o700;

/** A real folder (no link) that this user owns and nobody else may write to, where modes mean that. */
function isPrivateDir(dir: string): boolean {
  const info = lstatSync(dir);
  if (!info.isDirectory()) return false;
  if (typeof process.getuid !== 'function') return true; // per-user %TEMP%: its ACL keeps others out
  return info.uid === process.getuid() && (info.mode & 0o022) === 0;
}

function seaApi(): SeaApi {
  return createRequire(import.meta.url)('node:sea') as SeaApi;
}

/**
 * `files` lists the addon's assets, the loadable one first; returns the addon's exports.
 * Throws with the addon's name when the executable does not carry it.
 */
export function loadSeaAddon(addon: string, files: readonly string[]): unknown {
  const sea = seaApi();
  const blobs = files.map((file) => {
    try {
      return { file, bytes: new Uint8Array(sea.getRawAsset(`${addon}/${file}`)) };
    } catch {
      throw new Error(
        `this executable does not carry ${addon}/${file}: rebuild it with scripts/build-sea.mjs`,
      );
    }
  });
  const hash = createHash('sha256');
  for (const b of blobs) hash.update(b.file).update(b.bytes);
  const shared = path.join(os.tmpdir(), `lifeline-${addon}-${hash.digest('hex').slice(0, HASH_DIGITS)}`);
  mkdirSync(shared, { recursive: true, mode: PRIVATE_DIR_MODE });
  const dir = isPrivateDir(shared) ? shared : mkdtempSync(path.join(os.tmpdir(), `lifeline-${addon}-`));
  for (const { file, bytes } of blobs) {
    const target = path.join(dir, file);
    if (existsSync(target) && Buffer.from(bytes).equals(readFileSync(target))) continue;
    // Written under a temporary name, then renamed: a helper starting beside us never loads half a file.
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, bytes);
    renameSync(temp, target);
  }
  const module = { exports: {} as unknown };
  const file = path.join(dir, blobs[0]!.file);
  process.dlopen(module, file);
  recordAddonFile(addon, file);
  return module.exports;
}
