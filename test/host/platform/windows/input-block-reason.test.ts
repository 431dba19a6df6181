/**
 * Why Windows refused input, decided from what Windows says at that moment (an injected facade:
 * under Wine everything runs elevated and there is no secure desktop, so the real Win32 reads are
 * not exercised here). Each refusal becomes a stable code the viewer has words for.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../../protocol/errors';
import {
  inputBlockedError,
  inputBlockReason,
  type InputBlockFacade,
} from '../../../../host/platform/windows/input-block-reason';
import { refusalCodeOf } from '../../../../host/session/input-dispatcher';

function facade(desktop: string | null, foreground: boolean | null, self: boolean): InputBlockFacade {
  return {
    inputDesktopName: () => desktop,
    foregroundElevated: () => foreground,
    selfElevated: () => self,
  };
}

describe('why Windows refused injected input', () => {
  it('the secure desktop (UAC prompt, Ctrl+Alt+Del) when the input desktop cannot be opened or is not Default', () => {
    expect(inputBlockReason(facade(null, null, false))).toBe('secure_desktop');
    expect(inputBlockReason(facade('Winlogon', false, false))).toBe('secure_desktop');
    // Even an elevated helper cannot reach it (only SYSTEM can).
    expect(inputBlockReason(facade(null, true, true))).toBe('secure_desktop');
  });

  it('an administrator window in front when the helper is not elevated', () => {
    expect(inputBlockReason(facade('Default', true, false))).toBe('elevated_window');
    expect(inputBlockReason(facade('default', true, false))).toBe('elevated_window');
  });

  it('no known reason otherwise (the caller keeps its general message)', () => {
    expect(inputBlockReason(facade('Default', false, false))).toBeNull();
    expect(inputBlockReason(facade('Default', null, false))).toBeNull();
    expect(inputBlockReason(facade('Default', true, true))).toBeNull();
    expect(inputBlockedError(facade('Default', false, false))).toBeNull();
  });

  it('each reason is a stable code that reaches the agent unchanged, with words that say what to do', () => {
    const secure = inputBlockedError(facade('Winlogon', null, false));
    const admin = inputBlockedError(facade('Default', true, false));
    expect(secure).toBeInstanceOf(ProtocolError);
    expect(secure?.code).toBe('input_blocked_secure_desktop');
    expect(secure?.message).toMatch(/ask the customer to answer it/);
    expect(admin?.code).toBe('input_blocked_elevated');
    expect(admin?.message).toMatch(/administrator/);
    expect(refusalCodeOf(secure)).toBe('input_blocked_secure_desktop');
    expect(refusalCodeOf(admin)).toBe('input_blocked_elevated');
  });
});
