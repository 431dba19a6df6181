/**
 * What the viewer shows, as a function of a few facts (so it cannot drift from them), and the
 * connection's own state machine (explicit transitions; an illegal one throws).
 *
 * Connection: connecting -> open -> retrying -> connecting ...; ended and refused are final.
 * Phase, derived: the connection first, then the helper, the key agreement, the customer's
 * consent, pause, and whether a picture has arrived.
 */
import type { Features, Grants } from '../../protocol/common';

export type Connection = 'connecting' | 'open' | 'retrying' | 'ended' | 'refused';

const CONNECTION_TRANSITIONS: Readonly<Record<Connection, readonly Connection[]>> = {
  connecting: ['open', 'retrying', 'ended', 'refused'],
  open: ['retrying', 'ended', 'refused'],
  retrying: ['connecting', 'ended'],
  ended: [],
  refused: [],
};

export function nextConnection(from: Connection, to: Connection): Connection {
  if (!CONNECTION_TRANSITIONS[from].includes(to)) {
    throw new Error(`viewer connection: ${from} -> ${to} is not allowed`);
  }
  return to;
}

export function canMoveConnection(from: Connection, to: Connection): boolean {
  return CONNECTION_TRANSITIONS[from].includes(to);
}

export type Phase =
  | 'connecting'
  | 'waiting_helper'
  | 'securing'
  | 'waiting_consent'
  | 'waiting_picture'
  | 'streaming'
  | 'paused'
  | 'revoked'
  | 'ended'
  | 'refused';

export interface PhaseFacts {
  connection: Connection;
  helperPresent: boolean;
  secure: boolean;
  grants: Grants | null;
  /** View was granted at some point since the helper joined (a later "no view" is a revoke). */
  viewWasGranted: boolean;
  paused: boolean;
  hasPicture: boolean;
}

export function derivePhase(f: PhaseFacts): Phase {
  if (f.connection === 'ended') return 'ended';
  if (f.connection === 'refused') return 'refused';
  if (f.connection !== 'open') return 'connecting';
  if (!f.helperPresent) return 'waiting_helper';
  if (!f.secure) return 'securing';
  if (!f.grants?.view) return f.viewWasGranted ? 'revoked' : 'waiting_consent';
  if (f.paused) return 'paused';
  return f.hasPicture ? 'streaming' : 'waiting_picture';
}

/**
 * Whether the agent's input may be sent now: the customer granted control AND the agent's manager
 * enabled it (`features` null: a server that did not say; its relay still decides).
 */
export function canControl(phase: Phase, grants: Grants | null, features: Features | null = null): boolean {
  return phase === 'streaming' && grants?.control === true && features?.screenControl !== false;
}

/** The agent's account may not control (the relay would refuse every input frame). */
export function controlDisabledByAccount(features: Features | null): boolean {
  return features?.screenControl === false;
}
