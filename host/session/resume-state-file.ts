/**
 * The per-user file that carries a session across a reboot: the server's origin and the resume
 * token of the helper's last welcome, written just before the helper asks the system to reboot,
 * read by the helper started after it (`lifeline-helper resume`), and deleted once used or when
 * sharing ends. It holds a credential, so it is created with mode 0600 in a folder only the user
 * can enter: $XDG_STATE_HOME/lifeline, else ~/.local/state/lifeline. Reading checks the size
 * before reading and validates every field; a file too old to resume is refused with a clear code.
 */
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { Token } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';
import { RECONNECT_GRACE_MS } from '../../protocol/limits';
import { currentSystem, stateFolder, type SystemFacts } from '../platform/registry';

/** Name of the state file inside the state folder. */
export const RESUME_FILE_NAME = 'resume.json';
/** Largest state file read, in bytes (the real one is about 300 bytes). */
const RESUME_FILE_MAX_BYTES = 4096;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export const ResumeState = z.object({
  /** The server's origin, as the helper joined it. */
  server: z.string().url().max(2048),
  resumeToken: Token,
  sessionId: Token,
  /** When the file was written, ms since the epoch: after RECONNECT_GRACE_MS it is useless. */
  savedAt: z.number().int().min(0),
});
export type ResumeState = z.infer<typeof ResumeState>;

/** This user's state file (in the platform's state folder). */
export function defaultStateFile(system: SystemFacts = currentSystem()): string {
  return path.join(stateFolder(system).dir, RESUME_FILE_NAME);
}

/** Writes the state atomically (temporary file, then rename), readable by this user only. */
export async function writeResumeState(file: string, state: ResumeState): Promise<void> {
  const checked = ResumeState.parse(state);
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', FILE_MODE);
  try {
    await handle.writeFile(`${JSON.stringify(checked)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The mode given to open() is masked by the umask; make sure of 0600 before it has a name.
  await chmod(temp, FILE_MODE);
  await rename(temp, file);
}

/**
 * Reads and validates the state. Throws ProtocolError: `not_found` when there is none,
 * `resume_expired` when it is older than the grace period, `bad_request` when it is malformed
 * or readable by others (where the system's file modes say so: `unixModes`).
 */
export async function readResumeState(
  file: string,
  now: number = Date.now(),
  unixModes: boolean = stateFolder().unixModes,
): Promise<ResumeState> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new ProtocolError('not_found', `no saved session to resume (${file} does not exist)`);
  }
  if (!info.isFile() || info.size > RESUME_FILE_MAX_BYTES) {
    throw new ProtocolError('bad_request', `${file} is not a Lifeline state file`);
  }
  if (unixModes && (info.mode & 0o077) !== 0) {
    throw new ProtocolError('bad_request', `${file} is readable by other users; it is ignored`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new ProtocolError('bad_request', `${file} is not valid JSON`);
  }
  const parsed = ResumeState.safeParse(raw);
  if (!parsed.success) throw new ProtocolError('bad_request', `${file} is not a Lifeline state file`);
  if (now - parsed.data.savedAt > RECONNECT_GRACE_MS) {
    throw new ProtocolError(
      'resume_expired',
      'the saved session is older than 10 minutes and can no longer resume; ask the agent for a new code',
    );
  }
  return parsed.data;
}

export async function deleteResumeState(file: string): Promise<void> {
  await rm(file, { force: true });
}
