/**
 * Server configuration: what `lifeline serve` accepts on its command line, with defaults.
 */
import { CHROME_EXTENSION_ORIGIN } from '../protocol/extension-ids';

/** Default TCP port (the port GoToAssist customers already open in their firewalls). */
export const DEFAULT_PORT = 8200;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_DATA_DIR = './data';

export interface ServerConfig {
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  dataDir: string;
  /** `sqlite` (default: a file in dataDir) or a postgres:// URL (store/open-store.ts). */
  store?: string;
  tls?: { certFile: string; keyFile: string };
  /**
   * Addresses of load balancers whose X-Forwarded-For is believed for the client's address
   * (http/client-address.ts). Empty: the TCP peer is the client.
   */
  trustProxy: string[];
  /** Extra origins allowed to open WebSockets (besides the server's own and our extension). */
  extraOrigins: string[];
  /** URL customers and agents use to reach this server (for links it prints); derived when absent. */
  publicUrl?: string;
  /** Where the built pages are (support page, management center). */
  pagesDir: string;
  /** Where the helper downloads are (scripts/package-helper.mjs). */
  downloadsDir: string;
  /** Print the setup link and notices to stderr. */
  quiet: boolean;
}

export function defaultConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    port: DEFAULT_PORT,
    host: DEFAULT_HOST,
    dataDir: DEFAULT_DATA_DIR,
    extraOrigins: [],
    trustProxy: [],
    pagesDir: 'dist/pages',
    downloadsDir: 'dist/downloads',
    quiet: false,
    ...overrides,
  };
}

/** Origins of our own extension builds; Firefox's moz-extension UUID differs per profile. */
export const EXTENSION_ORIGINS = [CHROME_EXTENSION_ORIGIN];
