/**
 * Where each native addon the helper loaded lives on disk. A worker thread cannot share the main
 * thread's copy of an addon: it loads the same file again (process.dlopen), so whoever loads an
 * addon from a path it chose (host/cli/sea-addon.ts in the executable, the tests' bundles)
 * records it here. Empty where addons load from node_modules.
 */
const files = new Map<string, string>();

export function recordAddonFile(addon: string, file: string): void {
  files.set(addon, file);
}

export function addonFile(addon: string): string | null {
  return files.get(addon) ?? null;
}
