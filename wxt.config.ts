// Builds the agent extension: `wxt build` (Chrome/Edge MV3) and `wxt build -b firefox --mv3`.
// The Chrome manifest carries `key` so the extension ID is fixed (native-messaging manifests and
// the server's Origin allowlist depend on it); Firefox gets a fixed gecko id instead.
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { FIREFOX_EXTENSION_ID, MANIFEST_PUBLIC_KEY } from './protocol/extension-ids';

export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'extension',
  publicDir: 'extension/public',
  outDir: '.output',
  imports: false,
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: ['storage', 'notifications', 'alarms', 'nativeMessaging', 'offscreen'],
    host_permissions: ['http://*/*', 'https://*/*'],
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: FIREFOX_EXTENSION_ID, strict_min_version: '128.0' } } }
      : { key: MANIFEST_PUBLIC_KEY }),
  }),
});
