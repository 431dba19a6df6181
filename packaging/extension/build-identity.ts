/**
 * What one build of the extension is called and where it updates from, decided once from the
 * environment and the signing key, and used by wxt.config.ts (the manifests), the packager (the
 * .crx, .xpi and extension.json the server reads) and the helper bundle (which extension may start
 * it). Keeping it in one place is what keeps the three in agreement.
 *
 *   LIFELINE_EXTENSION_KEY         RSA key file that signs the .crx (its public half = the Chrome ID)
 *   LIFELINE_FIREFOX_EXTENSION_ID  the Firefox add-on ID (IT signing on AMO needs an ID of their own)
 *   LIFELINE_PUBLIC_URL            the server's address: the manifests get update_url from it
 */
import { FIREFOX_EXTENSION_ID } from '../../protocol/extension-ids';
import {
  CHROME_UPDATE_MANIFEST,
  EXTENSION_DOWNLOADS_PATH,
  FIREFOX_UPDATE_MANIFEST,
} from '../../server/downloads/extension-packages';
import type { SigningKey } from './signing-key';

/** Gecko IDs are an e-mail-like name or a {GUID}; AMO refuses anything else. */
const GECKO_ID =
  /^([A-Za-z0-9._+-]{1,80}@[A-Za-z0-9.-]{1,80}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$/;

export interface BuildIdentity {
  chromeId: string;
  manifestKey: string;
  developmentKey: boolean;
  firefoxId: string;
  /** Absolute update manifest URLs, when LIFELINE_PUBLIC_URL was given. */
  chromeUpdateUrl?: string;
  firefoxUpdateUrl?: string;
}

export class BuildIdentityError extends Error {}

export function buildIdentity(env: NodeJS.ProcessEnv, key: SigningKey): BuildIdentity {
  const firefoxId = env.LIFELINE_FIREFOX_EXTENSION_ID || FIREFOX_EXTENSION_ID;
  if (!GECKO_ID.test(firefoxId)) {
    throw new BuildIdentityError(
      `LIFELINE_FIREFOX_EXTENSION_ID "${firefoxId}" is not a Firefox add-on ID (name@domain or {GUID})`,
    );
  }
  const identity: BuildIdentity = {
    chromeId: key.extensionId,
    manifestKey: key.manifestKey,
    developmentKey: key.development,
    firefoxId,
  };
  const publicUrl = env.LIFELINE_PUBLIC_URL;
  if (publicUrl) {
    let origin: string;
    try {
      const u = new URL(publicUrl);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
      origin = u.origin;
    } catch {
      throw new BuildIdentityError(`LIFELINE_PUBLIC_URL "${publicUrl}" is not an http(s) address`);
    }
    identity.chromeUpdateUrl = `${origin}${EXTENSION_DOWNLOADS_PATH}/${CHROME_UPDATE_MANIFEST}`;
    identity.firefoxUpdateUrl = `${origin}${EXTENSION_DOWNLOADS_PATH}/${FIREFOX_UPDATE_MANIFEST}`;
  }
  return identity;
}
