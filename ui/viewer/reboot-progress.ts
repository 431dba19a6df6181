/**
 * The agent's view of a restart of the customer's computer, as an explicit state machine (an
 * illegal step throws): asked from the viewer -> `restarting` (the helper saves the session and
 * restarts the machine) -> `waiting` (the helper's link dropped; the server keeps the session for
 * RECONNECT_GRACE_MS, the FAQ's 10 minutes) -> `back` (the helper resumed) or `gaveUp` (the server's
 * grace ran out without it). A refusal by the customer's system, or the customer ending the sharing
 * from the restarted helper, clears it (their own notices say why).
 *
 * Whether the viewer may offer the restart at all is `canRestart`: the customer granted `reboot`
 * AND the agent's manager allows it (`features.reboot`; null features: the server did not say, its
 * relay still decides).
 */
import type { Features, Grants } from '../../protocol/common';
import { RECONNECT_GRACE_MS } from '../../protocol/limits';

export type RebootStage = 'restarting' | 'waiting' | 'back' | 'gaveUp';

export type RebootEvent = 'asked' | 'helperAway' | 'helperBack' | 'helperGone' | 'cleared';

/** How long the agent's view waits for the computer, in whole minutes (the server's grace). */
export const REBOOT_WAIT_MINUTES = Math.round(RECONNECT_GRACE_MS / 60_000);

type Stage = RebootStage | null;
const key = (s: Stage) => s ?? 'none';

const TRANSITIONS: Readonly<Record<RebootStage | 'none', Partial<Record<RebootEvent, Stage>>>> = {
  none: { asked: 'restarting' },
  // Still here (seen again after the viewer's own reconnect): the restart has not happened yet.
  restarting: { helperAway: 'waiting', helperBack: 'restarting', helperGone: 'gaveUp', cleared: null },
  waiting: { helperAway: 'waiting', helperBack: 'back', helperGone: 'gaveUp', cleared: null },
  // Once over, the next change of the helper's presence is news of its own: the outcome goes.
  back: { asked: 'restarting', helperBack: 'back', helperAway: null, helperGone: null, cleared: null },
  gaveUp: { asked: 'restarting', helperGone: 'gaveUp', helperAway: null, helperBack: null, cleared: null },
};

/** The next stage, or throws for a step the machine does not have. */
export function nextRebootStage(from: Stage, event: RebootEvent): Stage {
  const to = TRANSITIONS[key(from)][event];
  if (to === undefined) throw new Error(`reboot progress: ${key(from)} -> ${event} is not allowed`);
  return to;
}

/** Whether `event` moves the machine from `from` (events that do not apply are ignored by callers). */
export function rebootEventApplies(from: Stage, event: RebootEvent): boolean {
  return TRANSITIONS[key(from)][event] !== undefined;
}

/** A restart is under way: the viewer does not offer another one. */
export function rebootInProgress(stage: Stage): boolean {
  return stage === 'restarting' || stage === 'waiting';
}

/** The customer granted `reboot` and the agent's account may use it. */
export function canRestart(grants: Grants | null, features: Features | null): boolean {
  return grants?.reboot === true && features?.reboot !== false;
}
