/**
 * The extension's fixed identities. The Chrome-family ID is derived from MANIFEST_PUBLIC_KEY
 * (first 32 hex digits of sha256(DER SPKI), mapped 0-f -> a-p); a test recomputes it so the two
 * can never drift. The native host's manifests and the server's Origin allowlist are built from
 * these, so changing one here changes them everywhere.
 */

/** Base64 DER SPKI public key placed in the Chrome manifest's `key` field. */
export const MANIFEST_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAoxCUlUSbwh6yvUgiTMR/ivFddO44QQS/aKSzmNnb2tLIN4u6EOD8z+TYbiLmmshHhZmJt2mh3xAxSQSSs4vlqG93f67/7CZsosivmzk0GxfFq+BIPjaNylpbe1xr1FwzkZCLMEOsbpPvKkXstE5DW2WTFKm87+hsEuWmKGM0V6BWyyVzggJRZ27+ZwpYgcUSbnOaPpoHcSB8hwCx8R5xDvTkyPu5QPNl2GJB8uiYnXCJJBsMJvDWiwGHF3TWrleIqvxJQne6VSNEKclHy7qFNynErHNGQSSt61u1x3iTfYk++/F9bdb/6zRPpCXECTfVPGfPYSlF39+7AUdG8evYBQIDAQAB';

/** Extension ID that Chrome, Chromium and Edge give the unpacked or packed extension. */
export const CHROME_EXTENSION_ID = 'bbcijgdcnglbdeiacjmgomddlkpkadlg';

/** Firefox add-on ID (browser_specific_settings.gecko.id). */
export const FIREFOX_EXTENSION_ID = 'agent@lifeline-support.dev';

/** Origin of the Chrome-family extension pages, as sent in WebSocket upgrades. */
export const CHROME_EXTENSION_ORIGIN = `chrome-extension://${CHROME_EXTENSION_ID}`;

/** Name of the native-messaging host (lowercase, dots and underscores only, per the browsers). */
export const NATIVE_HOST_NAME = 'dev.lifeline_support.helper';
