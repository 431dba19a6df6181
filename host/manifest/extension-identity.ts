/**
 * Which extension this helper belongs to: the IDs its native-messaging manifests allow and its
 * caller check accepts. A helper bundled by `npm run build` carries the IDs of the extension built
 * with it (scripts/bundle-host.mjs defines __LIFELINE_EXTENSION_IDS__ from
 * dist/downloads/extension/extension.json), so a build signed with IT's own key gives a helper
 * that trusts that key's ID; run from the sources (tests) it is the repository's IDs.
 */
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../../protocol/extension-ids';

declare const __LIFELINE_EXTENSION_IDS__: { chrome: string; firefox: string } | undefined;

export interface ExtensionIds {
  chrome: string;
  firefox: string;
}

export const HELPER_EXTENSION_IDS: ExtensionIds =
  typeof __LIFELINE_EXTENSION_IDS__ === 'object' && __LIFELINE_EXTENSION_IDS__ !== null
    ? { chrome: __LIFELINE_EXTENSION_IDS__.chrome, firefox: __LIFELINE_EXTENSION_IDS__.firefox }
    : { chrome: CHROME_EXTENSION_ID, firefox: FIREFOX_EXTENSION_ID };
