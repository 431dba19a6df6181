#!/usr/bin/env node
// `npm run build`: everything a user or an end-to-end test loads, built from source.
//   - the agent extension for Chrome/Edge (MV3) and Firefox (MV3)   -> .output/
//   - the pages the server serves (support page, management center)  -> dist/pages/
//   - the helper bundled to one plain JS file (starts in ~0.1 s)       -> dist/host/
//   (the helper downloads for customers without the extension, one executable per system, are
//   scripts/build-sea.mjs: ~10 s each, so `npm start` builds them when stale, not every build)
//   - the extension packages IT pushes (.crx signed, .xpi, extension.json) -> dist/downloads/extension/
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const steps = [
  ['npx', ['wxt', 'build']],
  ['npx', ['wxt', 'build', '-b', 'firefox', '--mv3']],
];
if (existsSync('vite.pages.config.ts')) steps.push(['npx', ['vite', 'build', '-c', 'vite.pages.config.ts']]);
steps.push(
  ['node', ['--import', 'tsx', 'packaging/extension/package-extension.ts']],
  ['node', ['scripts/bundle-host.mjs']],
);

for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`build failed: ${cmd} ${args.join(' ')}`);
    process.exit(r.status ?? 1);
  }
}
