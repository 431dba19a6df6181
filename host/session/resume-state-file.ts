/**
 * The per-user file that carries a session across the helper's end: a reboot, a crash, a kill, a
 * closed terminal. It holds the server's origin, the resume token of the helper's last welcome
 * and, once the customer answered, the consent they gave (grants and the agents they approved).
 * The running helper writes it at every welcome and every consent change, refreshes it every
 * RESUME_STATE_REFRESH_MS while connected, and deletes it when sharing ends (only if it still
 * holds its own token: a newer helper may have taken the session over). The helper started
 * afterwards (`lifeline-helper resume`) reads it, comes back into the same session, and asks for
 * consent again only if none was given. It holds a credential, so it is created with mode 0600
 * in a folder only the user can enter: $XDG_STATE_HOME/lifeline, else ~/.local/state/lifeline.
 * Reading checks the size before reading and validates every field; a file not refreshed for
 * longer than the server waits is refused with a clear code.
 */
import { link, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { Grants, PersonName, Token } from '../../protocol/common';
import { writePrivateFile } from './private-file';
import { ProtocolError } from '../../protocol/errors';
import { RECONNECT_GRACE_MS } from '../../protocol/limits';
import { currentSystem, stateFolder, type SystemFacts } from '../platform/registry';

/** Name of the state file inside the state folder. */
export const RESUME_FILE_NAME = 'resume.json';
/** Largest state file read, in bytes (the real one is about 300 bytes, 2 kB with 16 agents). */
const RESUME_FILE_MAX_BYTES = 16 * 1024;
/** How often a connected helper rewrites the file (so its age says when the helper was last alive), in ms. */
export const RESUME_STATE_REFRESH_MS = 60_000;
/** Agents remembered as approved at most (a session has at most 16 viewers). */
const APPROVED_AGENTS_MAX = 32;

export const ResumeState = z.object({
  /** The server's origin, as the helper joined it. */
  server: z.string().url().max(2048),
  resumeToken: Token,
  sessionId: Token,
  /** When the file was written, ms since the epoch: after RECONNECT_GRACE_MS it is useless. */
  savedAt: z.number().int().min(0),
  /** The consent the customer gave in this session, if they answered: not asked again on resume. */
  consent: z.object({ grants: Grants, agents: z.array(PersonName).max(APPROVED_AGENTS_MAX) }).optional(),
});
export type ResumeState = z.infer<typeof ResumeState>;

/** This user's state file (in the platform's state folder). */
export function defaultStateFile(system: SystemFacts = currentSystem()): string {
  return path.join(stateFolder(system).dir, RESUME_FILE_NAME);
}

/** Names the file moved aside by deleteResumeStateOf (one per delete). */
let asideCount = 0;

/**
 * Writes the state atomically, readable by this user only (private-file.ts: writes to one file go
 * one after the other, each through its own temporary name; two sharing one name once renamed a
 * file still being written, and a reader saw it empty).
 */
export async function writeResumeState(file: string, state: ResumeState): Promise<void> {
  return writePrivateFile(file, `${JSON.stringify(ResumeState.parse(state))}\n`);
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
  if (now - parsed.data.savedAt > RECONNECT_GRACE_MS + RESUME_STATE_REFRESH_MS) {
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

/**
 * Deletes the state only if it still holds `resumeToken`: a helper that ends must not delete the
 * state a newer helper (which took the session over) has written since.
 */
export async function deleteResumeStateOf(file: string, resumeToken: string): Promise<void> {
  if ((await tokenIn(file)) === OTHER_HELPER) return;
  // Ours a moment ago; a newer helper may write between that read and a delete, so the file is
  // first moved aside (atomic), read again there, and put back if it turned out to be the newer
  // helper's, unless that helper has written yet again meanwhile (link never overwrites).
  const aside = `${file}.${process.pid}.${++asideCount}.del`;
  try {
    await rename(file, aside);
  } catch {
    return;
  }
  if ((await tokenIn(aside)) === OTHER_HELPER) await link(aside, file).catch(() => undefined);
  await rm(aside, { force: true });

  async function tokenIn(where: string): Promise<typeof OURS | typeof OTHER_HELPER> {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(where, 'utf8'));
    } catch {
      return OURS; // missing or unreadable: nothing of another helper's to keep
    }
    const parsed = ResumeState.safeParse(raw);
    return parsed.success && parsed.data.resumeToken !== resumeToken ? OTHER_HELPER : OURS;
  }
}

const OURS = 'ours';
const OTHER_HELPER = 'other';
