/** A folder listing always fits one sealed frame: cut to the byte budget, with the true total. */
import { describe, expect, it } from 'vitest';
import { fitListing } from '../../../../host/session/file-transfer/file-listing';
import { FILES_JSON_MAX_BYTES, parseFilesToViewer } from '../../../../protocol/data/files';
import { encodeJsonPayload } from '../../../../protocol/data/json-payload';
import type { DirEntry } from '../../../../host/platform/types';

const entry = (name: string, kind: DirEntry['kind'] = 'file'): DirEntry => ({
  name,
  kind,
  size: 10,
  modifiedMs: 1,
});

describe('fitListing', () => {
  it('keeps every entry of a small folder, in order', () => {
    const l = fitListing(7, { place: 'Home', dirs: [] }, [entry('a', 'directory'), entry('b')]);
    expect(l).toMatchObject({ req: 7, total: 2 });
    expect(l.entries.map((e) => e.name)).toEqual(['a', 'b']);
  });

  it('cuts a huge folder to the frame budget and still parses on the other side', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => entry(`${'é'.repeat(120)}-${i}`));
    const l = fitListing(1, { place: 'Home', dirs: ['x'] }, many);
    expect(l.total).toBe(20_000);
    expect(l.entries.length).toBeLessThan(many.length);
    const bytes = encodeJsonPayload(l);
    expect(bytes.byteLength).toBeLessThanOrEqual(FILES_JSON_MAX_BYTES);
    expect(parseFilesToViewer(bytes).ok).toBe(true);
  });

  it('clamps dates before 1970 and skips names no system has', () => {
    const l = fitListing(1, { place: 'Home', dirs: [] }, [
      { name: 'old', kind: 'file', size: 1, modifiedMs: -5000 },
      { name: 'x'.repeat(5000), kind: 'file', size: 1, modifiedMs: 0 },
    ]);
    expect(l.entries).toEqual([{ name: 'old', kind: 'file', size: 1, modifiedMs: 0 }]);
  });
});
