/** The per-user resume state file: 0600, validated, refused when stale, shared with others or malformed. */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RECONNECT_GRACE_MS } from '../../../protocol/limits';
import {
  defaultStateFile,
  deleteResumeState,
  deleteResumeStateOf,
  readResumeState,
  RESUME_STATE_REFRESH_MS,
  writeResumeState,
} from '../../../host/session/resume-state-file';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-state-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const state = {
  server: 'https://help.example.com',
  resumeToken: 'tok_ABC-123',
  sessionId: 'sess_1',
  savedAt: Date.now(),
};

describe('resume state file', () => {
  it('lives in $XDG_STATE_HOME/lifeline, else ~/.local/state/lifeline (relative XDG values ignored)', () => {
    const linux = (env: Record<string, string>) => ({ platform: 'linux', release: '6.1', arch: 'x64', env });
    expect(defaultStateFile(linux({ XDG_STATE_HOME: '/x/state', HOME: '/home/c' }))).toBe(
      '/x/state/lifeline/resume.json',
    );
    expect(defaultStateFile(linux({ XDG_STATE_HOME: 'rel', HOME: '/home/c' }))).toBe(
      '/home/c/.local/state/lifeline/resume.json',
    );
    expect(defaultStateFile(linux({ HOME: '/home/c' }))).toBe('/home/c/.local/state/lifeline/resume.json');
  });

  it('is written 0600 in a 0700 folder and read back; deleting twice is harmless', async () => {
    const file = path.join(tmp, 'a', 'lifeline', 'resume.json');
    await writeResumeState(file, state);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(await readResumeState(file)).toEqual(state);
    await deleteResumeState(file);
    await deleteResumeState(file);
    await expect(readResumeState(file)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses a stale, shared, malformed or oversized file with a code', async () => {
    const file = path.join(tmp, 'b.json');
    // Refreshed every minute while connected: older than the grace plus one refresh is stale.
    await writeResumeState(file, {
      ...state,
      savedAt: Date.now() - RECONNECT_GRACE_MS - RESUME_STATE_REFRESH_MS - 1000,
    });
    await expect(readResumeState(file)).rejects.toMatchObject({ code: 'resume_expired' });
    await writeResumeState(file, { ...state, savedAt: Date.now() - RECONNECT_GRACE_MS - 1000 });
    expect((await readResumeState(file)).resumeToken).toBe(state.resumeToken);
    await writeResumeState(file, state);
    chmodSync(file, 0o644);
    await expect(readResumeState(file)).rejects.toMatchObject({ code: 'bad_request' });
    writeFileSync(file, '{"server":"https://x","resumeToken":"has spaces","sessionId":"s","savedAt":1}', {
      mode: 0o600,
    });
    chmodSync(file, 0o600);
    await expect(readResumeState(file)).rejects.toMatchObject({ code: 'bad_request' });
    writeFileSync(file, 'x'.repeat(17 * 1024));
    chmodSync(file, 0o600);
    await expect(readResumeState(file)).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('carries the consent given, validated (a damaged grant list is refused, not half-read)', async () => {
    const file = path.join(tmp, 'c.json');
    const consent = {
      grants: { view: true, control: false, clipboard: false, files: true, reboot: false },
      agents: ['Alex Agent'],
    };
    await writeResumeState(file, { ...state, consent });
    expect((await readResumeState(file)).consent).toEqual(consent);
    writeFileSync(file, JSON.stringify({ ...state, consent: { grants: { view: 'yes' }, agents: [] } }), {
      mode: 0o600,
    });
    chmodSync(file, 0o600);
    await expect(readResumeState(file)).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('is deleted by a helper only while it still holds that helper’s token', async () => {
    const file = path.join(tmp, 'd.json');
    await writeResumeState(file, { ...state, resumeToken: 'newer-helper' });
    await deleteResumeStateOf(file, state.resumeToken);
    expect((await readResumeState(file)).resumeToken).toBe('newer-helper');
    await deleteResumeStateOf(file, 'newer-helper');
    await expect(readResumeState(file)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('writes asked for at once land whole, in the order asked, and a reader never sees a half-written file', async () => {
    const file = path.join(tmp, 'e', 'resume.json');
    await writeResumeState(file, { ...state, resumeToken: 'first' });
    // Two helpers of one process (or a welcome and a consent of one) write together: they once
    // shared a temporary name, and a rename published a file still being written.
    let reading = true;
    const seen: string[] = [];
    const reader = (async () => {
      while (reading) {
        seen.push((await readResumeState(file)).resumeToken);
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        ['a', 'b', 'c'].map((who) => writeResumeState(file, { ...state, resumeToken: `${who}-${round}` })),
      );
      expect((await readResumeState(file)).resumeToken).toBe(`c-${round}`);
    }
    reading = false;
    await reader;
    expect(seen.length).toBeGreaterThan(0);
    expect(readdirSync(path.dirname(file))).toEqual(['resume.json']);
  });

  it('an old helper deleting its state never deletes the state a newer helper writes at that moment', async () => {
    const file = path.join(tmp, 'f', 'resume.json');
    const ticks = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
    };
    for (let round = 0; round < 120; round++) {
      await writeResumeState(file, { ...state, resumeToken: `old-${round}` });
      // Whatever the order of the old helper's read, the new helper's rename and the delete: the
      // delete starts a few event-loop turns later each round, so some rounds read before the
      // rename and remove after it.
      await Promise.all([
        ticks(round % 12).then(() => deleteResumeStateOf(file, `old-${round}`)),
        writeResumeState(file, { ...state, resumeToken: `new-${round}` }),
      ]);
      expect((await readResumeState(file)).resumeToken).toBe(`new-${round}`);
    }
    expect(readdirSync(path.dirname(file))).toEqual(['resume.json']);
  });
});
