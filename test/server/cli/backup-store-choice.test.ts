/**
 * `lifeline backup` and `restore` copy the SQLite file: with LIFELINE_STORE naming PostgreSQL they
 * refuse (exit 1, pointing at pg_dump) instead of backing up an empty file or putting an old one
 * back while the data lives in PostgreSQL. Nothing is written in the data folder either way.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../server/cli/cli-error';
import { backupCommand, restoreCommand } from '../../../server/cli/commands/backup-command';
import { STORE_ENV } from '../../../server/store/open-store';

let dir: string;
const io = { out: () => {}, err: () => {}, readSecret: async () => '' };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lifeline-backup-pg-'));
  process.env[STORE_ENV] = 'postgres://lifeline:secret@127.0.0.1:5/lifeline';
});
afterEach(() => {
  delete process.env[STORE_ENV];
  rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore with LIFELINE_STORE on PostgreSQL', () => {
  it.each([
    ['backup', backupCommand],
    ['restore', restoreCommand],
  ] as const)('%s refuses and names pg_dump, touching nothing', async (name, command) => {
    const data = join(dir, 'data');
    const error = await command([join(dir, 'copy.sqlite'), '--data', data], io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).message).toContain(`lifeline ${name} copies the SQLite database`);
    expect((error as CliError).message).toContain('pg_dump');
    expect((error as CliError).message).not.toContain('secret');
    expect(existsSync(data)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
