/**
 * Server configuration: what `lifeline serve` accepts on its command line, with defaults.
 */
import { CHROME_EXTENSION_ORIGIN } from '../protocol/extension-ids';
import type { SmtpConfig } from './mail/mailer';

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
  /** Extra origins allowed to open WebSockets (besides the server's own and our extension). */
  extraOrigins: string[];
  /** URL customers and agents use to reach this server (for links it prints); derived when absent. */
  publicUrl?: string;
  /** Where the built pages are (support page, management center). */
  pagesDir: string;
  /** Where the helper downloads are (scripts/build-sea.mjs writes the executables there). */
  downloadsDir: string;
  /** Print the setup link and notices to stderr. */
  quiet: boolean;
  /**
   * Reverse proxies in front of the server (addresses or CIDRs, `--trust-proxy`): only requests
   * from these have their X-Forwarded-For read (http/client-address.ts). Empty: none.
   */
  trustProxy: string[];
  /**
   * Several nodes: the Redis that carries presence and pushes between them (`--bus redis://...`,
   * cluster/join-cluster.ts). Needs a shared store (PostgreSQL). Absent: one node, in process.
   */
  bus?: string;
  /** This node's name among several (`--node-id`); unique per node. */
  nodeId?: string;
  /**
   * Several nodes: where the others reach this one (`--advertise`, an origin), for the node links
   * that carry screens between nodes. Absent: the address it listens on (cluster/advertise-address.ts).
   */
  advertise?: string;
  /** Largest file sent through the chat, in bytes (CHAT_FILE_DEFAULT_MAX_BYTES when absent). */
  chatFileMaxBytes?: number;
  /** Outgoing e-mail (invitations, password resets); without it the management center shows the links. */
  smtp?: SmtpConfig;
}

export function defaultConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    port: DEFAULT_PORT,
    host: DEFAULT_HOST,
    dataDir: DEFAULT_DATA_DIR,
    extraOrigins: [],
    pagesDir: 'dist/pages',
    downloadsDir: 'dist/downloads',
    quiet: false,
    trustProxy: [],
    ...overrides,
  };
}

/** Origins of our own extension builds; Firefox's moz-extension UUID differs per profile. */
export const EXTENSION_ORIGINS = [CHROME_EXTENSION_ORIGIN];
