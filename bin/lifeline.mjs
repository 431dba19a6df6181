#!/usr/bin/env node
// The `lifeline` command (server and administration). Runs the TypeScript sources through tsx so
// that what runs is always what is checked in; the server starts once, so the ~0.5 s is paid once.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
