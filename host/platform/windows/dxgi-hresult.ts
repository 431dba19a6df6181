/**
 * What the DXGI Desktop Duplication source does with each HRESULT Windows returns, as one table:
 * the source (dxgi-screen-source.ts) never compares codes itself. Unit-tested without Windows
 * (test/host/platform/windows/dxgi-hresult.test.ts).
 */

export const S_OK = 0;
export const E_NOTIMPL = 0x80004001;
export const E_NOINTERFACE = 0x80004002;
export const E_FAIL = 0x80004005;
export const E_ACCESSDENIED = 0x80070005;
export const E_INVALIDARG = 0x80070057;
export const DXGI_ERROR_INVALID_CALL = 0x887a0001;
export const DXGI_ERROR_NOT_FOUND = 0x887a0002;
export const DXGI_ERROR_MORE_DATA = 0x887a0003;
export const DXGI_ERROR_UNSUPPORTED = 0x887a0004;
export const DXGI_ERROR_DEVICE_REMOVED = 0x887a0005;
export const DXGI_ERROR_DEVICE_RESET = 0x887a0007;
export const DXGI_ERROR_NOT_CURRENTLY_AVAILABLE = 0x887a0022;
export const DXGI_ERROR_ACCESS_LOST = 0x887a0026;
export const DXGI_ERROR_WAIT_TIMEOUT = 0x887a0027;
export const DXGI_ERROR_SESSION_DISCONNECTED = 0x887a0028;

const NAMES: Readonly<Record<number, string>> = {
  [S_OK]: 'S_OK',
  [E_NOTIMPL]: 'E_NOTIMPL',
  [E_NOINTERFACE]: 'E_NOINTERFACE',
  [E_FAIL]: 'E_FAIL',
  [E_ACCESSDENIED]: 'E_ACCESSDENIED',
  [E_INVALIDARG]: 'E_INVALIDARG',
  [DXGI_ERROR_INVALID_CALL]: 'DXGI_ERROR_INVALID_CALL',
  [DXGI_ERROR_NOT_FOUND]: 'DXGI_ERROR_NOT_FOUND',
  [DXGI_ERROR_MORE_DATA]: 'DXGI_ERROR_MORE_DATA',
  [DXGI_ERROR_UNSUPPORTED]: 'DXGI_ERROR_UNSUPPORTED',
  [DXGI_ERROR_DEVICE_REMOVED]: 'DXGI_ERROR_DEVICE_REMOVED',
  [DXGI_ERROR_DEVICE_RESET]: 'DXGI_ERROR_DEVICE_RESET',
  [DXGI_ERROR_NOT_CURRENTLY_AVAILABLE]: 'DXGI_ERROR_NOT_CURRENTLY_AVAILABLE',
  [DXGI_ERROR_ACCESS_LOST]: 'DXGI_ERROR_ACCESS_LOST',
  [DXGI_ERROR_WAIT_TIMEOUT]: 'DXGI_ERROR_WAIT_TIMEOUT',
  [DXGI_ERROR_SESSION_DISCONNECTED]: 'DXGI_ERROR_SESSION_DISCONNECTED',
};

/** koffi gives an HRESULT as a signed 32-bit number: the unsigned value the tables use. */
export function hresult(value: number): number {
  return value >>> 0;
}

/** "0x887A0026 DXGI_ERROR_ACCESS_LOST", or the bare hex for a code without a name here. */
export function describeHresult(hr: number): string {
  const u = hresult(hr);
  const hex = `0x${u.toString(16).toUpperCase().padStart(8, '0')}`;
  const name = NAMES[u];
  return name ? `${hex} ${name}` : hex;
}

/**
 * After AcquireNextFrame:
 * - `frame`: a frame is held (read it, then ReleaseFrame);
 * - `unchanged`: nothing changed within the timeout;
 * - `recreate-output`: this output's duplication is gone (desktop switch, UAC prompt appearing,
 *   resolution or rotation change, a full-screen exclusive game): release it and duplicate again;
 * - `recreate-device`: the graphics device is gone (driver update, GPU removed or reset, session
 *   disconnected): release everything and start over from D3D11CreateDevice;
 * - `retry`: a transient failure; the duplication is kept and asked again on the next poll.
 */
export type AcquireDecision = 'frame' | 'unchanged' | 'recreate-output' | 'recreate-device' | 'retry';

const ACQUIRE: Readonly<Record<number, AcquireDecision>> = {
  [S_OK]: 'frame',
  [DXGI_ERROR_WAIT_TIMEOUT]: 'unchanged',
  [DXGI_ERROR_ACCESS_LOST]: 'recreate-output',
  [E_ACCESSDENIED]: 'recreate-output',
  [DXGI_ERROR_INVALID_CALL]: 'recreate-output',
  [DXGI_ERROR_DEVICE_REMOVED]: 'recreate-device',
  [DXGI_ERROR_DEVICE_RESET]: 'recreate-device',
  [DXGI_ERROR_SESSION_DISCONNECTED]: 'recreate-device',
};

export function acquireDecision(hr: number): AcquireDecision {
  return ACQUIRE[hresult(hr)] ?? 'retry';
}

/**
 * After DuplicateOutput (at open, or when recreating):
 * - `ok`: duplicating;
 * - `wait`: not now, later yes: the secure desktop is showing (E_ACCESSDENIED), another program
 *   holds all the duplications the system allows (NOT_CURRENTLY_AVAILABLE), the mode is
 *   changing (ACCESS_LOST); the source keeps trying every RECREATE_RETRY_MS and capture says why;
 * - `unsupported`: never on this system (Wine: E_NOTIMPL; Windows 7: no IDXGIOutput1; a remote
 *   session without a driver that duplicates): use GDI.
 */
export type DuplicateDecision = 'ok' | 'wait' | 'unsupported';

const DUPLICATE: Readonly<Record<number, DuplicateDecision>> = {
  [S_OK]: 'ok',
  [E_ACCESSDENIED]: 'wait',
  [DXGI_ERROR_NOT_CURRENTLY_AVAILABLE]: 'wait',
  [DXGI_ERROR_ACCESS_LOST]: 'wait',
  [DXGI_ERROR_SESSION_DISCONNECTED]: 'wait',
};

export function duplicateDecision(hr: number): DuplicateDecision {
  return DUPLICATE[hresult(hr)] ?? 'unsupported';
}
