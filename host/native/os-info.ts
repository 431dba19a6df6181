/**
 * Describes this machine for `host.hello`: the protocol's OsInfo and whether the helper can share
 * this desktop, both from the platform registry (host/platform/registry.ts), so the native
 * channel and the server channel report the same thing.
 */
import type { OsInfo } from '../../protocol/helper-channel';
import {
  currentSystem,
  describeOs as describeSystem,
  unsupportedReason,
  type SystemFacts,
} from '../platform/registry';

export interface OsDescription {
  os: OsInfo;
  supported: boolean;
}

export function describeOs(facts: SystemFacts = currentSystem()): OsDescription {
  return { os: describeSystem(facts), supported: unsupportedReason(facts) === null };
}
