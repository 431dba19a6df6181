/**
 * Channel: the customer's support page <-> the Lifeline extension's content script in the same
 * tab, over `window.postMessage`. The extension injects its content script only on the configured
 * server's support pages; the page never learns anything about the extension beyond this.
 *
 * Handshake: whichever side loads last speaks first. The content script posts `bridge.ready` when
 * it starts; the page posts `bridge.probe` when it starts, and the content script answers it with
 * `bridge.ready`. The page waits BRIDGE_PROBE_TIMEOUT_MS for it, then treats the extension as absent.
 * Then the page may ask `helper.start` with the session's join code; the extension starts the
 * native helper (native channel `host.join`, with the server it is configured for, never a server
 * named by the page) and answers `helper.started` or `helper.failed`, then `helper.status` as the
 * helper's state changes.
 *
 * Both ends must: accept only events whose `source` is their own window and whose `origin` is the
 * page's origin (the extension: its configured server's origin), ignore anything that is not this
 * channel or comes from their own side (`from`), and validate with these schemas, which rebuild
 * each value from the declared fields.
 */
import * as z from 'zod';
import { ErrorCodeSchema, PersonName, RequestId } from './common';
import { JoinCode } from './helper-channel';
import { HelperState } from './native-channel';

/** The `channel` field of every bridge message; other postMessage traffic is ignored. */
export const PAGE_BRIDGE_CHANNEL = 'lifeline-page-bridge';
/** Version of this bridge protocol; a side that sees another major ignores the peer. */
export const PAGE_BRIDGE_VERSION = 1;
/** How long the page waits for `bridge.ready` after its probe before offering the download, in ms. */
export const BRIDGE_PROBE_TIMEOUT_MS = 1500;
/** How long the page waits for the answer to `helper.start` (native host start + join), in ms. */
export const BRIDGE_START_TIMEOUT_MS = 20_000;
/** Largest bridge message either side accepts, in bytes of JSON (they are all tiny). */
export const PAGE_BRIDGE_MAX_BYTES = 4096;

function fromPage<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({
    channel: z.literal(PAGE_BRIDGE_CHANNEL),
    from: z.literal('page'),
    type: z.literal(type),
    ...shape,
  });
}
function fromExtension<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({
    channel: z.literal(PAGE_BRIDGE_CHANNEL),
    from: z.literal('extension'),
    type: z.literal(type),
    ...shape,
  });
}

// ---------------------------------------------------------------- page -> extension
export const PageToExtension = z.discriminatedUnion('type', [
  fromPage('bridge.probe', { version: z.number().int().min(1).max(1000) }),
  /** Start the helper for the session whose join code the server sent the page (screen.requested). */
  fromPage('helper.start', { id: RequestId, joinCode: JoinCode, agentName: PersonName }),
]);
export type PageToExtension = z.infer<typeof PageToExtension>;

/** Whether the native helper can be started through the extension on this machine. */
export const BridgeHelperAvailability = z.enum(['available', 'missing', 'unknown']);
export type BridgeHelperAvailability = z.infer<typeof BridgeHelperAvailability>;

// ---------------------------------------------------------------- extension -> page
export const ExtensionToPage = z.discriminatedUnion('type', [
  fromExtension('bridge.ready', {
    version: z.number().int().min(1).max(1000),
    extensionVersion: z.string().max(32),
    /** `missing` when the native host is not installed: the page offers the download at once. */
    helper: BridgeHelperAvailability,
  }),
  fromExtension('helper.started', { id: RequestId, state: HelperState }),
  /**
   * Codes (protocol/errors.ts): `helper_not_connected` (not installed or would not start: the page
   * offers the download), `os_not_supported` (with `os`, named to the customer),
   * `join_code_invalid`, `join_code_expired`, `origin_not_allowed`, `unavailable`.
   */
  fromExtension('helper.failed', {
    id: RequestId,
    code: ErrorCodeSchema,
    message: z.string().max(500),
    os: z.string().max(200).optional(),
  }),
  fromExtension('helper.status', { state: HelperState }),
]);
export type ExtensionToPage = z.infer<typeof ExtensionToPage>;
