import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  displayName,
  FileTransferFeed,
  FILES_PROGRESS_SEND_MS,
  toNative,
} from '../../../host/native/file-transfer-feed';
import { encodeNativeMessage } from '../../../host/native/native-message-writer';
import type { FileTransferEvent } from '../../../host/session/file-transfer/file-transfer-service';
import {
  HostToExtension,
  NATIVE_FILE_NAME_MAX_CHARS,
  NATIVE_FILES_MAX,
} from '../../../protocol/native-channel';
import { NATIVE_OUTBOUND_MAX_BYTES } from '../../../protocol/limits';

type Files = Extract<HostToExtension, { type: 'host.files' }>;

const id = (n: number) => n.toString(16).padStart(32, '0');

function event(n: number, patch: Partial<FileTransferEvent> = {}, done = 0, total = 1000): FileTransferEvent {
  return {
    id: id(n),
    direction: 'to_customer',
    agentName: 'Alex Agent',
    name: `file-${n}.pdf`,
    folder: 'Documents',
    state: 'active',
    figures: { doneBytes: done, totalBytes: total, rateBps: null, secondsLeft: null },
    ...patch,
  };
}

function feed() {
  let now = 0;
  const sent: Files[] = [];
  const logs: string[] = [];
  const f = new FileTransferFeed({ send: (m) => sent.push(m), log: (l) => logs.push(l), now: () => now });
  return {
    f,
    sent,
    logs,
    advance(ms: number) {
      now += ms;
      vi.advanceTimersByTime(ms);
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('what the consent window gets of one transfer', () => {
  it('sending, checking (every byte of an upload in), waiting, done with the saved name, failed with its code', () => {
    expect(toNative(event(1, {}, 400))).toEqual({
      id: id(1),
      agentName: 'Alex Agent',
      direction: 'to_customer',
      name: 'file-1.pdf',
      folder: 'Documents',
      sizeBytes: 1000,
      doneBytes: 400,
      phase: 'sending',
    });
    expect(toNative(event(1, {}, 1000))?.phase).toBe('checking');
    // A copy from the customer with every byte sent waits for the agent's last ack: still sending.
    expect(toNative(event(1, { direction: 'from_customer' }, 1000))?.phase).toBe('sending');
    expect(toNative(event(1, { state: 'suspended' }, 400))?.phase).toBe('waiting');
    expect(toNative(event(1, { state: 'done', savedAs: 'file-1 (1).pdf' }, 1000))).toMatchObject({
      phase: 'done',
      savedAs: 'file-1 (1).pdf',
    });
    expect(
      toNative(event(1, { state: 'failed', failure: { code: 'no_space', message: 'not enough space' } })),
    ).toMatchObject({ phase: 'failed', errorCode: 'no_space' });
    expect(toNative(event(1, { state: 'cancelled' }, 10))?.phase).toBe('cancelled');
  });

  it('cuts long names for display without splitting a character, and drops what cannot be shown', () => {
    const long = '😀'.repeat(300);
    const cut = displayName(long);
    expect(cut.length).toBeLessThanOrEqual(NATIVE_FILE_NAME_MAX_CHARS);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.slice(0, -1)).toBe('😀'.repeat((NATIVE_FILE_NAME_MAX_CHARS - 2) / 2));
    expect(displayName('short.txt')).toBe('short.txt');
    expect(toNative(event(1, { name: 'x'.repeat(1024) }))?.name).toHaveLength(NATIVE_FILE_NAME_MAX_CHARS);
    expect(toNative(event(1, { id: 'not-a-file-id' }))).toBeNull();
  });
});

describe('the list sent as host.files', () => {
  it('sends a new transfer and every phase change at once, progress at most every 500 ms', () => {
    vi.useFakeTimers();
    const { f, sent, advance } = feed();
    f.update(event(1, {}, 0));
    expect(sent).toHaveLength(1);
    advance(100);
    f.update(event(1, {}, 100));
    f.update(event(1, {}, 200));
    expect(sent).toHaveLength(1);
    advance(FILES_PROGRESS_SEND_MS - 100);
    // One coalesced message with the latest figures.
    expect(sent).toHaveLength(2);
    expect(sent[1]!.transfers[0]!.doneBytes).toBe(200);
    advance(100);
    f.update(event(1, { state: 'done', savedAs: 'file-1.pdf' }, 1000));
    expect(sent).toHaveLength(3);
    expect(sent[2]!.transfers[0]).toMatchObject({ phase: 'done', savedAs: 'file-1.pdf' });
    advance(10 * FILES_PROGRESS_SEND_MS);
    expect(sent).toHaveLength(3);
    f.close();
  });

  it('lists newest first and keeps the last finished ones, never more than NATIVE_FILES_MAX', () => {
    const { f, sent } = feed();
    f.update(event(1, {}, 10));
    for (let n = 2; n < 2 + NATIVE_FILES_MAX + 4; n++) f.update(event(n, { state: 'done' }, 1000));
    const last = sent.at(-1)!.transfers;
    expect(last).toHaveLength(NATIVE_FILES_MAX);
    // The one in progress stays although it is the oldest; the oldest finished ones went.
    expect(last.at(-1)!.id).toBe(id(1));
    expect(last[0]!.id).toBe(id(NATIVE_FILES_MAX + 5));
    expect(last.map((t) => t.id)).not.toContain(id(2));
    for (const m of sent) expect(HostToExtension.safeParse(m).success).toBe(true);
    f.close();
  });

  it('stays far below the browser’s 1 MB per message with the longest, most escaped names', () => {
    const { f, sent } = feed();
    const nasty = '\u0001"\\'.repeat(400);
    for (let n = 1; n <= NATIVE_FILES_MAX; n++) {
      f.update(
        event(n, { name: nasty, folder: nasty, state: 'done', savedAs: nasty, agentName: 'A'.repeat(64) }),
      );
    }
    const encoded = encodeNativeMessage(sent.at(-1)!);
    expect(encoded.ok).toBe(true);
    const bytes = encoded.ok ? encoded.bytes.length : Infinity;
    expect(bytes).toBeLessThan(NATIVE_OUTBOUND_MAX_BYTES / 10);
    f.close();
  });

  it('sends nothing after close', () => {
    vi.useFakeTimers();
    const { f, sent, advance } = feed();
    f.update(event(1, {}, 0));
    advance(10);
    f.update(event(1, {}, 50));
    f.close();
    advance(FILES_PROGRESS_SEND_MS * 2);
    f.update(event(2));
    expect(sent).toHaveLength(1);
  });
});
