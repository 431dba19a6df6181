/**
 * Runs the status checks (status-checks.ts) and keeps the result for STATUS_REUSE_MS: /status is
 * public, and a monitor (or anyone) polling it must not turn into a stream of store reads,
 * statfs calls and loopback WebSockets. Requests that arrive while a run is in progress share it.
 */
import { statfs as nodeStatfs } from 'node:fs/promises';
import type { StatusCheck, StatusState } from '../../protocol/http-api';
import type { Store } from '../store/store';
import { probeHub, type HubProbeResult, type HubProbeTarget } from './hub-probe';
import {
  checkDisk,
  checkHub,
  checkRelay,
  checkStore,
  worstState,
  type RelayCounts,
  type StatFs,
} from './status-checks';

/** How long one run of the checks answers every status request, in ms. */
export const STATUS_REUSE_MS = 5_000;

export interface StatusReport {
  status: StatusState;
  checkedAt: number;
  checks: StatusCheck[];
}

export interface ServiceStatusDeps {
  store: Store;
  dataDir: string;
  /** Where the hub listens; null until the server listens (the hub is then reported down). */
  hubTarget(): HubProbeTarget | null;
  relayCounts(): RelayCounts;
  now(): number;
  /** Tests fill the disk through this; fs.promises.statfs otherwise. */
  statfs?: StatFs;
  /** Tests set 0 to see every change at once. */
  reuseMs?: number;
  probe?: (target: HubProbeTarget) => Promise<HubProbeResult>;
}

export class ServiceStatus {
  private last: StatusReport | null = null;
  private running: Promise<StatusReport> | null = null;

  constructor(private readonly deps: ServiceStatusDeps) {}

  report(): Promise<StatusReport> {
    const reuseMs = this.deps.reuseMs ?? STATUS_REUSE_MS;
    if (this.last && this.deps.now() - this.last.checkedAt < reuseMs) return Promise.resolve(this.last);
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<StatusReport> {
    const { store, dataDir, hubTarget, relayCounts, now } = this.deps;
    const target = hubTarget();
    const probe = this.deps.probe ?? probeHub;
    const [storeCheck, diskCheck, hubProbe] = await Promise.all([
      checkStore(store),
      checkDisk(dataDir, this.deps.statfs ?? nodeStatfs),
      target ? probe(target) : Promise.resolve<HubProbeResult>({ alive: false, detail: 'not listening yet' }),
    ]);
    const checks = [storeCheck, diskCheck, checkHub(hubProbe), checkRelay(hubProbe.alive, relayCounts())];
    this.last = { status: worstState(checks), checkedAt: now(), checks };
    return this.last;
  }
}
