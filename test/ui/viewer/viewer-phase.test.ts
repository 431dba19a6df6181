/** What the viewer shows follows the facts; the connection refuses illegal moves. */
import { describe, expect, it } from 'vitest';
import { NO_GRANTS } from '../../../protocol/common';
import { canControl, derivePhase, nextConnection, type PhaseFacts } from '../../../ui/viewer/viewer-phase';

const ALL = { view: true, control: true, clipboard: true, files: false, reboot: false };
const base: PhaseFacts = {
  connection: 'open',
  helperPresent: true,
  secure: true,
  grants: ALL,
  viewWasGranted: true,
  paused: false,
  hasPicture: true,
};

describe('derivePhase', () => {
  it('walks from connecting to streaming', () => {
    expect(derivePhase({ ...base, connection: 'connecting' })).toBe('connecting');
    expect(derivePhase({ ...base, connection: 'retrying' })).toBe('connecting');
    expect(derivePhase({ ...base, helperPresent: false })).toBe('waiting_helper');
    expect(derivePhase({ ...base, secure: false })).toBe('securing');
    expect(derivePhase({ ...base, grants: NO_GRANTS, viewWasGranted: false })).toBe('waiting_consent');
    expect(derivePhase({ ...base, hasPicture: false })).toBe('waiting_picture');
    expect(derivePhase(base)).toBe('streaming');
  });

  it('tells a revoke from a consent not yet given, and a revoke wins over a pause', () => {
    expect(derivePhase({ ...base, grants: { ...ALL, view: false } })).toBe('revoked');
    expect(derivePhase({ ...base, grants: { ...ALL, view: false }, paused: true })).toBe('revoked');
    expect(derivePhase({ ...base, paused: true })).toBe('paused');
  });

  it('ends and refusals are final', () => {
    expect(derivePhase({ ...base, connection: 'ended' })).toBe('ended');
    expect(derivePhase({ ...base, connection: 'refused' })).toBe('refused');
  });

  it('allows input only while streaming with control granted', () => {
    expect(canControl('streaming', ALL)).toBe(true);
    expect(canControl('streaming', { ...ALL, control: false })).toBe(false);
    expect(canControl('paused', ALL)).toBe(false);
    expect(canControl('waiting_picture', ALL)).toBe(false);
  });
});

describe('nextConnection', () => {
  it('refuses illegal transitions', () => {
    expect(nextConnection('connecting', 'open')).toBe('open');
    expect(nextConnection('retrying', 'connecting')).toBe('connecting');
    expect(() => nextConnection('ended', 'connecting')).toThrow(/ended -> connecting/);
    expect(() => nextConnection('open', 'connecting')).toThrow();
    expect(() => nextConnection('refused', 'open')).toThrow();
  });
});
