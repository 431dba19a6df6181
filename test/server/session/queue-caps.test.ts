import { describe, expect, it } from 'vitest';
import { QueueCaps } from '../../../server/session/queue-caps';

describe('queue caps', () => {
  it('caps waiting requests per address and in total; a request leaving the queue frees its place', () => {
    const waiting = new Set<string>();
    const caps = new QueueCaps(
      (id) => waiting.has(id),
      () => waiting.size,
      (a) => a === 'shared',
      { perAddress: 2, total: 4 },
    );
    const add = (address: string, id: string) => {
      caps.check(address);
      waiting.add(id);
      caps.add(address, id);
    };
    add('a', 'a1');
    add('a', 'a2');
    expect(() => caps.check('a')).toThrowError(expect.objectContaining({ code: 'too_many_waiting' }));
    waiting.delete('a1'); // accepted by an agent
    add('a', 'a3');
    add('shared', 's1'); // exempt from the per-address cap...
    add('shared', 's2');
    expect(() => caps.check('b')).toThrowError(expect.objectContaining({ code: 'queue_full' }));
    // ...but not from the total.
    expect(() => caps.check('shared')).toThrowError(expect.objectContaining({ code: 'queue_full' }));
  });
});
