/**
 * Which consent each data-plane channel needs, read from the frame header only (the payload is
 * end-to-end ciphertext the server cannot read). The helper enforces consent itself; this is the
 * server's second line: a frame on a channel the customer has not granted is dropped with a
 * `consent_required` notice to its sender.
 */
import type { Grants } from '../../protocol/common';
import { DataChannel, type DataChannelName } from '../../protocol/frame';

/** null: allowed without consent (key agreement, flow control, session control). */
export const CHANNEL_GRANT: Readonly<Record<DataChannelName, keyof Grants | null>> = {
  handshake: null,
  screen: 'view',
  cursor: 'view',
  input: 'control',
  clipboard: 'clipboard',
  files: 'files',
  annotations: 'view',
  ack: null,
  control: null,
  session: 'reboot',
};

const GRANT_BY_ID = new Map<number, keyof Grants | null>(
  (Object.keys(DataChannel) as DataChannelName[]).map((name) => [DataChannel[name], CHANNEL_GRANT[name]]),
);

/** The grant a channel id needs (null: none). */
export function grantFor(channel: number): keyof Grants | null {
  return GRANT_BY_ID.get(channel) ?? null;
}
