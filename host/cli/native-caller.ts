/**
 * Recognises a launch by a browser's native messaging, from the arguments the browser passes:
 *   - Chrome, Chromium, Edge: argv[0] = the caller's origin, `chrome-extension://ID/`
 *     (on Windows a `--parent-window=N` follows);
 *   - Firefox: argv[0] = absolute path of the host manifest, argv[1] = the add-on ID.
 * Returns null for any other command line (a person typing a command).
 */
import { isAbsolute } from 'node:path';
import { HELPER_EXTENSION_IDS } from '../manifest/extension-identity';

export interface NativeCaller {
  family: 'chromium' | 'firefox';
  /** The extension ID the browser named. */
  extensionId: string;
  /** True when it is our extension (the manifests allow only ours; this double-checks). */
  ours: boolean;
}

const CHROME_ORIGIN = /^chrome-extension:\/\/([a-p]{32})\/?$/;

export function nativeCaller(argv: readonly string[]): NativeCaller | null {
  const [first, second] = argv;
  if (first === undefined) return null;
  if (first.startsWith('chrome-extension://')) {
    const id = CHROME_ORIGIN.exec(first)?.[1] ?? first.slice('chrome-extension://'.length, 200);
    return { family: 'chromium', extensionId: id, ours: id === HELPER_EXTENSION_IDS.chrome };
  }
  if (second !== undefined && isAbsolute(first) && first.endsWith('.json') && !second.startsWith('-')) {
    return {
      family: 'firefox',
      extensionId: second.slice(0, 200),
      ours: second === HELPER_EXTENSION_IDS.firefox,
    };
  }
  return null;
}
