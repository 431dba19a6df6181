/** Progress figures both sides show: rate over the last seconds, time left, and a resume moving back. */
import { describe, expect, it } from 'vitest';
import { ProgressMeter, RATE_SPAN_MS } from '../../../protocol/data/file-progress';

describe('ProgressMeter', () => {
  it('gives the rate over the recent span and the time left at that rate', () => {
    const m = new ProgressMeter(10_000_000);
    expect(m.figures(0)).toMatchObject({ doneBytes: 0, rateBps: null, secondsLeft: null });
    for (let t = 0; t <= 2000; t += 200) m.update(t * 1000, t); // 1 MB/s
    const f = m.figures(2000);
    expect(f.rateBps).toBeCloseTo(1_000_000, -3);
    expect(f.secondsLeft).toBeCloseTo(8, 1);
  });

  it('follows a change of speed within the span, and starts over after a resume or a reset', () => {
    const m = new ProgressMeter(100_000_000);
    let done = 0;
    for (let t = 0; t <= 5000; t += 100) m.update((done += 100_000), t); // 1 MB/s
    for (let t = 5100; t <= 5000 + RATE_SPAN_MS + 500; t += 100) m.update((done += 400_000), t); // 4 MB/s
    expect(m.figures(5000 + RATE_SPAN_MS + 500).rateBps).toBeCloseTo(4_000_000, -5);
    m.update(1000, 9000); // resumed from an earlier offset
    expect(m.figures(9000)).toMatchObject({ doneBytes: 1000, rateBps: null });
    m.reset();
    expect(m.figures(9100).rateBps).toBeNull();
  });

  it('says zero seconds left when done, and nothing about an unknown rate', () => {
    const m = new ProgressMeter(10);
    m.update(10, 5);
    expect(m.figures(5)).toMatchObject({ secondsLeft: 0 });
  });
});
