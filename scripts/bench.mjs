#!/usr/bin/env node
// `npm run bench`: every benchmark under bench/, one after the other (they measure against a
// baseline in the same run and print ratios; they are not tests and assert nothing).
// Extra arguments pick benchmarks by file name, e.g. `npm run bench -- screen`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return find(p);
    return name.endsWith('-bench.ts') ? [p] : [];
  });
}

const filters = process.argv.slice(2);
const benches = find('bench').filter((p) => filters.length === 0 || filters.some((f) => p.includes(f)));
if (benches.length === 0) {
  console.error('no benchmark matched');
  process.exit(1);
}
for (const file of benches) {
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`benchmark failed: ${file} (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}
