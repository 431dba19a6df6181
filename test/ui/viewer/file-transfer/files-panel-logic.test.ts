/**
 * What the Files panel says and where files go, without a browser: why transfer is blocked
 * (account, consent, connection), each failure in the agent's words (the English catalog), the
 * destination of a drop, and the browser-side sink that keeps a download until it is checked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NO_GRANTS } from '../../../../protocol/common';
import { BlobSink } from '../../../../ui/viewer/files/blob-sink';
import type { FileTransfers } from '../../../../ui/viewer/files/file-transfers';
import { FolderBrowser } from '../../../../ui/viewer/files/folder-browser';
import { filesBlocked } from '../../../../ui/viewer/files/view/files-panel';
import { errorText } from '../../../../ui/viewer/files/view/transfer-list';
import type { ViewerSnapshot } from '../../../../ui/viewer/viewer-session';
import { catalogKey, type Translate } from '../../../../ui/viewer/viewer-text';

const en = JSON.parse(
  readFileSync(new URL('../../../../extension/public/_locales/en/messages.json', import.meta.url), 'utf8'),
) as Record<string, { message: string }>;
const t: Translate = (key, ...args) =>
  en[catalogKey(key)]!.message.replace(/\$P(\d)\$/g, (_, n: string) => args[Number(n) - 1] ?? '');

const features = {
  screenView: true,
  screenControl: true,
  fileTransfer: true,
  shareMyScreen: false,
  transfer: true,
  clipboard: true,
  reboot: true,
  multiChat: true,
};
/** Only the fields filesBlocked reads; the rest of a snapshot does not matter here. */
function viewer(patch: Partial<ViewerSnapshot>): ViewerSnapshot {
  const base: Pick<ViewerSnapshot, 'grants' | 'features'> = {
    grants: { ...NO_GRANTS, view: true, files: true },
    features,
  };
  return Object.assign(Object.create(null) as ViewerSnapshot, base, patch);
}
const connected = { connected: true, allowed: true, transfers: [], offers: [] };

describe('Files panel logic', () => {
  it('names why transfer is blocked: the account first, then consent, then the connection', () => {
    expect(filesBlocked(viewer({ features: { ...features, fileTransfer: false } }), connected)).toBe(
      'files_notEnabled',
    );
    expect(filesBlocked(viewer({ grants: { ...NO_GRANTS, view: true } }), connected)).toBe(
      'files_notGranted',
    );
    expect(filesBlocked(viewer({}), { ...connected, connected: false })).toBe('files_notConnected');
    expect(filesBlocked(viewer({}), connected)).toBeNull();
  });

  it('says each failure plainly', () => {
    expect(errorText(t, { code: 'checksum_mismatch', message: 'x' })).toBe(
      'The file arrived damaged and was deleted; try again.',
    );
    expect(
      errorText(t, { code: 'no_space', message: 'x', neededBytes: 5_000_000, freeBytes: 2_097_152 }),
    ).toMatch(/^Not enough space on the customer's disk: the file needs 5(\.0)? MB, only 2\.1 MB are free\./);
    expect(errorText(t, { code: 'consent_required', message: 'x' })).toBe(
      'The customer has not allowed file transfer.',
    );
    expect(errorText(t, { code: 'name_refused', message: 'another file is arriving' })).toBe(
      "The customer's helper refused this name: another file is arriving",
    );
    expect(errorText(t, { code: 'internal_error', message: 'boom' })).toBe('The transfer failed: boom');
  });

  it('sends a drop to the folder shown, else Downloads, else the first place', async () => {
    const places = [
      { name: 'Home', freeBytes: 1 },
      { name: 'Downloads', freeBytes: 1 },
    ];
    const files = {
      places: () => Promise.resolve(places),
      list: (where: unknown) => Promise.resolve({ where, entries: [], total: 0 }),
    } as unknown as FileTransfers;
    const b = new FolderBrowser(files);
    expect(b.destination()).toBeNull();
    await b.loadPlaces();
    expect(b.destination()).toEqual({ place: 'Downloads', dirs: [] });
    await b.open({ place: 'Home', dirs: ['Documents'] });
    expect(b.destination()).toEqual({ place: 'Home', dirs: ['Documents'] });
    await b.up();
    expect(b.destination()).toEqual({ place: 'Home', dirs: [] });
  });

  it('keeps a download as Blobs and saves one Blob of the whole file', async () => {
    const saved: { blob: Blob; name: string }[] = [];
    const sink = new BlobSink((blob, name) => saved.push({ blob, name }));
    const parts = [
      new Uint8Array(10).fill(1),
      new Uint8Array(20 * 1024 * 1024).fill(2),
      new Uint8Array(5).fill(3),
    ];
    for (const p of parts) sink.append(p);
    sink.finish('report.pdf');
    expect(saved).toHaveLength(1);
    expect(saved[0]!.name).toBe('report.pdf');
    const bytes = new Uint8Array(await saved[0]!.blob.arrayBuffer());
    expect(bytes.length).toBe(10 + 20 * 1024 * 1024 + 5);
    expect([bytes[0], bytes[10], bytes.at(-1)]).toEqual([1, 2, 3]);
  });
});
