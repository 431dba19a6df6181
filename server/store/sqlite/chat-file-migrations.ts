/**
 * Migrations of files sent through the chat (numbers 74-76, this area's range): a transcript line
 * may name a file (name, size, SHA-256; the bytes themselves are never in the database). The same
 * SQL runs on SQLite and PostgreSQL (postgres/migrations.ts lists it too). Never edit a released
 * migration: add one.
 */
import type { Migration } from './migrations';

export const CHAT_FILE_MIGRATIONS: readonly Migration[] = [
  {
    version: 74,
    name: 'chat lines: a file sent through the chat (JSON: id, name, size, sha256)',
    sql: `
      ALTER TABLE chat_lines ADD COLUMN file TEXT;
    `,
  },
];
