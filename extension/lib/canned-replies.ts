/**
 * Canned replies: short texts an agent inserts into a chat. Stored per agent (keyed by agent id)
 * in storage.sync, so they follow the agent to another computer where the browser syncs, and
 * fall back to storage.local where sync is unavailable. Bounded in count and length.
 */
import browser from 'webextension-polyfill';
import * as z from 'zod';

/** Most canned replies kept per agent. */
export const CANNED_MAX_COUNT = 50;
/** Longest canned reply, in characters (storage.sync allows 8 KiB per item). */
export const CANNED_MAX_CHARS = 1000;

const CannedList = z.array(z.string().max(CANNED_MAX_CHARS)).max(CANNED_MAX_COUNT);
const keyOf = (agentId: string) => `canned:${agentId}`;

async function read(area: browser.Storage.StorageArea | undefined, key: string): Promise<string[] | null> {
  if (!area) return null;
  try {
    const parsed = CannedList.safeParse((await area.get(key))[key]);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function loadCanned(agentId: string): Promise<string[]> {
  const key = keyOf(agentId);
  // Sync first (follows the agent); local holds them where sync refused (quota) or is missing.
  return (await read(browser.storage.sync, key)) ?? (await read(browser.storage.local, key)) ?? [];
}

export async function saveCanned(agentId: string, replies: readonly string[]): Promise<string[]> {
  const clean = [...new Set(replies.map((r) => r.trim()).filter((r) => r.length > 0))]
    .map((r) => r.slice(0, CANNED_MAX_CHARS))
    .slice(0, CANNED_MAX_COUNT);
  const key = keyOf(agentId);
  try {
    await browser.storage.sync.set({ [key]: clean });
    await browser.storage.local.remove(key);
  } catch {
    await browser.storage.local.set({ [key]: clean });
  }
  return clean;
}
