/**
 * The poor-link profiles the screen benchmarks shape their links with (shaped-link.ts): one place,
 * so every benchmark that says "hotel Wi-Fi" means the same line.
 */
import type { LinkProfile } from './shaped-link';

export const HOTEL_WIFI: LinkProfile = {
  name: 'hotel Wi-Fi: 1 Mbit/s, 80 ms RTT',
  rateBytesPerSec: 125_000,
  oneWayDelayMs: 40,
};

export const OFFICE_WIFI: LinkProfile = {
  name: 'office Wi-Fi: 4 Mbit/s, 40 ms RTT',
  rateBytesPerSec: 500_000,
  oneWayDelayMs: 20,
};

export const PROFILES: readonly LinkProfile[] = [HOTEL_WIFI, OFFICE_WIFI];
