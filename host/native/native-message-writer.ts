/**
 * Encodes host->browser native messages: 4-byte length in the machine's byte order + UTF-8 JSON.
 * Browsers drop the connection on a message over 1 MB, so anything larger than
 * NATIVE_OUTBOUND_MAX_BYTES is refused here (the caller sends an error instead): the helper never
 * writes a message the browser would choke on.
 */
import { endianness } from 'node:os';
import type { HostToExtension } from '../../protocol/native-channel';
import { exceedsUtf8Bytes } from '../../protocol/parse';
import { NATIVE_OUTBOUND_MAX_BYTES } from '../../protocol/limits';
import { NATIVE_LENGTH_BYTES } from './native-message-reader';

export type EncodedNativeMessage = { ok: true; bytes: Buffer } | { ok: false; reason: string };

export function encodeNativeMessage(
  message: HostToExtension,
  maxBytes: number = NATIVE_OUTBOUND_MAX_BYTES,
  littleEndian: boolean = endianness() === 'LE',
): EncodedNativeMessage {
  const text = JSON.stringify(message);
  if (exceedsUtf8Bytes(text, maxBytes)) {
    return { ok: false, reason: `a ${message.type} message over ${maxBytes} bytes` };
  }
  const length = Buffer.byteLength(text, 'utf8');
  const bytes = Buffer.allocUnsafe(NATIVE_LENGTH_BYTES + length);
  if (littleEndian) bytes.writeUInt32LE(length, 0);
  else bytes.writeUInt32BE(length, 0);
  bytes.write(text, NATIVE_LENGTH_BYTES, 'utf8');
  return { ok: true, bytes };
}
