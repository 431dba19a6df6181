/**
 * Native mode and file transfers: the native host forwards the session's file notices as
 * host.files and cancels through host.file_cancel. The transfers are real (the viewer's core and
 * the helper's FileTransferService over the in-memory loopback, real files in a temporary home);
 * the controller is the in-memory one, given the loopback's service and its notices.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileNotice } from '../../../host/native/helper-controller';
import type { FileChooser } from '../../../host/platform/types';
import { LocalHelperController } from '../../../host/native/local-helper-controller';
import { NATIVE_EXIT_OK } from '../../../host/native/native-host';
import type { HostToExtension, NativeFileTransfer } from '../../../protocol/native-channel';
import { FILE_CHUNK_KIND } from '../../../protocol/data/files';
import { Loopback } from '../session/file-transfer/loopback';
import { frame } from './native-frames';
import { startHost } from './native-host-harness';

const OS = { os: { platform: 'linux', release: '6.1', arch: 'x64' }, supported: true };
const MiB = 1024 * 1024;

/** The in-memory controller with the loopback's file transfers, as the session client has them. */
class ControllerWithFiles extends LocalHelperController {
  private readonly noticeListeners = new Set<(n: FileNotice) => void>();
  private seen = 0;
  private answersSeen = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(readonly loop: Loopback | null) {
    super();
    // The loopback records its service's events; they are passed on as the session client does.
    this.timer = setInterval(() => {
      const events = this.loop?.events ?? [];
      for (; this.seen < events.length; this.seen++) {
        for (const l of this.noticeListeners) l({ type: 'file', transfer: events[this.seen]! });
      }
      const answers = this.loop?.offerAnswers ?? [];
      for (; this.answersSeen < answers.length; this.answersSeen++) {
        for (const l of this.noticeListeners) l({ type: 'file.offer', offer: answers[this.answersSeen]! });
      }
    }, 2);
  }

  get fileTransfers() {
    return this.loop?.service ?? null;
  }

  onNotice(listener: (n: FileNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  override async close(): Promise<void> {
    clearInterval(this.timer);
    await super.close();
  }
}

function startFilesHost(controller: ControllerWithFiles, chooser?: FileChooser) {
  const host = startHost(controller, OS, chooser ? { fileChooser: chooser, chooserTitle: 'Pick it' } : {});
  /** The latest listing of transfer `id` that satisfies `pred`. */
  async function listed(id: string, pred: (t: NativeFileTransfer) => boolean): Promise<NativeFileTransfer> {
    const m = await host.waitFor(
      (m) => m.type === 'host.files' && m.transfers.some((t) => t.id === id && pred(t)),
    );
    return (m as Extract<HostToExtension, { type: 'host.files' }>).transfers.find((t) => t.id === id)!;
  }
  return { ...host, listed };
}

let loop: Loopback | null = null;
afterEach(async () => {
  await loop?.close();
  loop = null;
});

describe('native host: file transfers in the consent window', () => {
  it('lists a file the agent sends, from its start to where it was saved', async () => {
    loop = new Loopback();
    const host = startFilesHost(new ControllerWithFiles(loop));
    const bytes = randomBytes(300_000);
    const id = loop.viewer.send(new Blob([bytes]), 'report.pdf', { place: 'Documents', dirs: [] });
    const first = await host.listed(id, () => true);
    expect(first).toMatchObject({
      agentName: 'Alex Agent',
      direction: 'to_customer',
      name: 'report.pdf',
      folder: 'Documents',
      sizeBytes: 300_000,
    });
    expect(['sending', 'checking', 'done']).toContain(first.phase);
    expect(await host.listed(id, (t) => t.phase === 'done')).toMatchObject({
      savedAs: 'report.pdf',
      doneBytes: 300_000,
    });
    expect(readFileSync(loop.path('Documents', 'report.pdf')).equals(bytes)).toBe(true);
    host.input.end();
    expect(await host.exit).toBe(NATIVE_EXIT_OK);
  });

  it('lists a copy from the customer as from_customer', async () => {
    loop = new Loopback();
    const host = startFilesHost(new ControllerWithFiles(loop));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(loop.path('Desktop', 'notes.txt'), 'hello');
    const id = loop.viewer.fetch({ place: 'Desktop', dirs: [] }, 'notes.txt', 5);
    expect(await host.listed(id, (t) => t.phase === 'done')).toMatchObject({
      direction: 'from_customer',
      name: 'notes.txt',
      folder: 'Desktop',
      sizeBytes: 5,
    });
    host.input.end();
    await host.exit;
  });

  it('host.file_cancel stops an upload in progress: the agent sees it cancelled, no partial file stays', async () => {
    loop = new Loopback({ viewerWindowBytes: MiB });
    // The link stalls after 2 MiB of chunks (as a slow network would), so the upload is still in
    // progress whenever the customer presses Stop: on loopback 20 MiB take a third of a second.
    let chunkBytes = 0;
    loop.toHelper = (p) => {
      if (p[0] !== FILE_CHUNK_KIND) return p;
      chunkBytes += p.byteLength;
      return chunkBytes > 2 * MiB ? null : p;
    };
    const host = startFilesHost(new ControllerWithFiles(loop));
    const id = loop.viewer.send(new Blob([randomBytes(20 * MiB)]), 'big.bin', {
      place: 'Documents',
      dirs: [],
    });
    await host.listed(id, (t) => t.phase === 'sending');
    const l0 = loop;
    await l0.until(() => readdirSync(l0.path('Documents')).length === 1, 'the partial file');
    host.input.write(frame({ type: 'host.file_cancel', id: 'fc1', fileId: id }));
    expect(await host.reply('fc1')).toEqual({ type: 'reply', id: 'fc1', result: { fileId: id } });
    expect((await host.listed(id, (t) => t.phase === 'cancelled')).phase).toBe('cancelled');
    const l = loop;
    await l.until(() => l.transfer(id)?.phase === 'cancelled', 'the agent told');
    await l.until(() => readdirSync(l.path('Documents')).length === 0, 'the partial file removed');
    // Asked again: it is over, so the answer is a code, not a second cancel.
    host.input.write(frame({ type: 'host.file_cancel', id: 'fc2', fileId: id }));
    expect(await host.reply('fc2')).toMatchObject({ type: 'error', code: 'not_found' });
    host.input.end();
    await host.exit;
  });

  it('answers an unknown id with not_found, and a malformed one with invalid_message', async () => {
    loop = new Loopback();
    const host = startFilesHost(new ControllerWithFiles(loop));
    host.input.write(frame({ type: 'host.file_cancel', id: 'u1', fileId: 'ab'.repeat(16) }));
    expect(await host.reply('u1')).toMatchObject({ type: 'error', id: 'u1', code: 'not_found' });
    host.input.write(frame({ type: 'host.file_cancel', id: 'u2', fileId: '../etc/passwd' }));
    expect(await host.reply('u2')).toMatchObject({ type: 'error', id: 'u2', code: 'invalid_message' });
    host.input.end();
    await host.exit;
  });

  it('answers not_found before any session (no file transfers yet)', async () => {
    const host = startFilesHost(new ControllerWithFiles(null));
    host.input.write(frame({ type: 'host.file_cancel', id: 'n1', fileId: 'cd'.repeat(16) }));
    expect(await host.reply('n1')).toMatchObject({ type: 'error', code: 'not_found' });
    expect(host.messages().some((m) => m.type === 'host.files')).toBe(false);
    host.input.end();
    await host.exit;
  });

  it('host.file_offer opens the chooser and offers the file; host.offer brings the answer; withdraw works', async () => {
    loop = new Loopback();
    const l = loop;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(l.path('Documents', 'invoice.pdf'), 'pdf');
    writeFileSync(l.path('Documents', 'b.txt'), 'b');
    const answers: (string | null | Error)[] = [l.path('Documents', 'invoice.pdf'), null, '/etc/passwd'];
    const asked: { title: string; startDir: string }[] = [];
    const chooser: FileChooser = {
      async choose(o) {
        asked.push(o);
        const a = answers.shift()!;
        if (a instanceof Error) throw a;
        return a;
      },
    };
    const host = startFilesHost(new ControllerWithFiles(l), chooser);
    host.input.write(frame({ type: 'host.file_offer', id: 'o1' }));
    expect(await host.reply('o1')).toEqual({
      type: 'reply',
      id: 'o1',
      result: { outcome: 'offered', name: 'invoice.pdf' },
    });
    expect(asked[0]!.title).toBe('Pick it');
    await l.until(() => l.viewer.snapshot().offers.length === 1, 'the offer shown to the agent');
    // Cancelled in the chooser: nothing offered, and the pending offer stays as it was.
    host.input.write(frame({ type: 'host.file_offer', id: 'o2' }));
    expect(await host.reply('o2')).toEqual({ type: 'reply', id: 'o2', result: { outcome: 'cancelled' } });
    host.input.write(frame({ type: 'host.file_withdraw', id: 'w1' }));
    expect(await host.reply('w1')).toEqual({ type: 'reply', id: 'w1', result: { name: 'invoice.pdf' } });
    await l.until(() => l.viewer.snapshot().offers.length === 0, 'the offer withdrawn in the viewer');
    host.input.write(frame({ type: 'host.file_withdraw', id: 'w2' }));
    expect(await host.reply('w2')).toMatchObject({ type: 'error', code: 'not_found' });
    // Outside the places: refused with forbidden, nothing offered.
    host.input.write(frame({ type: 'host.file_offer', id: 'o3' }));
    expect(await host.reply('o3')).toMatchObject({ type: 'error', code: 'forbidden' });
    // Offered and declined by the agent: host.offer says so.
    answers.push(l.path('Documents', 'b.txt'));
    host.input.write(frame({ type: 'host.file_offer', id: 'o4' }));
    expect(await host.reply('o4')).toMatchObject({ result: { outcome: 'offered', name: 'b.txt' } });
    await l.until(() => l.viewer.snapshot().offers.length === 1, 'the second offer shown');
    l.viewer.declineOffer(l.viewer.snapshot().offers[0]!.offer);
    expect(await host.waitFor((m) => m.type === 'host.offer')).toEqual({
      type: 'host.offer',
      name: 'b.txt',
      answer: 'declined',
    });
    host.input.end();
    await host.exit;
  });

  it('host.file_offer without a chooser or before any agent answers unavailable', async () => {
    const host = startFilesHost(new ControllerWithFiles(null));
    host.input.write(frame({ type: 'host.file_offer', id: 'x1' }));
    expect(await host.reply('x1')).toMatchObject({ type: 'error', code: 'unavailable' });
    host.input.end();
    await host.exit;
    loop = new Loopback();
    const noChooser = startFilesHost(new ControllerWithFiles(loop));
    noChooser.input.write(frame({ type: 'host.file_offer', id: 'x2' }));
    expect(await noChooser.reply('x2')).toMatchObject({ type: 'error', code: 'unavailable' });
    noChooser.input.end();
    await noChooser.exit;
  });
});
