/**
 * The checks behind /status and /api/v1/status, one function each, all of the same shape: look
 * at one part of the running server for real and say `ok`, `degraded` or `down` with a stable
 * code. None throws: a check that fails to run is itself the finding.
 *
 * - store: the store answers a read the way a restart would (Store.check), within STORE_CHECK_MS.
 * - disk: free space where the data folder lives (statfs, injectable so tests can fill a disk).
 * - hub: a real WebSocket round trip to the server's own /ws (hub-probe.ts).
 * - relay: the data plane rides on the hub's sockets, so it is down with the hub; it is degraded
 *   when most of its peers are paused by backpressure (the relay is overloaded).
 */
import type { StatusCheck, StatusState } from '../../protocol/http-api';
import type { Store } from '../store/store';
import type { HubProbeResult } from './hub-probe';

/** How long the store may take to answer its check, in ms. */
export const STORE_CHECK_MS = 3_000;
/** Free space under which the data folder is "degraded" (a backup or a big log may not fit), in bytes. */
export const DISK_DEGRADED_BYTES = 1024 * 1024 * 1024;
/** Free space under which it is "down": SQLite writes (and the audit log) are about to fail, in bytes. */
export const DISK_DOWN_BYTES = 100 * 1024 * 1024;
/** Share of relay peers paused by backpressure from which the relay counts as overloaded. */
export const RELAY_PAUSED_DEGRADED_SHARE = 0.5;
/** Below this many peers, pauses are one slow link, not an overloaded relay. */
const RELAY_PEERS_FOR_DEGRADED = 4;
/** Longest failure text kept from the system (StatusCheck.detail). */
const DETAIL_MAX_CHARS = 300;

/** What fs.promises.statfs gives back that the disk check reads. */
export interface DiskSpace {
  bavail: number | bigint;
  bsize: number | bigint;
}
export type StatFs = (path: string) => Promise<DiskSpace>;

const RANK: Record<StatusState, number> = { ok: 0, degraded: 1, down: 2 };

/** The worst state among the checks (an empty list is ok). */
export function worstState(checks: readonly StatusCheck[]): StatusState {
  return checks.reduce<StatusState>((w, c) => (RANK[c.state] > RANK[w] ? c.state : w), 'ok');
}

function detailOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, DETAIL_MAX_CHARS);
}

export async function checkStore(store: Store, timeoutMs = STORE_CHECK_MS): Promise<StatusCheck> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([store.check(), late]);
    return { name: 'store', state: 'ok', code: 'store_ok' };
  } catch (err) {
    return { name: 'store', state: 'down', code: 'store_unreachable', detail: detailOf(err) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkDisk(dataDir: string, statfs: StatFs): Promise<StatusCheck> {
  let space: DiskSpace;
  try {
    space = await statfs(dataDir);
  } catch (err) {
    return { name: 'disk', state: 'down', code: 'disk_unreadable', detail: detailOf(err) };
  }
  const freeBytes = Number(space.bavail) * Number(space.bsize);
  if (freeBytes < DISK_DOWN_BYTES) return { name: 'disk', state: 'down', code: 'disk_full', freeBytes };
  if (freeBytes < DISK_DEGRADED_BYTES)
    return { name: 'disk', state: 'degraded', code: 'disk_low', freeBytes };
  return { name: 'disk', state: 'ok', code: 'disk_ok', freeBytes };
}

export function checkHub(probe: HubProbeResult): StatusCheck {
  return probe.alive
    ? { name: 'hub', state: 'ok', code: 'hub_ok' }
    : {
        name: 'hub',
        state: 'down',
        code: 'hub_unreachable',
        detail: probe.detail.slice(0, DETAIL_MAX_CHARS),
      };
}

export interface RelayCounts {
  rooms: number;
  /** Peers connected to the data plane. */
  peers: number;
  /** Of them, paused by backpressure now. */
  paused: number;
}

export function checkRelay(hubAlive: boolean, counts: RelayCounts): StatusCheck {
  const figures = { rooms: counts.rooms, paused: counts.paused };
  if (!hubAlive) return { name: 'relay', state: 'down', code: 'relay_unreachable', ...figures };
  const overloaded =
    counts.peers >= RELAY_PEERS_FOR_DEGRADED && counts.paused >= counts.peers * RELAY_PAUSED_DEGRADED_SHARE;
  return overloaded
    ? { name: 'relay', state: 'degraded', code: 'relay_overloaded', ...figures }
    : { name: 'relay', state: 'ok', code: 'relay_ok', ...figures };
}
