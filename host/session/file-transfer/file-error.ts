/**
 * The one way a failure on the customer's side becomes what the viewer is told: a FileErrorCode
 * (a subset of protocol/errors.ts) and a short English message. ProtocolErrors from the gate and
 * FileAccess keep their code where the files channel has it; anything else is internal_error.
 */
import { FILE_MESSAGE_MAX_CHARS, FileErrorCode } from '../../../protocol/data/files';
import { ProtocolError } from '../../../protocol/errors';

export interface FileFailure {
  code: FileErrorCode;
  message: string;
  neededBytes?: number;
  freeBytes?: number;
}

export function failureOf(err: unknown): FileFailure {
  if (err instanceof ProtocolError) {
    const code = FileErrorCode.safeParse(err.code);
    const failure: FileFailure = {
      code: code.success ? code.data : 'internal_error',
      message: err.message.slice(0, FILE_MESSAGE_MAX_CHARS),
    };
    const d = err.details;
    if (typeof d?.neededBytes === 'number') failure.neededBytes = d.neededBytes;
    if (typeof d?.freeBytes === 'number') failure.freeBytes = d.freeBytes;
    return failure;
  }
  const text = err instanceof Error ? err.message : String(err);
  return { code: 'internal_error', message: text.slice(0, FILE_MESSAGE_MAX_CHARS) };
}

/** "5.0 MB": sizes in the customer's and the agent's messages (decimal units, like file managers). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
