/**
 * The helper's journal of uploads in progress, on the customer's disk, so that an upload outlives
 * the helper process (a crash, a kill -9, a closed terminal, a reboot): one small JSON file per
 * upload, `<state dir>/transfers/<id>.json` (0600, in the 0700 state folder of
 * resume-state-file.ts), written when the upload opens its part file and removed when it settles.
 * It says which session and agent the upload belongs to, where its part file is (which carries
 * the transfer's id in its name: it belongs to that one transfer), and which helper process
 * owns it now.
 *
 * Ownership: each helper process has its own random `owner` id. A helper that resumes an upload a
 * previous process left takes it over (writes its owner); a process deletes a part file only
 * while it owns it, so an old helper that ends late (still retrying when the customer started a
 * new one) never deletes the part file the new one writes into.
 *
 * At start (`sweep`), entries of other sessions, and those whose part file has not changed for
 * longer than the grace period, are stale: their part files are deleted, unless the helper
 * process that owns them still runs (another session's helper beside this one cleans up itself). This is housekeeping of
 * the helper's own temporary files, done before any consent: only a regular file whose name is
 * the one that upload got (`.<name>.<id>.lifeline-part`) is ever deleted. Entries of the session
 * being resumed are handed back for adoption (file-transfer-service.ts).
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { PersonName } from '../../../protocol/common';
import { FILE_NAME_MAX_CHARS, FileId, FileOffset, Sha256Hex } from '../../../protocol/data/files';
import { PART_SUFFIX } from '../../platform/types';

/** Largest journal file read, in bytes (a real one is under 1 kB, 9 kB with the longest paths). */
const ENTRY_MAX_BYTES = 16 * 1024;
/** Journal entries read at start at most (a session holds 8 transfers; more means litter). */
const ENTRIES_MAX = 256;
const PATH_MAX_CHARS = 4096;

export const JournalEntry = z.object({
  id: FileId,
  sessionId: z.string().min(1).max(200),
  agentName: PersonName,
  /** The name the viewer offered (sanitised again by FileAccess at each open). */
  name: z.string().min(1).max(FILE_NAME_MAX_CHARS),
  size: FileOffset,
  sha256: Sha256Hex.nullable(),
  /** The resolved folder the upload goes to. */
  dir: z.string().min(1).max(PATH_MAX_CHARS),
  /** "Documents/reports", for the customer's lines. */
  label: z.string().max(PATH_MAX_CHARS),
  partPath: z.string().min(1).max(PATH_MAX_CHARS),
  owner: z.string().regex(/^[0-9a-f]{32}$/),
  pid: z.number().int().min(0),
  startedAt: z.number().int().min(0),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

export type NewEntry = Omit<JournalEntry, 'owner' | 'pid' | 'startedAt'>;

export interface SweepOptions {
  /** The session this helper serves: its entries are kept and returned. */
  sessionId: string;
  /** A part file unchanged for longer than this is stale, in ms. */
  idleMs: number;
  now: number;
}

export class TransferJournal {
  /** This process's owner id. */
  readonly owner: string;
  /** Ids this process recorded or took over. */
  private readonly mine = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly log: (event: string, details?: Record<string, unknown>) => void = () => undefined,
    owner: string = randomBytes(16).toString('hex'),
    private readonly pid: number = process.pid,
  ) {
    this.owner = owner;
  }

  /** An upload opened its part file: it is this process's now. */
  async record(entry: NewEntry): Promise<void> {
    await this.write({ ...entry, owner: this.owner, pid: this.pid, startedAt: Date.now() });
    this.mine.add(entry.id);
  }

  async get(id: string): Promise<JournalEntry | null> {
    if (!FileId.safeParse(id).success) return null;
    return this.read(path.join(this.dir, `${id}.json`));
  }

  /** This process goes on with an upload a previous one left: it owns it from now on. */
  async takeOver(entry: JournalEntry): Promise<void> {
    await this.write({ ...entry, owner: this.owner, pid: this.pid });
    this.mine.add(entry.id);
    this.log('file_taken_over', { id: entry.id, from: entry.pid });
  }

  /** Whether this process owns the upload (another process may have taken it over since). */
  async owns(id: string): Promise<boolean> {
    if (!this.mine.has(id)) return false;
    const entry = await this.get(id);
    return entry === null || entry.owner === this.owner;
  }

  /** Whether this process may delete an upload's part file: it owns it, or its owner is gone. */
  async mayDelete(id: string): Promise<boolean> {
    if (this.mine.has(id)) return this.owns(id);
    const entry = await this.get(id);
    return entry === null || !isRunning(entry.pid);
  }

  /** The upload settled (saved, or its part deleted): forget it, if it is still this process's. */
  async remove(id: string): Promise<void> {
    if (!(await this.owns(id))) return;
    this.mine.delete(id);
    await rm(path.join(this.dir, `${id}.json`), { force: true });
  }

  /**
   * Deletes the part file and the entry of an upload that will never go on, if this process may:
   * it owns it, or the owner is not running any more.
   */
  async discard(entry: JournalEntry): Promise<void> {
    const mayDelete = this.mine.has(entry.id) ? await this.owns(entry.id) : !isRunning(entry.pid);
    if (!mayDelete) return;
    await deletePart(entry);
    this.mine.delete(entry.id);
    await rm(path.join(this.dir, `${entry.id}.json`), { force: true });
  }

  /** Start-up housekeeping (see the top of this file); returns this session's entries to adopt. */
  async sweep(options: SweepOptions): Promise<JournalEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json')).slice(0, ENTRIES_MAX);
    } catch {
      return [];
    }
    const keep: JournalEntry[] = [];
    for (const n of names) {
      const file = path.join(this.dir, n);
      const entry = await this.read(file);
      if (!entry) {
        await rm(file, { force: true });
        continue;
      }
      if (entry.owner === this.owner) continue;
      const part = await stat(entry.partPath).catch(() => null);
      const idle = part === null || options.now - part.mtimeMs > options.idleMs;
      if (entry.sessionId === options.sessionId && !idle) {
        keep.push(entry);
      } else if (isRunning(entry.pid)) {
        continue; // its helper still runs (another session's): it cleans up after itself
      } else {
        this.log('file_stale_removed', { id: entry.id, session: entry.sessionId });
        await deletePart(entry);
        await rm(file, { force: true });
      }
    }
    return keep;
  }

  private async read(file: string): Promise<JournalEntry | null> {
    try {
      const info = await lstat(file);
      if (!info.isFile() || info.size > ENTRY_MAX_BYTES) return null;
      const parsed = JournalEntry.safeParse(JSON.parse(await readFile(file, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private async write(entry: JournalEntry): Promise<void> {
    const checked = JournalEntry.parse(entry);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = path.join(this.dir, `${checked.id}.json`);
    const temp = `${file}.${this.owner}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(checked), 'utf8');
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  }
}

/** Deletes an upload's part file, only if it is what that upload wrote: a regular file of its name. */
async function deletePart(entry: JournalEntry): Promise<void> {
  const base = path.basename(entry.partPath);
  if (!base.startsWith('.') || !base.endsWith(`.${entry.id}${PART_SUFFIX}`)) return;
  const info = await lstat(entry.partPath).catch(() => null);
  if (!info?.isFile()) return;
  await rm(entry.partPath, { force: true });
}

/** Whether a process with this id runs now (signal 0 tests without signalling). */
function isRunning(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
