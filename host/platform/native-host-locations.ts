/**
 * Where one system's browsers look for native-messaging hosts, as a backend supplies it
 * (host/platform/<os>/). Linux and macOS read a file NAME.json in a folder; Windows reads a
 * registry key whose default value is the path of that file. The installer
 * (host/manifest/install-manifests.ts) writes what this describes and nothing else.
 */
export const BROWSER_NAMES = ['chrome', 'chromium', 'edge', 'firefox'] as const;
export type BrowserName = (typeof BROWSER_NAMES)[number];
export type InstallScope = 'user' | 'system';

export interface LocationContext {
  /** process.platform: which backend's locations apply. */
  platform: string;
  home: string;
  /** Prefix for system paths ("/" normally; a temporary folder in tests). */
  root: string;
  /** The environment, where the system's folders come from it (%LOCALAPPDATA% on Windows). */
  env?: Record<string, string | undefined>;
}

export interface ManifestLocation {
  browser: BrowserName;
  /** Folder that holds NAME.json. */
  dir: string;
  /** Exists when the browser is present for this scope. */
  detect: string;
  /** Registry key (under HKCU or HKLM) whose default value must name the manifest file. */
  registryKey?: string;
}

/** The registry, where a system keeps native-host registrations there (Windows). */
export interface NativeHostRegistry {
  /** The key's default value, or null when the key does not exist. */
  readDefault(key: string): string | null;
  /** Creates the key if needed and sets its default value (a string). */
  writeDefault(key: string, value: string): void;
  /** Deletes the key (which has no subkeys); nothing when it does not exist. */
  remove(key: string): void;
}

export interface NativeHostLocations {
  manifest(browser: BrowserName, scope: InstallScope, ctx: LocationContext): ManifestLocation;
  /** The folder that holds the launcher every manifest points at (one per scope). */
  launcherDir(scope: InstallScope, ctx: LocationContext): string;
  /**
   * What the manifests point at: 'script' is a #!/bin/sh launcher that runs Node on the bundled
   * helper; 'executable' is a copy of the helper's own single executable (lifeline-helper.exe).
   */
  launcher: 'script' | 'executable';
  /** Opens the registry the manifest locations' `registryKey`s are written to. */
  registry?(): NativeHostRegistry;
}
