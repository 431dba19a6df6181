/**
 * Capture + exact compare per 1080p frame through the Windows backend (GDI BitBlt + GetDIBits via
 * koffi, in the pinned node.exe under Wine) beside the X11 backend (MIT-SHM) on the SAME display:
 * Wine's virtual desktop covers the Xvfb screen, so both read the same 1920x1080 picture.
 * Frames alternate between the two so the machine's load hits both alike; the ratio is the
 * figure. Informative only: Wine's GDI reads the X server and is not Windows' (real Windows
 * copies from the compositor's surface, and DXGI duplication hands dirty rectangles instead).
 *
 *   npm run bench -- wine-capture        (BENCH_FRAMES=n, default 20 per backend)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend, startX11Driver } from '../../test/e2e/conformance/backends';

const FRAMES = Number(process.env.BENCH_FRAMES ?? 20);

interface Sample {
  captureMs: number;
  diffMs: number;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

const wine = await startBackend('windows-wine');
const work = mkdtempSync(join(tmpdir(), 'lifeline-wine-bench-'));
const x11 = await startX11Driver(wine.x, work);
try {
  const samples: Record<'windows' | 'x11', Sample[]> = { windows: [], x11: [] };
  // One warm-up each (first capture allocates the bitmap / shared memory).
  await wine.driver.call('capture.diff');
  await x11.call('capture.diff');
  for (let i = 0; i < FRAMES; i++) {
    await wine.driver.call('type', { text: String(i % 10) }); // notepad changes a little every frame
    samples.windows.push(await wine.driver.call<Sample>('capture.diff'));
    samples.x11.push(await x11.call<Sample>('capture.diff'));
  }
  const row = (name: 'windows' | 'x11') => {
    const c = median(samples[name].map((s) => s.captureMs));
    const d = median(samples[name].map((s) => s.diffMs));
    return { name, captureMs: +c.toFixed(1), diffMs: +d.toFixed(2), totalMs: +(c + d).toFixed(1) };
  };
  const w = row('windows');
  const l = row('x11');
  console.log(`1920x1080, ${FRAMES} frames each, medians (ms per frame):`);
  console.table([w, l]);
  console.log(
    `Windows backend under Wine / X11 backend, capture + diff: ${(w.totalMs / l.totalMs).toFixed(1)}x`,
  );
} finally {
  await x11.close();
  await wine.stop();
  rmSync(work, { recursive: true, force: true });
}
