/**
 * Sign-in attempts in flight across nodes (server/auth/shared-attempt-slots.ts): two throttles
 * ("nodes") on one ephemeral store, verdicts carried between them by hand so a test can hold one
 * back (the moment a verdict is still on its way over the bus). The same seats on real Redis
 * with two real nodes: test/server/cluster/two-nodes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  ATTEMPT_LEASE_MS,
  SharedAttemptSlots,
  VERDICT_SPREAD_MS,
} from '../../../server/auth/shared-attempt-slots';
import {
  BASE_BACKOFF_MS,
  FREE_FAILURES,
  IN_FLIGHT_RETRY_MS,
  LoginThrottle,
  type LoginAttempt,
  type LoginVerdict,
} from '../../../server/auth/throttle';
import { MemoryEphemeralStore } from '../../../server/store/memory-ephemeral-store';
import type { EphemeralStore } from '../../../server/store/ephemeral-store';

function cluster(store: EphemeralStore = new MemoryEphemeralStore()) {
  let t = 1_000_000;
  const now = () => t;
  const errors: unknown[] = [];
  const held: { to: LoginThrottle; verdict: LoginVerdict }[] = [];
  const node = () => {
    const throttle = new LoginThrottle(now);
    throttle.shared = new SharedAttemptSlots(store, now);
    throttle.onSharedError = (err) => errors.push(err);
    return throttle;
  };
  const a = node();
  const b = node();
  // Verdicts wait here until `deliver`: the bus is never instant.
  a.onVerdict = (verdict) => held.push({ to: b, verdict });
  b.onVerdict = (verdict) => held.push({ to: a, verdict });
  const deliver = () => {
    for (const { to, verdict } of held.splice(0)) to.verdictElsewhere(verdict);
  };
  /** Begins an attempt that must be let through. */
  const run = async (on: LoginThrottle, email = 'a@x', address = '10.0.0.1'): Promise<LoginAttempt> => {
    const d = await on.begin(email, address);
    if (!d.ok) throw new Error(`refused, wait ${d.retryAfterMs} ms`);
    return d.attempt;
  };
  /** Lets the seat writes queued by a report reach the store. */
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { a, b, deliver, run, settle, errors, advance: (ms: number) => void (t += ms) };
}

describe('sign-in attempts in flight across nodes', () => {
  it('lets the free failures run at once over both nodes together, not on each', async () => {
    const { a, b, run } = cluster();
    const running: LoginAttempt[] = [];
    for (let i = 0; i < FREE_FAILURES; i++) running.push(await run(i % 2 ? b : a));
    // Alone, each node would still have FREE_FAILURES - 3 seats of its own.
    expect(await a.begin('a@x', '10.0.0.1')).toEqual({ ok: false, retryAfterMs: IN_FLIGHT_RETRY_MS });
    expect(await b.begin('a@x', '10.0.0.1')).toEqual({ ok: false, retryAfterMs: IN_FLIGHT_RETRY_MS });
    // Another account, even from the same address, is not held up.
    expect((await b.begin('b@x', '10.0.0.1')).ok).toBe(true);
  });

  it('keeps a failed seat taken until the verdict has reached the other node', async () => {
    const { a, b, run, deliver, settle } = cluster();
    const running: LoginAttempt[] = [];
    for (let i = 0; i < FREE_FAILURES; i++) running.push(await run(a));
    for (const attempt of running) attempt.failed();
    await settle();
    // b has heard of none of the failures: the seats still say so.
    expect(await b.begin('a@x', '10.0.0.1')).toEqual({ ok: false, retryAfterMs: IN_FLIGHT_RETRY_MS });
    deliver();
    expect(await b.begin('a@x', '10.0.0.1')).toEqual({ ok: false, retryAfterMs: BASE_BACKOFF_MS });
  });

  it('holds the backoff a failure started on the node that has not heard of it', async () => {
    const { a, b, run, deliver, settle, advance } = cluster();
    for (let i = 0; i < FREE_FAILURES; i++) (await run(a)).failed();
    deliver();
    advance(BASE_BACKOFF_MS);
    // One at a time once the free failures are used up; its failure doubles the backoff.
    const after = await run(b);
    expect(await a.begin('a@x', '10.0.0.1')).toEqual({ ok: false, retryAfterMs: IN_FLIGHT_RETRY_MS });
    after.failed();
    await settle();
    expect((await a.begin('a@x', '10.0.0.1')).ok).toBe(false);
    deliver();
    expect(await a.begin('a@x', '10.0.0.1')).toEqual({ ok: false, retryAfterMs: 2 * BASE_BACKOFF_MS });
  });

  it('frees the seats of a node that died mid-attempt once their lease runs out', async () => {
    const { a, b, run, advance } = cluster();
    // Begun on a, never reported: a is gone.
    for (let i = 0; i < FREE_FAILURES; i++) await run(a);
    expect((await b.begin('a@x', '10.0.0.1')).ok).toBe(false);
    advance(ATTEMPT_LEASE_MS);
    (await run(b)).succeeded();
  });

  it('reuses a failed seat once every node counts the failure', async () => {
    const { a, b, run, deliver, settle, advance } = cluster();
    for (let i = 0; i < FREE_FAILURES - 1; i++) (await run(a)).failed();
    await settle();
    deliver();
    // One failure left before the backoff: one attempt at a time, on either node.
    const last = await run(b);
    expect((await a.begin('a@x', '10.0.0.1')).ok).toBe(false);
    last.abandoned();
    await settle();
    advance(VERDICT_SPREAD_MS);
    (await run(a)).succeeded();
    await settle();
    // The success cleared the account everywhere it reached, and its seats.
    deliver();
    for (let i = 0; i < FREE_FAILURES; i++) await run(i % 2 ? a : b);
  });

  it('goes ahead on the local limits when the store cannot be reached', async () => {
    const broken = new MemoryEphemeralStore();
    broken.add = () => Promise.reject(new Error('connection refused'));
    const { a, run, errors } = cluster(broken);
    for (let i = 0; i < FREE_FAILURES; i++) await run(a);
    expect(await a.begin('a@x', '10.0.0.1')).toEqual({ ok: false, retryAfterMs: IN_FLIGHT_RETRY_MS });
    expect(errors.length).toBe(FREE_FAILURES);
  });
});
