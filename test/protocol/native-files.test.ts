/**
 * The native channel's file-transfer messages: host.files (the list the consent window shows)
 * and host.file_cancel (the customer's Stop), with their limits.
 */
import { describe, expect, it } from 'vitest';
import {
  ExtensionToHost,
  HostToExtension,
  NATIVE_FILE_NAME_MAX_CHARS,
  NATIVE_FILES_MAX,
  NATIVE_RESULTS,
} from '../../protocol/native-channel';
import { parseMessage } from '../../protocol/parse';
import { NATIVE_INBOUND_MAX_BYTES } from '../../protocol/limits';

const ID = '6f1c2a9e0b4d4e8f9a7b3c5d1e2f4a6b';
const entry = {
  id: ID,
  agentName: 'Alex Agent',
  direction: 'to_customer',
  name: 'report.pdf',
  folder: 'Documents',
  sizeBytes: 50_000_000,
  doneBytes: 21_000_000,
  phase: 'sending',
};
const files = (transfers: unknown[]) => HostToExtension.safeParse({ type: 'host.files', transfers });

describe('host.files', () => {
  it('accepts a list up to NATIVE_FILES_MAX entries, and no more', () => {
    expect(files([]).success).toBe(true);
    expect(files(Array.from({ length: NATIVE_FILES_MAX }, () => entry)).success).toBe(true);
    expect(files(Array.from({ length: NATIVE_FILES_MAX + 1 }, () => entry)).success).toBe(false);
  });

  it('accepts every phase, savedAs and a files-channel error code', () => {
    for (const phase of ['sending', 'checking', 'waiting', 'done', 'failed', 'cancelled'])
      expect(files([{ ...entry, phase }]).success, phase).toBe(true);
    expect(files([{ ...entry, phase: 'done', savedAs: 'report (1).pdf' }]).success).toBe(true);
    expect(files([{ ...entry, phase: 'failed', errorCode: 'no_space' }]).success).toBe(true);
    expect(files([{ ...entry, phase: 'failed', errorCode: 'session_ended' }]).success).toBe(false);
    expect(files([{ ...entry, phase: 'flying' }]).success).toBe(false);
  });

  it('refuses names over the display limit, bad ids, negative or fractional sizes, other directions', () => {
    expect(files([{ ...entry, name: 'x'.repeat(NATIVE_FILE_NAME_MAX_CHARS) }]).success).toBe(true);
    expect(files([{ ...entry, name: 'x'.repeat(NATIVE_FILE_NAME_MAX_CHARS + 1) }]).success).toBe(false);
    expect(files([{ ...entry, name: '' }]).success).toBe(false);
    expect(files([{ ...entry, folder: 'd'.repeat(NATIVE_FILE_NAME_MAX_CHARS + 1) }]).success).toBe(false);
    expect(files([{ ...entry, id: 'ABC' }]).success).toBe(false);
    expect(files([{ ...entry, sizeBytes: -1 }]).success).toBe(false);
    expect(files([{ ...entry, doneBytes: 1.5 }]).success).toBe(false);
    expect(files([{ ...entry, direction: 'sideways' }]).success).toBe(false);
    expect(files([{ ...entry, agentName: 'two\nlines' }]).success).toBe(false);
  });

  it('drops fields it does not declare', () => {
    const parsed = files([{ ...entry, path: '/home/someone/Documents/report.pdf' }]);
    expect(parsed.success && parsed.data.type === 'host.files' && 'path' in parsed.data.transfers[0]!).toBe(
      false,
    );
  });
});

describe('host.file_cancel', () => {
  it('carries one transfer id; anything else is refused with a code', () => {
    const ok = parseMessage(
      ExtensionToHost,
      JSON.stringify({ type: 'host.file_cancel', id: 'n5', fileId: ID }),
      NATIVE_INBOUND_MAX_BYTES,
    );
    expect(ok).toMatchObject({ ok: true, value: { type: 'host.file_cancel', fileId: ID } });
    const bad = parseMessage(
      ExtensionToHost,
      JSON.stringify({ type: 'host.file_cancel', id: 'n6', fileId: '../../etc/passwd' }),
      NATIVE_INBOUND_MAX_BYTES,
    );
    expect(bad).toMatchObject({ ok: false, code: 'invalid_message', id: 'n6' });
  });

  it('is answered with the same id', () => {
    expect(NATIVE_RESULTS['host.file_cancel'].safeParse({ fileId: ID }).success).toBe(true);
    expect(NATIVE_RESULTS['host.file_cancel'].safeParse({}).success).toBe(false);
  });
});
