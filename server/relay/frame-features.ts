/**
 * Which of the agent's features (set per agent by a manager) each data-plane channel needs when a
 * VIEWER sends on it, read from the frame header only. The customer's consent is checked apart
 * (frame-grants.ts): a frame needs both. The viewer learns its features in `viewer.welcome` and
 * should not send what it lacks; this is the server's word on it, so a frame that does is
 * dropped with a `feature_disabled` notice to its sender, never silently. Features are read at
 * `viewer.hello` and replaced while the viewer is open when a manager changes them
 * (presence/live-features.ts): the next frame is judged by the new ones.
 */
import type { Features } from '../../protocol/common';
import { DataChannel, type DataChannelName } from '../../protocol/frame';

/** null: no feature needed (key agreement, acknowledgements, the picture's own controls). */
export const CHANNEL_FEATURE: Readonly<Record<DataChannelName, keyof Features | null>> = {
  handshake: null,
  screen: null,
  cursor: null,
  input: 'screenControl',
  clipboard: 'clipboard',
  files: 'fileTransfer',
  annotations: null,
  ack: null,
  control: null,
  session: 'reboot',
};

const FEATURE_BY_ID = new Map<number, keyof Features | null>(
  (Object.keys(DataChannel) as DataChannelName[]).map((name) => [DataChannel[name], CHANNEL_FEATURE[name]]),
);

/** The feature a viewer needs to send on a channel id (null: none). */
export function featureFor(channel: number): keyof Features | null {
  return FEATURE_BY_ID.get(channel) ?? null;
}

/** How the refusal names a feature to the agent. */
export const FEATURE_WORDS: Readonly<Record<keyof Features, string>> = {
  screenView: 'screen viewing',
  screenControl: 'control',
  fileTransfer: 'file transfer',
  shareMyScreen: 'sharing your screen',
  transfer: 'transfers',
  clipboard: 'the clipboard',
  reboot: "rebooting the customer's computer",
  multiChat: 'several sessions at once',
};
