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

function area(): browser.Storage.StorageArea {
  return browser.storage.sync ?? browser.storage.local;
}

export async function loadCanned(agentId: string): Promise<string[]> {
  const key = keyOf(agentId);
  try {
    const raw = await area().get(key);
    const parsed = CannedList.safeParse(raw[key]);
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export async function saveCanned(agentId: string, replies: readonly string[]): Promise<string[]> {
  const clean = [...new Set(replies.map((r) => r.trim()).filter((r) => r.length > 0))]
    .map((r) => r.slice(0, CANNED_MAX_CHARS))
    .slice(0, CANNED_MAX_COUNT);
  try {
    await area().set({ [keyOf(agentId)]: clean });
  } catch {
    await browser.storage.local.set({ [keyOf(agentId)]: clean });
  }
  return clean;
}
