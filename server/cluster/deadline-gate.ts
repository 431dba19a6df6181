/**
 * Answer deadlines across nodes (session/answer-deadlines.ts): every node keeps the deadlines
 * the store implies (a transfer's, a "continue with Ann"), so a node that dies loses none, and
 * each deadline is acted on by one node only: the first to set `lifeline:deadline:<session>:<at>`
 * in Redis (SET NX). The key outlives any replay of the same deadline (a node restarting, a late
 * refresh re-arming one already past), so a transfer times out once; a new transfer, or a
 * manager's new timeout, is a new deadline with a key of its own.
 */
import type { Redis } from 'ioredis';

/** How long a fired deadline is remembered, in ms (far beyond any replay of it). */
export const FIRED_DEADLINE_TTL_MS = 24 * 60 * 60 * 1000;

export function deadlineGate(redis: Redis, nodeId: string) {
  return async (sessionId: string, at: number): Promise<boolean> =>
    (await redis.set(`lifeline:deadline:${sessionId}:${at}`, nodeId, 'PX', FIRED_DEADLINE_TTL_MS, 'NX')) ===
    'OK';
}
