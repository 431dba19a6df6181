/**
 * Where a download goes in the browser: the chunks are gathered into Blobs (every
 * BLOB_BATCH_BYTES, so the browser can keep them in its blob storage, on disk when it must, not
 * as thousands of small arrays), and once the whole file has arrived and its SHA-256 matched, one
 * Blob of all of them is saved through the browser's downloads (an <a download> by default).
 *
 * Limit, said honestly in the Files panel: the browser holds the whole file until it is saved.
 * Chromium keeps large blobs on disk, but refuses past a quota tied to the free disk space, and
 * some browsers cap a single Blob near 2 GB; BROWSER_SAVE_WARN_BYTES is where the panel warns.
 */
import type { DownloadSink } from './download';

/** Chunks gathered before they become one Blob, in bytes. */
export const BLOB_BATCH_BYTES = 16 * 1024 * 1024;
/** Downloads above this size get a warning about the browser's own limits, in bytes. */
export const BROWSER_SAVE_WARN_BYTES = 2 * 1000 * 1000 * 1000;

export type SaveBlob = (blob: Blob, fileName: string) => void;

export class BlobSink implements DownloadSink {
  private parts: Blob[] = [];
  private batch: Uint8Array[] = [];
  private batchBytes = 0;

  constructor(private readonly save: SaveBlob) {}

  append(data: Uint8Array): void {
    this.batch.push(data);
    this.batchBytes += data.byteLength;
    if (this.batchBytes >= BLOB_BATCH_BYTES) this.flush();
  }

  finish(name: string): void {
    this.flush();
    const blob = new Blob(this.parts, { type: 'application/octet-stream' });
    this.parts = [];
    this.save(blob, name);
  }

  discard(): void {
    this.parts = [];
    this.batch = [];
    this.batchBytes = 0;
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    this.parts.push(new Blob(this.batch as BlobPart[]));
    this.batch = [];
    this.batchBytes = 0;
  }
}
