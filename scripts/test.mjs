#!/usr/bin/env node
// `npm test`: every check and every test, in the order that fails fastest.
//   0. the Debian packages the suites need (scripts/system-packages.sh; a no-op when present)
//   1. type-check, lint, format (npm run check)
//   2. build what the end-to-end suites load (extension for both browsers, pages, helper bundle,
//      the helper executables and their compressed downloads: outside any test's time limit)
//   3. unit tests (parallel)      4. end-to-end suites (serial: real Xvfb and browsers)
// Extra arguments go to both vitest runs (e.g. `npm test -- test/server`).
import { spawnSync } from 'node:child_process';

const extra = process.argv.slice(2);
const steps = [
  ['bash', ['scripts/system-packages.sh']],
  ['npm', ['run', '--silent', 'check']],
  ['npm', ['run', '--silent', 'build']],
  ['node', ['scripts/build-sea.mjs', '--if-stale']],
  ['npx', ['vitest', 'run', '--project', 'unit', ...extra]],
  ['npx', ['vitest', 'run', '--project', 'e2e', '--passWithNoTests', ...extra]],
];
for (const [cmd, args] of steps) {
  console.log(`\n== ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n== failed: ${cmd} ${args.join(' ')} (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}
console.log('\n== all checks and tests passed');
