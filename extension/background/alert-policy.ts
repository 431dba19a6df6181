/**
 * Whether a new request rings and shows an alert, from the agent's settings and situation:
 * busy agents get no alert unless the request was transferred to them by name; while the agent
 * has a session open, the separate in-session choices apply.
 */
import type { QueueEntry } from '../../protocol/common';
import type { Settings } from '../lib/settings';

export interface AlertSituation {
  myAgentId: string;
  available: boolean;
  /** The agent has at least one open session. */
  inSession: boolean;
}

export interface AlertDecision {
  show: boolean;
  sound: boolean;
  /** Nothing shown because the agent is busy (the server re-sends it when they are available). */
  skippedBusy: boolean;
}

export function decideAlert(entry: QueueEntry, settings: Settings, situation: AlertSituation): AlertDecision {
  const forMe = entry.targetAgentId === situation.myAgentId;
  if (!situation.available && !forMe) return { show: false, sound: false, skippedBusy: true };
  if (situation.inSession) {
    return {
      show: settings.inSessionShowAlerts,
      sound: settings.inSessionPlaySound,
      skippedBusy: false,
    };
  }
  return { show: true, sound: settings.playSound, skippedBusy: false };
}
