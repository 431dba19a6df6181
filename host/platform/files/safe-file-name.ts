/**
 * Makes a file name that came from outside (the agent's upload) safe to create in a folder on any
 * system. Contract: the result is one path component that is never empty, ".", or "..", holds no
 * path separator, no control character (C0, DEL, C1), none of Windows' forbidden characters
 * (<>:"|?*), no lone surrogate and no bidirectional override (which could disguise "txt.exe" as
 * "exe.txt"), is not a Windows device name (CON, NUL, COM1...), has no trailing dot or space, and
 * is at most FILE_NAME_MAX_BYTES bytes of UTF-8 (the extension kept where possible), and is
 * never hidden: leading dots become one "_" (".bashrc" -> "_bashrc"), so an upload can never
 * create a dotfile such as `.profile` that a shell or desktop would act on.
 */

/** Longest name we create, in UTF-8 bytes: leaves room under the usual 255 for " (999)" and our temp-file affixes. */
export const FILE_NAME_MAX_BYTES = 200;
/** Used when nothing of the given name survives. */
export const FALLBACK_FILE_NAME = 'file';
/** Longest extension kept whole when the name is shortened, in UTF-8 bytes. */
const EXTENSION_KEEP_MAX_BYTES = 24;
/** Characters looked at, at most: the result is short anyway, and this bounds the work on hostile input. */
const INPUT_MAX_CHARS = 4096;

const WINDOWS_FORBIDDEN = new Set(['<', '>', ':', '"', '|', '?', '*', '/', '\\']);
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

function isUnsafeCodePoint(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xd800 && cp <= 0xdfff) || // lone surrogate (a valid pair arrives as one code point above 0xffff)
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings and overrides
    (cp >= 0x2066 && cp <= 0x2069) || // bidi isolates
    cp === 0x200e ||
    cp === 0x200f || // LRM, RLM
    cp === 0xfeff // byte order mark
  );
}

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The longest prefix of `s` (whole code points) that fits in `maxBytes` of UTF-8. */
function truncateUtf8(s: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = utf8Bytes(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** Splits "report.final.pdf" into ["report.final", ".pdf"]; a leading dot is not an extension. */
export function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return [name, ''];
  return [name.slice(0, dot), name.slice(dot)];
}

export function safeFileName(input: string): string {
  let name = '';
  for (const ch of String(input).slice(0, INPUT_MAX_CHARS).normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    name += isUnsafeCodePoint(cp) || WINDOWS_FORBIDDEN.has(ch) ? '_' : ch;
  }
  // Windows drops trailing dots and spaces (so "a.txt." would become "a.txt"): remove them here,
  // with any white space around them in one pass (trim() first and dots after left "!\u00a0" from
  // "!\u00a0..", which the next call trimmed again: sanitising must be stable).
  name = name.replace(/^\s+/u, '').replace(/[\s.]+$/u, '');
  if (name === '' || /^\.+$/u.test(name)) name = FALLBACK_FILE_NAME;
  name = name.replace(/^\.+/u, '_');
  // Windows treats "CON", "con.txt" and "con.tar.gz" all as the console device.
  if (WINDOWS_DEVICE.test(name.split('.')[0]!.trimEnd())) name = `_${name}`;
  if (utf8Bytes(name) > FILE_NAME_MAX_BYTES) {
    const [s, e] = splitExtension(name);
    const keepExt = e !== '' && utf8Bytes(e) <= EXTENSION_KEEP_MAX_BYTES ? e : '';
    name = truncateUtf8(keepExt ? s : name, FILE_NAME_MAX_BYTES - utf8Bytes(keepExt)) + keepExt;
    name = name.replace(/[\s.]+$/u, '');
    if (name === '' || /^\.+$/u.test(name)) name = FALLBACK_FILE_NAME;
  }
  return name;
}

/** "name.ext", then "name (1).ext", "name (2).ext", ... up to `max` alternatives. */
export function* alternativeNames(name: string, max: number): Generator<string> {
  yield name;
  const [stem, ext] = splitExtension(name);
  for (let i = 1; i <= max; i++) yield `${stem} (${i})${ext}`;
}
