/**
 * What IT can force through the browser's managed storage (Chrome/Edge policy, Firefox
 * policies.json "3rdparty"): the server address, the status page "cannot connect" links to, and
 * any setting. The schema IT's tools read is
 * extension/public/managed-schema.json; this module validates what the browser hands over, key
 * by key, because a policy typo must not lock the agent out of every other setting.
 */
import * as z from 'zod';
import { parseServerAddress, parseStatusPageUrl } from './server-address';
import { SETTING_KEYS, SETTING_SCHEMAS, type Settings } from './settings';

export const ManagedPolicy = z.object({
  /** Server origin set by IT (prefilled and locked in the popup). */
  serverUrl: z.string().optional(),
  /**
   * The status page agents are sent to when the server cannot be reached, set by IT (hosted
   * elsewhere, since the server's own /status is down with it). An http(s) URL.
   */
  statusUrl: z.string().optional(),
  settings: z.object(SETTING_SCHEMAS).partial(),
});
export type ManagedPolicy = z.infer<typeof ManagedPolicy>;

export const NO_POLICY: ManagedPolicy = { settings: {} };

/** Builds a policy from the raw managed storage object; invalid keys are dropped one by one. */
export function readManagedPolicy(raw: unknown): ManagedPolicy {
  if (typeof raw !== 'object' || raw === null) return NO_POLICY;
  const source = raw as Record<string, unknown>;
  const settings: Partial<Record<keyof Settings, unknown>> = {};
  for (const key of SETTING_KEYS) {
    const parsed = SETTING_SCHEMAS[key].safeParse(source[key]);
    if (parsed.success) settings[key] = parsed.data;
  }
  const server = typeof source.serverUrl === 'string' ? parseServerAddress(source.serverUrl) : null;
  const status = typeof source.statusUrl === 'string' ? parseStatusPageUrl(source.statusUrl) : null;
  return ManagedPolicy.parse({
    ...(server?.ok ? { serverUrl: server.origin } : {}),
    ...(status ? { statusUrl: status } : {}),
    settings,
  });
}
