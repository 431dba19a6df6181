/**
 * The extension's identities as the repository builds it. The Chrome-family ID is derived from
 * MANIFEST_PUBLIC_KEY (first 32 hex digits of sha256(DER SPKI), mapped 0-f -> a-p), the public half
 * of the development signing key packaging/keys/development-extension-key.pem, which is public on
 * purpose (anyone may build and test; docs/deployment.md "Your own signing key" tells IT how to
 * sign with theirs, which gives another ID). test/packaging/signing-key.test.ts recomputes both
 * from the key file so they can never drift. The native host's manifests and the server's Origin
 * allowlist default to these; a build with another key carries its own IDs (packaging/).
 */

/** Base64 DER SPKI public key placed in the Chrome manifest's `key` field. */
export const MANIFEST_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuZ48TKkMC27ZUYn7R3cSGStz70lt4hemT41gwnOurbFY9eKyJL7DFQsbJUIyErv1Kqtnp+RjJu1SZv/rOsXUhm4/0GBepkl8OaemVUtYiDNXazHo2jZk+bHHr8n5xEHxI+1/DWtiTgatdX65apfWMHQe0mq6HC/xoDzbW7+QrEuB2rLexrskzdguO/YfarIvZEIowNOYunLR2tm9P7l2yMHHQ5Nhk7dUQdRRPlho4SXTfBaq8HpshGV5WIrtHErp4WmQXzoUpf2Yk0k/jKBK1/xgP/hD6BaHccIJ2hZIXYwX5MEhogsM18eP8JXzbg9Yo8DuYd13WeUdX/sVorJ39QIDAQAB';

/** Extension ID that Chrome, Chromium and Edge give the unpacked or packed extension. */
export const CHROME_EXTENSION_ID = 'goajcfhadlodllfbmdgmlpedmbjdmojp';

/** Firefox add-on ID (browser_specific_settings.gecko.id). */
export const FIREFOX_EXTENSION_ID = 'agent@lifeline-support.dev';

/** Origin of the Chrome-family extension pages, as sent in WebSocket upgrades. */
export const CHROME_EXTENSION_ORIGIN = `chrome-extension://${CHROME_EXTENSION_ID}`;

/** Name of the native-messaging host (lowercase, dots and underscores only, per the browsers). */
export const NATIVE_HOST_NAME = 'dev.lifeline_support.helper';
