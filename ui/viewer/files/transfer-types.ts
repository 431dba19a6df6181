/**
 * What the Files panel shows of each transfer, in both directions, and why one failed. The error
 * codes are the files channel's (protocol/data/files.ts) plus the ones that happen on the agent's
 * own computer (the chosen file could not be read, the download could not be saved) or that the
 * viewer itself finds (the customer's file changed while it was copied).
 */
import type { FileErrorCode } from '../../../protocol/data/files';
import type { TransferFigures } from '../../../protocol/data/file-progress';

/**
 *   queued -> offering -> sending -> verifying -> done
 *   offering | sending | verifying --link lost--> interrupted --link back--> offering
 *   any unsettled --> failed | cancelled
 */
export type TransferPhase =
  'queued' | 'offering' | 'sending' | 'verifying' | 'interrupted' | 'done' | 'failed' | 'cancelled';

export type FileTransferErrorCode =
  | FileErrorCode
  | 'file_changed'
  | 'read_failed'
  | 'save_failed'
  /** The customer's helper stopped for good (not a reconnect): nothing can go on. */
  | 'helper_gone';

export interface FileTransferError {
  code: FileTransferErrorCode;
  /** English detail from the side that failed (shown after the translated sentence). */
  message: string;
  neededBytes?: number;
  freeBytes?: number;
}

export interface FileTransferView {
  id: string;
  direction: 'to_customer' | 'from_customer';
  name: string;
  /** "Documents/reports" on the customer's computer. */
  folder: string;
  size: number;
  phase: TransferPhase;
  figures: TransferFigures;
  /** Uploads: the name the customer's side saved it under. */
  savedAs: string | null;
  error: FileTransferError | null;
}

export interface FilesSnapshot {
  /** Keys agreed with the helper: requests can go now. */
  connected: boolean;
  /** The customer granted `files` and the agent's account has file transfer. */
  allowed: boolean;
  transfers: FileTransferView[];
  /** Files the customer offers from the helper, waiting for Accept / Decline. */
  offers: CustomerFileOffer[];
}

/** A file the customer offered from the helper (files.offered). */
export interface CustomerFileOffer {
  offer: string;
  where: { place: string; dirs: string[] };
  name: string;
  size: number;
  /** "Documents/reports" on the customer's computer. */
  folder: string;
}

export function folderLabel(where: { place: string; dirs: readonly string[] }): string {
  return [where.place, ...where.dirs].join('/');
}
