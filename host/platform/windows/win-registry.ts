/**
 * String values in the Windows registry (advapi32), for the native-messaging registrations and the
 * RunOnce entry that resumes a session after a reboot. Keys are written "HKCU\\Software\\..." or
 * "HKLM\\Software\\..."; the 64-bit view is used (KEY_WOW64_64KEY) so a key lands where 64-bit
 * browsers read it. Errors carry Windows' code and say what to do when access is denied.
 */
import { ProtocolError } from '../../../protocol/errors';
import type { NativeHostRegistry } from '../native-host-locations';
import { win32, type Handle } from './win32';

/** Largest string value read, in bytes (a path in a manifest registration is far shorter). */
const VALUE_MAX_BYTES = 64 * 1024;
const ROOTS: Record<string, number> = { HKCU: 0x80000001, HKLM: 0x80000002 };
const KEY_READ = 0x20019;
const KEY_WRITE = 0x20006;
const KEY_WOW64_64KEY = 0x0100;
const REG_SZ = 1;
const REG_DWORD = 4;
const ERROR_SUCCESS = 0;
const ERROR_FILE_NOT_FOUND = 2;
const ERROR_ACCESS_DENIED = 5;

function split(key: string): { root: number; path: string } {
  const [hive, ...rest] = key.split('\\');
  const root = ROOTS[hive ?? ''];
  if (root === undefined || rest.length === 0)
    throw new ProtocolError('bad_request', `not a registry key: ${key}`);
  return { root, path: rest.join('\\') };
}

function failure(action: string, key: string, code: number): ProtocolError {
  if (code === ERROR_ACCESS_DENIED) {
    return new ProtocolError(
      'forbidden',
      `cannot ${action} ${key}: access denied (machine-wide registration needs an administrator: run it from an elevated prompt)`,
    );
  }
  return new ProtocolError('internal_error', `cannot ${action} ${key}: Windows error ${code}`);
}

/** A value's type and bytes, or null when the key or the value does not exist. */
function readValue(key: string, name: string | null): { type: number; data: Buffer } | null {
  const { advapi32 } = win32();
  const { root, path } = split(key);
  const handle: Handle[] = [null];
  const opened = advapi32.RegOpenKeyExW(root, path, 0, KEY_READ | KEY_WOW64_64KEY, handle);
  if (opened === ERROR_FILE_NOT_FOUND) return null;
  if (opened !== ERROR_SUCCESS) throw failure('read', key, opened);
  try {
    const type = [0];
    const size = [VALUE_MAX_BYTES];
    const data = Buffer.alloc(VALUE_MAX_BYTES);
    const got = advapi32.RegQueryValueExW(handle[0], name, null, type, data, size);
    if (got === ERROR_FILE_NOT_FOUND) return null;
    if (got !== ERROR_SUCCESS) throw failure('read', key, got);
    return { type: type[0]!, data: data.subarray(0, size[0]) };
  } finally {
    advapi32.RegCloseKey(handle[0]);
  }
}

export function readString(key: string, name: string | null): string | null {
  const value = readValue(key, name);
  if (!value || value.type !== REG_SZ) return null;
  return value.data.toString('utf16le').replace(/\0+$/, '');
}

export function readDword(key: string, name: string): number | null {
  const value = readValue(key, name);
  if (!value || value.type !== REG_DWORD || value.data.length < 4) return null;
  return value.data.readUInt32LE(0);
}

export function writeString(key: string, name: string | null, value: string): void {
  const { advapi32 } = win32();
  const { root, path } = split(key);
  const handle: Handle[] = [null];
  const created = advapi32.RegCreateKeyExW(
    root,
    path,
    0,
    null,
    0,
    KEY_WRITE | KEY_WOW64_64KEY,
    null,
    handle,
    [0],
  );
  if (created !== ERROR_SUCCESS) throw failure('write', key, created);
  try {
    const data = Buffer.from(`${value}\0`, 'utf16le');
    const set = advapi32.RegSetValueExW(handle[0], name, 0, REG_SZ, data, data.length);
    if (set !== ERROR_SUCCESS) throw failure('write', key, set);
  } finally {
    advapi32.RegCloseKey(handle[0]);
  }
}

export function deleteValue(key: string, name: string): void {
  const { advapi32 } = win32();
  const { root, path } = split(key);
  const handle: Handle[] = [null];
  const opened = advapi32.RegOpenKeyExW(root, path, 0, KEY_WRITE | KEY_WOW64_64KEY, handle);
  if (opened === ERROR_FILE_NOT_FOUND) return;
  if (opened !== ERROR_SUCCESS) throw failure('change', key, opened);
  try {
    const got = advapi32.RegDeleteValueW(handle[0], name);
    if (got !== ERROR_SUCCESS && got !== ERROR_FILE_NOT_FOUND) throw failure('change', key, got);
  } finally {
    advapi32.RegCloseKey(handle[0]);
  }
}

export function deleteKey(key: string): void {
  const { advapi32 } = win32();
  const { root, path } = split(key);
  const got = advapi32.RegDeleteKeyW(root, path);
  if (got !== ERROR_SUCCESS && got !== ERROR_FILE_NOT_FOUND) throw failure('remove', key, got);
}

/** The registry as the native-host installer sees it (default values of keys). */
export const windowsNativeHostRegistry: NativeHostRegistry = {
  readDefault: (key) => readString(key, null),
  writeDefault: (key, value) => writeString(key, null, value),
  remove: (key) => deleteKey(key),
};
