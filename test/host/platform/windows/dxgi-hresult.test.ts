/**
 * What the DXGI source does with each HRESULT Windows may return (the table in dxgi-hresult.ts):
 * a wrong row would freeze the picture (a lost duplication taken for "nothing changed") or drop
 * DXGI where it works (a passing secure desktop taken for "unsupported").
 */
import { describe, expect, it } from 'vitest';
import {
  acquireDecision,
  describeHresult,
  duplicateDecision,
  DXGI_ERROR_ACCESS_LOST,
  DXGI_ERROR_DEVICE_REMOVED,
  DXGI_ERROR_DEVICE_RESET,
  DXGI_ERROR_NOT_CURRENTLY_AVAILABLE,
  DXGI_ERROR_SESSION_DISCONNECTED,
  DXGI_ERROR_UNSUPPORTED,
  DXGI_ERROR_WAIT_TIMEOUT,
  E_ACCESSDENIED,
  E_NOINTERFACE,
  E_NOTIMPL,
} from '../../../../host/platform/windows/dxgi-hresult';

describe('DXGI HRESULT -> what the capture does', () => {
  it('after AcquireNextFrame: a frame, nothing new, duplicate again, start over, or ask again', () => {
    expect(acquireDecision(0)).toBe('frame');
    expect(acquireDecision(DXGI_ERROR_WAIT_TIMEOUT)).toBe('unchanged');
    // Desktop switch, UAC prompt, resolution change: the duplication is dead, the device is not.
    expect(acquireDecision(DXGI_ERROR_ACCESS_LOST)).toBe('recreate-output');
    expect(acquireDecision(E_ACCESSDENIED)).toBe('recreate-output');
    expect(acquireDecision(DXGI_ERROR_DEVICE_REMOVED)).toBe('recreate-device');
    expect(acquireDecision(DXGI_ERROR_DEVICE_RESET)).toBe('recreate-device');
    expect(acquireDecision(DXGI_ERROR_SESSION_DISCONNECTED)).toBe('recreate-device');
    expect(acquireDecision(0x80004005)).toBe('retry');
  });

  it('takes HRESULTs as koffi gives them (signed 32-bit) as well as unsigned', () => {
    expect(acquireDecision(DXGI_ERROR_WAIT_TIMEOUT | 0)).toBe('unchanged');
    expect(DXGI_ERROR_WAIT_TIMEOUT | 0).toBeLessThan(0);
    expect(duplicateDecision(E_NOTIMPL | 0)).toBe('unsupported');
  });

  it('after DuplicateOutput: duplicating, later (secure desktop, busy), or never (GDI then)', () => {
    expect(duplicateDecision(0)).toBe('ok');
    expect(duplicateDecision(E_ACCESSDENIED)).toBe('wait');
    expect(duplicateDecision(DXGI_ERROR_NOT_CURRENTLY_AVAILABLE)).toBe('wait');
    expect(duplicateDecision(DXGI_ERROR_ACCESS_LOST)).toBe('wait');
    // Wine's stub, Windows 7 (no IDXGIOutput1), a driver that cannot duplicate.
    expect(duplicateDecision(E_NOTIMPL)).toBe('unsupported');
    expect(duplicateDecision(E_NOINTERFACE)).toBe('unsupported');
    expect(duplicateDecision(DXGI_ERROR_UNSUPPORTED)).toBe('unsupported');
  });

  it('names a code in logs as hex and, where known, its name', () => {
    expect(describeHresult(E_NOTIMPL | 0)).toBe('0x80004001 E_NOTIMPL');
    expect(describeHresult(DXGI_ERROR_ACCESS_LOST)).toBe('0x887A0026 DXGI_ERROR_ACCESS_LOST');
    expect(describeHresult(0x8899aabb)).toBe('0x8899AABB');
  });
});
