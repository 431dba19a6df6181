/**
 * What a chat file's card says and offers (ui/chat/chat-file-status.ts), for both sides, in every
 * state the server can report and with what the browser is doing; and that every key it can
 * return has words in the pages' and the extension's catalogs, in English and French.
 */
import { describe, expect, it } from 'vitest';
import type { ChatFileView } from '../../../protocol/chat-file';
import { FILE_STATUS_KEYS, fileStatus } from '../../../ui/chat/chat-file-status';
import pagesEn from '../../../ui/i18n/catalogs/en.json';
import pagesFr from '../../../ui/i18n/catalogs/fr.json';
import extEn from '../../../extension/public/_locales/en/messages.json';
import extFr from '../../../extension/public/_locales/fr/messages.json';

const file = (patch: Partial<ChatFileView>): ChatFileView => ({
  id: 'a'.repeat(32),
  name: 'log.txt',
  size: 1000,
  sha256: 'b'.repeat(64),
  from: 'customer',
  state: 'offered',
  received: 0,
  ...patch,
});

describe('chat file status', () => {
  it('offers Accept/Decline to the agent and Withdraw to the customer while a file waits', () => {
    expect(fileStatus(file({}), undefined, 'agent')).toMatchObject({
      key: 'offered',
      actions: { answer: true },
    });
    expect(fileStatus(file({}), undefined, 'customer')).toMatchObject({
      key: 'waitingAnswer',
      actions: { answer: false, cancel: true },
    });
  });

  it('shows the upload from the sender and the arrival at the receiver, in percent', () => {
    const accepted = file({ state: 'accepted', received: 400 });
    expect(fileStatus(accepted, { phase: 'uploading', done: 250 }, 'customer')).toMatchObject({
      key: 'uploading',
      params: { percent: 25 },
      progress: { done: 250, total: 1000 },
    });
    expect(fileStatus(accepted, undefined, 'agent')).toMatchObject({
      key: 'arriving',
      params: { percent: 40 },
    });
    expect(
      fileStatus(accepted, { phase: 'failed', done: 0, error: 'unavailable' }, 'customer'),
    ).toMatchObject({
      key: 'uploadFailed',
      tone: 'error',
    });
  });

  it('gives the customer the agent’s reason for a decline', () => {
    const declined = file({ state: 'declined', reason: 'No programs, please.' });
    expect(fileStatus(declined, undefined, 'customer')).toMatchObject({
      key: 'declinedReason',
      params: { reason: 'No programs, please.' },
      tone: 'error',
    });
    expect(fileStatus(file({ state: 'declined' }), undefined, 'customer').key).toBe('declined');
    expect(fileStatus(declined, undefined, 'agent').key).toBe('declinedByYou');
  });

  it('lets the receiver download a ready file, and says whether the copy was checked or damaged', () => {
    const ready = file({ state: 'ready', from: 'agent', received: 1000 });
    expect(fileStatus(ready, undefined, 'customer')).toMatchObject({
      key: 'ready',
      actions: { download: true },
    });
    expect(fileStatus(ready, { phase: 'downloading', done: 500 }, 'customer')).toMatchObject({
      key: 'downloading',
      params: { percent: 50 },
    });
    expect(fileStatus(ready, { phase: 'saved', done: 1000 }, 'customer')).toMatchObject({
      key: 'saved',
      tone: 'ok',
    });
    expect(
      fileStatus(ready, { phase: 'failed', done: 0, error: 'checksum_mismatch' }, 'customer'),
    ).toMatchObject({ key: 'downloadDamaged', tone: 'error', actions: { download: true } });
    expect(fileStatus(ready, undefined, 'agent')).toMatchObject({
      key: 'sent',
      actions: { download: false },
    });
    expect(fileStatus(file({ state: 'delivered', from: 'agent' }), undefined, 'agent').key).toBe('delivered');
    expect(fileStatus(file({ state: 'failed', error: 'checksum_mismatch' }), undefined, 'customer').key).toBe(
      'damaged',
    );
  });

  it('has words for every key in both catalogs of both UIs', () => {
    for (const key of FILE_STATUS_KEYS) {
      for (const catalog of [pagesEn, pagesFr] as Record<string, string>[]) {
        expect(catalog[`chatFile.${key}`], key).toBeTruthy();
      }
      for (const catalog of [extEn, extFr] as Record<string, { message: string }>[]) {
        expect(catalog[`chatFile_${key}`]?.message, key).toBeTruthy();
      }
    }
  });
});
