// Builds the agent extension: `wxt build` (Chrome/Edge MV3) and `wxt build -b firefox --mv3`.
// The Chrome manifest carries `key`, the public half of the key that signs the .crx
// (packaging/extension/signing-key.ts: $LIFELINE_EXTENSION_KEY, else the repository's development
// key), so unpacked and packed copies have the same ID; Firefox gets a fixed gecko id instead
// ($LIFELINE_FIREFOX_EXTENSION_ID for IT's own, else ours). With $LIFELINE_PUBLIC_URL both
// manifests name the server's update manifests (update_url), so installed copies update from it.
// LIFELINE_E2E=1 makes the end-to-end test build in .output/e2e/ (see extension/lib/build-env.ts);
// a normal build never contains the test behaviour.
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { loadSigningKey } from './packaging/extension/signing-key';
import { buildIdentity } from './packaging/extension/build-identity';

const e2e = process.env.LIFELINE_E2E === '1';
const identity = buildIdentity(process.env, loadSigningKey());
// The screen viewer shares clipboard text both ways (read when its window gets focus, write when
// the customer copies something).
const VIEWER_PERMISSIONS = ['clipboardRead', 'clipboardWrite'];

export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'extension',
  publicDir: 'extension/public',
  outDir: e2e ? '.output/e2e' : '.output',
  imports: false,
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
    define: { 'import.meta.env.LIFELINE_E2E': JSON.stringify(e2e ? 'true' : 'false') },
  }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // Server address typed at sign-in (or set by policy): the login API needs host access to it.
    host_permissions: ['http://*/*', 'https://*/*'],
    // Firefox's MV3 default adds upgrade-insecure-requests, which turns ws:// into wss:// and
    // breaks servers on a company network without TLS; the rest is both browsers' default.
    content_security_policy: { extension_pages: "script-src 'self'; object-src 'self'" },
    ...(browser === 'firefox'
      ? {
          permissions: [
            'storage',
            'notifications',
            'alarms',
            'nativeMessaging',
            'scripting',
            ...VIEWER_PERMISSIONS,
          ],
          browser_specific_settings: {
            gecko: {
              id: identity.firefoxId,
              strict_min_version: '128.0',
              ...(identity.firefoxUpdateUrl ? { update_url: identity.firefoxUpdateUrl } : {}),
            },
          },
        }
      : {
          // Chrome 116 keeps a service worker alive while its WebSocket carries messages.
          minimum_chrome_version: '116',
          permissions: [
            'storage',
            'notifications',
            'alarms',
            'nativeMessaging',
            'scripting',
            'offscreen',
            ...VIEWER_PERMISSIONS,
          ],
          storage: { managed_schema: 'managed-schema.json' },
          key: identity.manifestKey,
          ...(identity.chromeUpdateUrl ? { update_url: identity.chromeUpdateUrl } : {}),
        }),
  }),
});
