import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JOIN_CODE_DIGITS, JOIN_CODE_TTL_MS } from '../../../protocol/limits';
import { JOIN_FREE_FAILURES } from '../../../server/screen/attempt-throttle';
import { JOIN_CODE_KEY_FILE, loadJoinCodeKey } from '../../../server/screen/join-code-key';
import { JoinCodes } from '../../../server/screen/join-codes';
import { guessOddsPerCode, JoinGuessBudget } from '../../../server/screen/join-guess-budget';
import { MemoryEphemeralStore } from '../../../server/store/memory-ephemeral-store';
import { openSqliteStore } from '../../../server/store/sqlite/sqlite-store';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('join codes', () => {
  it('are 9 digits, single-use and bound to their session', async () => {
    const c = clock();
    const codes = new JoinCodes(c.now);
    const { code, expiresAt } = await codes.issue('s1');
    expect(code).toMatch(new RegExp(`^[0-9]{${JOIN_CODE_DIGITS}}$`));
    expect(expiresAt).toBe(c.now() + JOIN_CODE_TTL_MS);
    expect(await codes.redeem(code, '10.0.0.1')).toBe('s1');
    await expect(codes.redeem(code, '10.0.0.1')).rejects.toMatchObject({ code: 'join_code_invalid' });
  });

  it('expire after their time to live', async () => {
    const c = clock();
    const codes = new JoinCodes(c.now);
    const { code } = await codes.issue('s1');
    c.advance(JOIN_CODE_TTL_MS);
    await expect(codes.redeem(code, '10.0.0.1')).rejects.toMatchObject({ code: 'join_code_expired' });
  });

  it('replace the previous code of the same session, and die with it', async () => {
    const c = clock();
    const codes = new JoinCodes(c.now);
    const first = (await codes.issue('s1')).code;
    const second = (await codes.issue('s1')).code;
    await expect(codes.redeem(first, 'a')).rejects.toMatchObject({ code: 'join_code_invalid' });
    await codes.revoke('s1');
    await expect(codes.redeem(second, 'a')).rejects.toMatchObject({ code: 'join_code_invalid' });
    expect(await codes.size()).toBe(0);
  });

  it('keep no code in the clear, in memory or in the store', async () => {
    const store = new MemoryEphemeralStore();
    const codes = new JoinCodes(() => 0, { store });
    const { code } = await codes.issue('s1');
    expect(JSON.stringify([...Object.values(codes)].map(String))).not.toContain(code);
    const kept = JSON.stringify([
      ...(await store.entries('join_code')),
      ...(await store.entries('join_code_of')),
    ]);
    expect(kept).not.toContain(code);
    expect(kept).toContain('s1');
  });

  it('survive a restart: kept in the SQLite store under a key from the data folder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-codes-'));
    dirs.push(dir);
    const c = clock();
    const before = openSqliteStore(dir);
    const key = loadJoinCodeKey(dir);
    expect(statSync(path.join(dir, JOIN_CODE_KEY_FILE)).mode & 0o777).toBe(0o600);
    const { code } = await new JoinCodes(c.now, { store: before.ephemeral, key }).issue('s1');
    await before.close();
    // A new process: same folder, same key, same codes.
    const after = openSqliteStore(dir);
    const codes = new JoinCodes(c.now, { store: after.ephemeral, key: loadJoinCodeKey(dir) });
    expect(loadJoinCodeKey(dir).equals(key)).toBe(true);
    expect(await codes.redeem(code, 'a')).toBe('s1');
    // With another key (a copy of the database without the key file), the code means nothing.
    const { code: other } = await codes.issue('s2');
    const stranger = new JoinCodes(c.now, { store: after.ephemeral });
    await expect(stranger.redeem(other, 'b')).rejects.toMatchObject({ code: 'join_code_invalid' });
    await after.close();
  });

  it('refuse a damaged key file with a clear message', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-codes-'));
    dirs.push(dir);
    loadJoinCodeKey(dir);
    rmSync(path.join(dir, JOIN_CODE_KEY_FILE));
    writeFileSync(path.join(dir, JOIN_CODE_KEY_FILE), 'short');
    expect(() => loadJoinCodeKey(dir)).toThrow(/is not a join-code key \(32 bytes\); delete it and restart/);
  });

  it('throttle wrong guesses per address, with a growing wait, without touching other addresses', async () => {
    const c = clock();
    const codes = new JoinCodes(c.now);
    const { code } = await codes.issue('s1');
    // Exactly JOIN_FREE_FAILURES wrong codes go through (docs/protocol.md: "5 free").
    for (let i = 0; i < JOIN_FREE_FAILURES; i++) {
      await expect(codes.redeem('000000000', 'bad')).rejects.toMatchObject({ code: 'join_code_invalid' });
    }
    // Blocked now, even with the right code.
    await expect(codes.redeem(code, 'bad')).rejects.toMatchObject({
      code: 'too_many_attempts',
      details: { retryAfterSeconds: 1 },
    });
    c.advance(1_000);
    await expect(codes.redeem('000000002', 'bad')).rejects.toMatchObject({ code: 'join_code_invalid' });
    await expect(codes.redeem(code, 'bad')).rejects.toMatchObject({
      code: 'too_many_attempts',
      details: { retryAfterSeconds: 2 },
    });
    // Someone else is not held up.
    expect(await codes.redeem(code, 'good')).toBe('s1');
  });

  it('retire a live code once the server has seen its share of wrong guesses, from anyone', async () => {
    const codes = new JoinCodes(() => 0, { guesses: new JoinGuessBudget(3) });
    const early = (await codes.issue('s1')).code;
    for (let i = 0; i < 2; i++) await expect(codes.redeem('000000000', `10.0.0.${i}`)).rejects.toThrow();
    const late = (await codes.issue('s2')).code;
    await expect(codes.redeem('000000000', '10.0.0.9')).rejects.toThrow();
    // s1's code has seen 3 wrong guesses: refused even though it is right; s2's has seen 1.
    await expect(codes.redeem(early, '10.0.1.1')).rejects.toMatchObject({
      code: 'join_code_expired',
      details: { reason: 'guessing' },
    });
    expect(await codes.redeem(late, '10.0.1.1')).toBe('s2');
    expect(guessOddsPerCode()).toBeLessThan(1e-6);
  });

  it('keep the wrong-guess count across a restart, so a live code gets no fresh budget', async () => {
    const store = new MemoryEphemeralStore();
    const key = Buffer.alloc(32, 7);
    const before = new JoinCodes(() => 0, { store, key, guesses: new JoinGuessBudget(3) });
    const { code } = await before.issue('s1');
    for (let i = 0; i < 2; i++) await expect(before.redeem('000000000', `10.0.0.${i}`)).rejects.toThrow();
    // A new process on the same store: one more wrong guess reaches the budget of 3.
    const after = new JoinCodes(() => 0, { store, key, guesses: new JoinGuessBudget(3) });
    await expect(after.redeem('000000000', '10.0.0.9')).rejects.toThrow();
    await expect(after.redeem(code, '10.0.1.1')).rejects.toMatchObject({
      code: 'join_code_expired',
      details: { reason: 'guessing' },
    });
  });
});
