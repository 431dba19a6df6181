// Builds the pages the server serves (server/app.ts): the customer's support page, the first-run
// setup page and the management center, from server/pages/* into dist/pages/, with every script
// and style in its own file under assets/ so the pages' strict CSP (script-src 'self',
// style-src 'self', no inline code: server/http/security-headers.ts) holds. The module preload
// polyfill is off because Vite would inline it; every browser we support preloads natively.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, 'server/pages');

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  plugins: [preact()],
  build: {
    outDir: resolve(here, 'dist/pages'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Never inline assets as data: URLs into scripts or styles (fonts and images stay files).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: true,
    sourcemap: false,
    target: 'es2022',
    rollupOptions: {
      input: {
        support: resolve(root, 'support/index.html'),
        setup: resolve(root, 'setup/index.html'),
        manage: resolve(root, 'manage/index.html'),
        activate: resolve(root, 'activate/index.html'),
      },
    },
  },
});
