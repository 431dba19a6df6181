/**
 * The paced queue runs jobs in order, one at a time, and lets other work run between two jobs
 * (so a burst of stream starts does not hold relayed frames); a failing job is logged, not fatal.
 */
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../server/log';
import { PacedQueue } from '../../../server/screen/paced-queue';

describe('paced queue', () => {
  it('runs jobs in order and yields to the event loop between two jobs', async () => {
    const queue = new PacedQueue(silentLog);
    const events: string[] = [];
    let concurrent = 0;
    for (let i = 0; i < 5; i++) {
      queue.push(async () => {
        concurrent++;
        expect(concurrent).toBe(1);
        events.push(`job ${i}`);
        // Other work (a relayed frame) scheduled during a job runs before the next job.
        setImmediate(() => events.push(`other after ${i}`));
        await Promise.resolve();
        concurrent--;
      });
    }
    expect(queue.pending).toBe(5);
    expect(events).toEqual([]);
    await queue.idle();
    expect(events.slice(0, 8)).toEqual([
      'job 0',
      'other after 0',
      'job 1',
      'other after 1',
      'job 2',
      'other after 2',
      'job 3',
      'other after 3',
    ]);
    expect(events[8]).toBe('job 4');
  });

  it('logs a failed job and goes on with the next', async () => {
    const errors: unknown[] = [];
    const log = { ...silentLog, error: (event: string, fields?: unknown) => errors.push([event, fields]) };
    const queue = new PacedQueue(log);
    const ran: number[] = [];
    queue.push(async () => {
      throw new Error('store is down');
    });
    queue.push(async () => void ran.push(2));
    await queue.idle();
    expect(ran).toEqual([2]);
    expect(errors).toEqual([['paced_job_failed', { error: 'Error: store is down' }]]);
    expect(await queue.idle()).toBeUndefined();
  });
});
