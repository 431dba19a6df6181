import { describe, expect, it } from 'vitest';
import {
  ADDRESS_FREE_FAILURES,
  BASE_BACKOFF_MS,
  FREE_FAILURES,
  IN_FLIGHT_RETRY_MS,
  LoginThrottle,
  MAX_BACKOFF_MS,
} from '../../../server/auth/throttle';

function setup() {
  let t = 0;
  const throttle = new LoginThrottle(() => t);
  const fail = async (email = 'a@x', address = '10.0.0.1') => {
    const d = await throttle.begin(email, address);
    if (!d.ok) throw new Error(`refused, wait ${d.retryAfterMs} ms`);
    d.attempt.failed();
  };
  const waitFor = async (email = 'a@x', address = '10.0.0.1') => {
    const d = await throttle.begin(email, address);
    if (d.ok) {
      d.attempt.abandoned();
      return 0;
    }
    return d.retryAfterMs;
  };
  return { throttle, fail, waitFor, advance: (ms: number) => void (t += ms) };
}

describe('LoginThrottle', () => {
  it('blocks after the free failures, doubling up to the maximum', async () => {
    const { fail, waitFor, advance } = setup();
    for (let i = 0; i < FREE_FAILURES - 1; i++) await fail();
    expect(await waitFor()).toBe(0);
    await fail();
    expect(await waitFor()).toBe(BASE_BACKOFF_MS);
    let expected = BASE_BACKOFF_MS;
    for (let i = 0; i < 25; i++) {
      advance(expected);
      await fail();
      expected = Math.min(MAX_BACKOFF_MS, expected * 2);
      expect(await waitFor()).toBe(expected);
    }
    expect(expected).toBe(MAX_BACKOFF_MS);
  });

  it('forgets an account after the longest backoff without failures', async () => {
    const { fail, waitFor, advance } = setup();
    for (let i = 0; i < FREE_FAILURES; i++) await fail();
    advance(MAX_BACKOFF_MS + 1);
    for (let i = 0; i < FREE_FAILURES - 1; i++) await fail();
    expect(await waitFor()).toBe(0);
  });

  it('clears the account (not the address) on success', async () => {
    const { throttle, fail, waitFor } = setup();
    for (let i = 0; i < FREE_FAILURES - 1; i++) await fail();
    const d = await throttle.begin('a@x', '10.0.0.1');
    expect(d.ok).toBe(true);
    if (d.ok) d.attempt.succeeded();
    for (let i = 0; i < FREE_FAILURES - 1; i++) await fail();
    expect(await waitFor()).toBe(0);
  });

  it('lets only as many attempts run at once as the account has free failures left', async () => {
    const { throttle, fail } = setup();
    await fail();
    await fail();
    const running = [];
    for (let i = 0; i < FREE_FAILURES - 2; i++) {
      const d = await throttle.begin('a@x', '10.0.0.1');
      expect(d.ok).toBe(true);
      if (d.ok) running.push(d.attempt);
    }
    const refused = await throttle.begin('a@x', '10.0.0.1');
    expect(refused).toEqual({ ok: false, retryAfterMs: IN_FLIGHT_RETRY_MS });
    // Other accounts are not affected; an attempt reports once, extra reports are ignored.
    expect((await throttle.begin('b@x', '10.0.0.1')).ok).toBe(true);
    running[0]!.succeeded();
    running[0]!.failed();
    const next = await throttle.begin('a@x', '10.0.0.1');
    expect(next.ok).toBe(true);
  });

  it('blocks an address after its own, larger number of failures over many accounts', async () => {
    const { fail, waitFor } = setup();
    for (let i = 0; i < ADDRESS_FREE_FAILURES; i++) await fail(`user${i}@x`, '10.0.0.9');
    expect(await waitFor('fresh@x', '10.0.0.9')).toBe(BASE_BACKOFF_MS);
    expect(await waitFor('fresh@x', '10.0.0.10')).toBe(0);
  });
});
