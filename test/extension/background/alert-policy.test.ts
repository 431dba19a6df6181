import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../../protocol/common';
import { decideAlert } from '../../../extension/background/alert-policy';
import { DEFAULT_SETTINGS } from '../../../extension/lib/settings';

const entry: QueueEntry = {
  sessionId: 's1',
  portal: { slug: 'p', name: 'P' },
  customerName: 'Dana',
  problem: 'VPN',
  queuedAt: 0,
};
const me = 'agent-1';

describe('whether a new request rings', () => {
  it('rings with sound for an available agent, following the sound setting', () => {
    expect(
      decideAlert(entry, DEFAULT_SETTINGS, { myAgentId: me, available: true, inSession: false }),
    ).toEqual({
      show: true,
      sound: true,
      skippedBusy: false,
    });
    expect(
      decideAlert(
        entry,
        { ...DEFAULT_SETTINGS, playSound: false },
        { myAgentId: me, available: true, inSession: false },
      ).sound,
    ).toBe(false);
  });

  it('stays quiet for a busy agent, unless the request was transferred to them by name', () => {
    expect(
      decideAlert(entry, DEFAULT_SETTINGS, { myAgentId: me, available: false, inSession: false }),
    ).toEqual({
      show: false,
      sound: false,
      skippedBusy: true,
    });
    expect(
      decideAlert({ ...entry, targetAgentId: me }, DEFAULT_SETTINGS, {
        myAgentId: me,
        available: false,
        inSession: false,
      }).show,
    ).toBe(true);
  });

  it('uses the separate in-session choices while the agent has a session open', () => {
    const settings = {
      ...DEFAULT_SETTINGS,
      playSound: true,
      inSessionShowAlerts: false,
      inSessionPlaySound: true,
    };
    expect(decideAlert(entry, settings, { myAgentId: me, available: true, inSession: true })).toEqual({
      show: false,
      sound: true,
      skippedBusy: false,
    });
    const quiet = { ...DEFAULT_SETTINGS, inSessionShowAlerts: true, inSessionPlaySound: false };
    expect(decideAlert(entry, quiet, { myAgentId: me, available: true, inSession: true })).toEqual({
      show: true,
      sound: false,
      skippedBusy: false,
    });
  });
});
