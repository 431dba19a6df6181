#!/usr/bin/env node
// The `lifeline-helper` command: runs the BUNDLED helper (dist/host/lifeline-helper.mjs, plain JS,
// built by `npm run build`), never the TypeScript sources, so it starts as fast as a browser
// starting the native host. The bundle runs itself on import (main(process.argv.slice(2))).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/host/lifeline-helper.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('lifeline-helper: the helper is not built yet: run `npm run build` first\n');
  process.exit(1);
}
await import(bundle.href);
