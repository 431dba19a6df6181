/**
 * The customer's places from the known-folder API (SHGetKnownFolderPath), which follows folders
 * the customer or IT moved (a Desktop redirected to OneDrive, Documents on another drive) where
 * guessing %USERPROFILE%\Desktop would not.
 */
import { win32 } from './win32';

/** FOLDERID_* GUIDs, as the four fields of a GUID. */
const FOLDERS: { name: string; id: [number, number, number, number[]] }[] = [
  { name: 'Home', id: [0x5e6c858f, 0x0e22, 0x4760, [0x9a, 0xfe, 0xea, 0x33, 0x17, 0xb6, 0x71, 0x73]] },
  { name: 'Desktop', id: [0xb4bfcc3a, 0xdb2c, 0x424c, [0xb0, 0x29, 0x7f, 0xe9, 0x9a, 0x87, 0xc6, 0x41]] },
  { name: 'Downloads', id: [0x374de290, 0x123f, 0x4565, [0x91, 0x64, 0x39, 0xc4, 0x92, 0x5e, 0x46, 0x7b]] },
  { name: 'Documents', id: [0xfdd39ad0, 0x238f, 0x46af, [0xad, 0xb4, 0x6c, 0x85, 0x48, 0x03, 0x69, 0xc7]] },
];

/** Each known folder Windows gives a path for (a folder that does not exist yet is skipped by the caller). */
export function knownFolders(): { name: string; path: string }[] {
  const { shell32, ole32, koffi } = win32();
  const out: { name: string; path: string }[] = [];
  for (const f of FOLDERS) {
    const guid = { Data1: f.id[0], Data2: f.id[1], Data3: f.id[2], Data4: f.id[3] };
    const result = [null];
    if (shell32.SHGetKnownFolderPath(guid, 0, null, result) !== 0 || !result[0]) continue;
    try {
      // The result is a NUL-terminated UTF-16 string at that address (length -1: up to the NUL).
      out.push({ name: f.name, path: koffi.decode(result[0], 'char16', -1) as string });
    } finally {
      ole32.CoTaskMemFree(result[0]);
    }
  }
  return out;
}
