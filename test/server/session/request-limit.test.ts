import { describe, expect, it } from 'vitest';
import {
  isLoopback,
  RequestLimit,
  REQUEST_WINDOW_MS,
  REQUESTS_PER_ADDRESS,
} from '../../../server/session/request-limit';

describe('new-request limit per address', () => {
  it('refuses past the budget with retryAfterSeconds, and forgives as the window slides', () => {
    let t = 1_000_000;
    const limit = new RequestLimit(() => t);
    for (let i = 0; i < REQUESTS_PER_ADDRESS; i++) {
      limit.take('203.0.113.7');
      t += 1000;
    }
    expect(() => limit.take('203.0.113.7')).toThrowError(
      expect.objectContaining({
        code: 'too_many_attempts',
        details: { retryAfterSeconds: REQUEST_WINDOW_MS / 1000 - REQUESTS_PER_ADDRESS },
      }),
    );
    // Another address has its own budget.
    expect(() => limit.take('198.51.100.1')).not.toThrow();
    t += REQUEST_WINDOW_MS - REQUESTS_PER_ADDRESS * 1000 + 1;
    expect(() => limit.take('203.0.113.7')).not.toThrow();
  });

  it('does not limit loopback (every customer behind a reverse proxy looks like it)', () => {
    const limit = new RequestLimit(() => 0, 1);
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.1.2.3']) {
      expect(isLoopback(a)).toBe(true);
      limit.take(a);
      limit.take(a);
    }
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(isLoopback('::ffff:10.0.0.1')).toBe(false);
    limit.take('10.0.0.1');
    expect(() => limit.take('10.0.0.1')).toThrowError(expect.objectContaining({ code: 'too_many_attempts' }));
  });
});
