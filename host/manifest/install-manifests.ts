/**
 * `lifeline-helper install` / `uninstall`: writes or removes the launcher and the host manifests
 * for the chosen browsers, per user or system-wide, or into one Chromium user-data-dir (what
 * Chromium reads when started with --user-data-dir, e.g. in tests). Where the system's browsers
 * find hosts through a registry (the backend's locations carry a `registryKey`), the key's default
 * value is set to the manifest file too. The launcher is what the backend says: a #!/bin/sh script
 * that runs Node on the bundle, or a copy of the helper's own single executable.
 *
 * Re-running is harmless: files whose content is already right are left alone ("unchanged"),
 * others are replaced atomically (write a temporary file, then rename). Uninstall removes only our
 * files: manifests named NATIVE_HOST_NAME and launchers carrying our marker, then our own launcher
 * folder if it is empty; never a browser's folder. The shared launcher stays while any manifest
 * of its scope still points at it.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
  readdirSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NATIVE_HOST_NAME } from '../../protocol/extension-ids';
import { ProtocolError } from '../../protocol/errors';
import {
  BROWSER_NAMES,
  familyOf,
  locationsFor,
  type BrowserFamily,
  type BrowserName,
  type InstallScope,
  type LocationContext,
  type NativeHostLocations,
} from './browser-locations';
import { MANIFEST_FILE_NAME, manifestText } from './host-manifest';
import {
  EXECUTABLE_LAUNCHER_NAME,
  isOurLauncher,
  LAUNCHER_FILE_NAME,
  launcherScript,
} from './launcher-script';

export interface ManifestTargetOptions {
  /** Explicit browsers, or 'detected' (those present for this scope). */
  browsers: readonly BrowserName[] | 'detected';
  scope: InstallScope;
  /** A Chromium user-data-dir: manifest and launcher go to DIR/NativeMessagingHosts only. */
  userDataDir?: string;
  ctx: LocationContext;
}

export interface InstallOptions extends ManifestTargetOptions {
  /** Absolute path of the Node executable the launcher script runs. */
  nodePath: string;
  /** Absolute path of the bundled helper (dist/host/lifeline-helper.mjs). */
  bundlePath: string;
  /**
   * The helper's own single executable (lifeline-helper.exe), where the system's launcher is a
   * copy of it; absent when the helper runs as Node + bundle.
   */
  executablePath?: string;
}

export interface FileChange {
  path: string;
  change: 'written' | 'unchanged' | 'removed';
  browser?: BrowserName;
}

export interface ManifestReport {
  files: FileChange[];
  /** Browsers asked for or detected-for but not handled, with the reason. */
  skipped: { browser: BrowserName; reason: string }[];
}

interface Target {
  browser: BrowserName;
  family: BrowserFamily;
  manifestPath: string;
  registryKey?: string;
}

interface Plan {
  targets: Target[];
  launcherPath: string;
  skipped: ManifestReport['skipped'];
  locations: NativeHostLocations | null;
}

const MANIFEST_MODE = 0o644;
const LAUNCHER_MODE = 0o755;
const DIR_MODE = 0o755;

function plan(options: ManifestTargetOptions, forUninstall: boolean): Plan {
  const { ctx, scope } = options;
  if (options.userDataDir !== undefined) {
    const browsers = options.browsers === 'detected' ? ['chromium' as const] : options.browsers;
    const firefox = browsers.find((b) => familyOf(b) === 'firefox');
    if (firefox) {
      throw new ProtocolError(
        'bad_request',
        '--user-data-dir is a Chromium-family option; Firefox reads ~/.mozilla (set HOME to isolate it)',
      );
    }
    const dir = join(options.userDataDir, 'NativeMessagingHosts');
    return {
      // One manifest serves every Chromium-family browser started with this user-data-dir.
      targets: [
        {
          browser: browsers[0] ?? 'chromium',
          family: 'chromium',
          manifestPath: join(dir, MANIFEST_FILE_NAME),
        },
      ],
      launcherPath: join(dir, LAUNCHER_FILE_NAME),
      skipped: [],
      locations: null,
    };
  }
  const locations = locationsFor(ctx);
  if (!locations) {
    throw new ProtocolError(
      'os_not_supported',
      `installing the native-messaging host on ${ctx.platform} is not automated: docs/deployment.md says what to set`,
    );
  }
  const skipped: ManifestReport['skipped'] = [];
  const targets: Target[] = [];
  const wanted = options.browsers === 'detected' ? BROWSER_NAMES : options.browsers;
  for (const browser of wanted) {
    const location = locations.manifest(browser, scope, ctx);
    if (options.browsers === 'detected' && !forUninstall && !existsSync(location.detect)) {
      skipped.push({ browser, reason: `not found (${location.detect} does not exist)` });
      continue;
    }
    targets.push({
      browser,
      family: familyOf(browser),
      manifestPath: join(location.dir, MANIFEST_FILE_NAME),
      ...(location.registryKey ? { registryKey: location.registryKey } : {}),
    });
  }
  const launcherName = locations.launcher === 'executable' ? EXECUTABLE_LAUNCHER_NAME : LAUNCHER_FILE_NAME;
  return {
    targets,
    launcherPath: join(locations.launcherDir(scope, ctx), launcherName),
    skipped,
    locations,
  };
}

export function installManifests(options: InstallOptions): ManifestReport {
  const { targets, launcherPath, skipped, locations } = plan(options, false);
  const copiesExecutable = locations?.launcher === 'executable';
  const source = copiesExecutable ? options.executablePath : options.bundlePath;
  if (copiesExecutable && !source) {
    throw new ProtocolError(
      'os_not_supported',
      'on this system the browsers start the helper as one executable: run `install` from lifeline-helper.exe',
    );
  }
  if (!source || !existsSync(source)) {
    throw new ProtocolError(
      'not_found',
      `the bundled helper ${source ?? options.bundlePath} does not exist: run \`npm run build\` first`,
    );
  }
  const files: FileChange[] = [];
  if (targets.length === 0) return { files, skipped };
  files.push(
    copiesExecutable
      ? copyIfChanged(source, launcherPath)
      : writeIfChanged(launcherPath, launcherScript(options.nodePath, options.bundlePath), LAUNCHER_MODE),
  );
  const registry = locations?.registry?.();
  for (const t of targets) {
    files.push({
      ...writeIfChanged(t.manifestPath, manifestText(t.family, launcherPath), MANIFEST_MODE),
      browser: t.browser,
    });
    if (t.registryKey && registry) {
      const same = registry.readDefault(t.registryKey) === t.manifestPath;
      if (!same) registry.writeDefault(t.registryKey, t.manifestPath);
      files.push({ path: t.registryKey, change: same ? 'unchanged' : 'written', browser: t.browser });
    }
  }
  return { files, skipped };
}

export function uninstallManifests(options: ManifestTargetOptions): ManifestReport {
  const { targets, launcherPath, skipped, locations } = plan(options, true);
  const files: FileChange[] = [];
  const registry = locations?.registry?.();
  for (const t of targets) {
    // A key is ours when it names our manifest file, wherever that file is now.
    if (t.registryKey && registry && registry.readDefault(t.registryKey)?.endsWith(MANIFEST_FILE_NAME)) {
      registry.remove(t.registryKey);
      files.push({ path: t.registryKey, change: 'removed', browser: t.browser });
    }
    if (readOurManifest(t.manifestPath) !== null) {
      removeFile(t.manifestPath);
      files.push({ path: t.manifestPath, change: 'removed', browser: t.browser });
      removeEmptyDir(dirname(t.manifestPath), locations);
    }
  }
  // Keep the shared launcher while a manifest of another browser (same scope) still uses it.
  const stillUsed =
    locations !== null &&
    BROWSER_NAMES.some((b) => {
      const m = readOurManifest(
        join(locations.manifest(b, options.scope, options.ctx).dir, MANIFEST_FILE_NAME),
      );
      return m?.path === launcherPath;
    });
  if (!stillUsed && existsSync(launcherPath) && isLauncher(launcherPath, locations)) {
    removeFile(launcherPath);
    files.push({ path: launcherPath, change: 'removed' });
    const dir = dirname(launcherPath);
    if (options.userDataDir === undefined && readdirSync(dir).length === 0) rmdirSync(dir);
  }
  return { files, skipped };
}

/** Our launcher: the script with our marker, or the executable in our own launcher folder. */
function isLauncher(path: string, locations: NativeHostLocations | null): boolean {
  if (locations?.launcher === 'executable') return path.endsWith(EXECUTABLE_LAUNCHER_NAME);
  return isOurLauncher(readFileSync(path, 'utf8'));
}

/** Removes a per-browser manifest folder we made (the executable kind keeps one per browser). */
function removeEmptyDir(dir: string, locations: NativeHostLocations | null): void {
  if (locations?.launcher !== 'executable') return;
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // not ours to worry about
  }
}

/** Copies the helper's executable unless an identical copy is already there. */
function copyIfChanged(source: string, path: string): FileChange {
  try {
    if (resolve(source) === resolve(path)) return { path, change: 'unchanged' };
    if (existsSync(path) && readFileSync(path).equals(readFileSync(source)))
      return { path, change: 'unchanged' };
    mkdirSync(dirname(path), { recursive: true, mode: DIR_MODE });
    const temp = `${path}.${process.pid}.tmp`;
    copyFileSync(source, temp);
    renameSync(temp, path);
    return { path, change: 'written' };
  } catch (err) {
    throw fileError('write', path, err);
  }
}

/** The manifest at `path` if it is ours (our host name), else null. Never throws on odd files. */
function readOurManifest(path: string): { path?: unknown } | null {
  if (!existsSync(path)) return null;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    if (!('name' in parsed) || parsed.name !== NATIVE_HOST_NAME) return null;
    return { path: 'path' in parsed ? parsed.path : undefined };
  } catch {
    return null;
  }
}

function writeIfChanged(path: string, content: string, mode: number): FileChange {
  try {
    if (existsSync(path) && readFileSync(path, 'utf8') === content) return { path, change: 'unchanged' };
    mkdirSync(dirname(path), { recursive: true, mode: DIR_MODE });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, content, { mode });
    renameSync(temp, path);
    return { path, change: 'written' };
  } catch (err) {
    throw fileError('write', path, err);
  }
}

function removeFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch (err) {
    throw fileError('remove', path, err);
  }
}

function fileError(action: string, path: string, err: unknown): ProtocolError {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const denied = code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
  return new ProtocolError(
    denied ? 'forbidden' : 'internal_error',
    denied
      ? `cannot ${action} ${path}: permission denied (a system-wide install needs an administrator: sudo lifeline-helper install --system, or an elevated prompt)`
      : `cannot ${action} ${path}: ${err instanceof Error ? err.message : String(err)}`,
  );
}
