import type { Features } from '../../protocol/common';

/**
 * Features a new agent gets. "Share my screen" is an add-on a manager switches on per agent
 * (as in the product we replace), so it starts off; the rest of the support workflow starts on.
 */
export const DEFAULT_FEATURES: Features = {
  screenView: true,
  screenControl: true,
  fileTransfer: true,
  shareMyScreen: false,
  transfer: true,
  clipboard: true,
  reboot: true,
  multiChat: true,
};
