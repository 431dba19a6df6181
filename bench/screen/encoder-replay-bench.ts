/**
 * The encoder alone, over recorded captures (encoder-recording.ts): CPU time and bytes of
 * `UpdateEncoder` on exactly the frames, damage and clock values a live benchmark gave it. On this
 * shared machine a live desktop's figures move with the load; a replay does not, so this is where
 * encoder changes are compared.
 *
 *   BENCH_RECORD=/tmp/gui.rec npm run bench -- gui          # record once (any screen benchmark)
 *   BENCH_REPLAY=/tmp/gui.rec npm run bench -- replay       # CPU and bytes of this tree's encoder
 *   BENCH_REPLAY=/tmp/gui.rec BENCH_BASELINE=main npm run bench -- replay   # against a git revision
 *
 * With a baseline, both encoders get each call in turn (A then B on the same frame), so the load
 * hits both alike; the figures are the ratio this tree / baseline. CPU is the process's user+sys
 * time around each call (process.cpuUsage: zlib's thread pool and GC threads count too); reading
 * and inflating the recording are outside. The decoded picture of this tree's stream is compared
 * with the captures at the end (0 differing pixels expected once no lossy area is left).
 * `BENCH_REPLAY_ROUNDS=n` replays the whole recording n times (figures per round, then the range).
 * Without BENCH_REPLAY it prints how to record and exits.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PixelBuffer } from '../../host/platform/types';
import { TurboJpegEncoder } from '../../host/screen/jpeg-encoder';
import { UpdateEncoder } from '../../host/screen/update-encoder';
import { ScreenDecoder } from '../../ui/decoder/screen-decoder';
import { countDiff } from '../../test/host/screen/synthetic';
import { TurboJpegDecoder } from '../../test/ui/decoder/turbo-jpeg-decoder';
import { readRecording } from './encoder-recording';

type EncoderClass = typeof UpdateEncoder;

interface Side {
  name: string;
  make: EncoderClass;
  enc: InstanceType<EncoderClass> | null;
  cpuUs: number;
  wallMs: number;
  bytes: number;
  messages: number;
  /** CPU of the costliest calls, µs, for the tail. */
  calls: number[];
}

/** This tree's encoder, or the one of git revision `rev` (extracted once under tmp/, which git ignores). */
async function encoderAt(rev: string | null): Promise<EncoderClass> {
  if (rev === null) return UpdateEncoder;
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { encoding: 'utf8' }).trim();
  const dir = resolve('tmp', `replay-base-${sha}`);
  if (!existsSync(join(dir, 'host'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${sha} host protocol | tar -x -C ${dir}`]);
  }
  const mod = (await import(join(dir, 'host/screen/update-encoder.ts'))) as {
    UpdateEncoder: EncoderClass;
  };
  return mod.UpdateEncoder;
}

/** The screen as the captures show it (partial captures pasted at their origin). */
function paste(truth: PixelBuffer | null, frame: PixelBuffer, origin: { x: number; y: number }): void {
  if (truth === null) return;
  for (let y = 0; y < frame.height; y++) {
    const s = y * frame.stride;
    truth.data.set(frame.data.subarray(s, s + frame.width * 4), (origin.y + y) * truth.stride + origin.x * 4);
  }
}

/**
 * Replays `file` through `ours` (decoded and checked) and `base` (if any), one call at a time,
 * alternating which of the two goes first.
 */
async function replay(
  file: string,
  ours: Side,
  base: Side | null,
  check: boolean,
): Promise<{ calls: number; diff: number; lossyLeft: number }> {
  const decoder = check ? new ScreenDecoder({ jpeg: new TurboJpegDecoder() }) : null;
  let truth: PixelBuffer | null = null;
  let calls = 0;
  for (const { header, frame } of readRecording(file)) {
    calls++;
    const sides = base === null ? [ours] : calls % 2 === 0 ? [ours, base] : [base, ours];
    for (const side of sides) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      let messages: Uint8Array[];
      if (header.kind === 'reset') {
        side.enc = new side.make(new TurboJpegEncoder());
        messages = [side.enc.reset(header.width, header.height)];
      } else {
        const r = await side.enc!.encode(frame!, header.damage, header.quality, {
          origin: header.origin,
          now: header.now,
          refresh: header.refresh,
        });
        messages = r.messages;
      }
      const c = process.cpuUsage(c0);
      const us = c.user + c.system;
      side.cpuUs += us;
      side.calls.push(us);
      side.wallMs += performance.now() - t0;
      for (const m of messages) side.bytes += m.byteLength;
      side.messages += messages.length;
      if (side === ours && decoder) for (const m of messages) await decoder.apply(m);
    }
    if (header.kind === 'reset') {
      truth = check
        ? {
            width: header.width,
            height: header.height,
            stride: header.width * 4,
            data: new Uint8Array(header.width * header.height * 4),
          }
        : null;
    } else paste(truth, frame!, header.origin);
  }
  const fb = decoder?.framebuffer;
  const lossy = ours.enc?.lossyAreaList().map((a) => a.rect) ?? [];
  // Areas still lossy (JPEG not yet refreshed when the recording ended) are left out.
  const diff = truth && fb ? countDiff(truth, fb.data, undefined, lossy) : NaN;
  const lossyLeft = lossy.length;
  return { calls, diff, lossyLeft };
}

async function main(): Promise<void> {
  const files = (process.env.BENCH_REPLAY ?? '').split(',').filter((f) => f.length > 0);
  if (files.length === 0) {
    console.log(
      'encoder-replay-bench: no recording. Record one with BENCH_RECORD=/tmp/gui.rec npm run bench -- gui ' +
        '(or video, screen-bench), then BENCH_REPLAY=/tmp/gui.rec [BENCH_BASELINE=main] npm run bench -- replay',
    );
    return;
  }
  const baselineRev = process.env.BENCH_BASELINE ?? null;
  const rounds = Math.max(1, Number(process.env.BENCH_REPLAY_ROUNDS ?? 1));
  const check = process.env.BENCH_REPLAY_CHECK !== '0';
  const make = { ours: UpdateEncoder, base: baselineRev ? await encoderAt(baselineRev) : null };
  console.log(
    `\n## Encoder replay (${rounds} round(s)); this tree${baselineRev ? ` vs ${baselineRev}` : ''}; load average ${(
      await import('node:os')
    )
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  console.log(
    '| recording | round | calls | CPU ms (this) | CPU ms (base) | CPU this/base | bytes (this) | bytes this/base | p99 call CPU ms (this / base) | diff px at end (outside lossy areas) | lossy areas left |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const file of files) {
    // Per call, the least CPU any round took: preemption and cache misses from other processes
    // only ever add time, so the sum of per-call minima is the steadiest figure under load.
    const best: Record<'this' | 'base', number[]> = { this: [], base: [] };
    const keepMin = (into: number[], calls: number[]) =>
      calls.forEach((us, i) => (into[i] = Math.min(into[i] ?? Infinity, us)));
    let last: { ours: Side; base: Side | null; calls: number } | null = null;
    for (let round = 1; round <= rounds; round++) {
      const side = (name: string, m: EncoderClass): Side => ({
        name,
        make: m,
        enc: null,
        cpuUs: 0,
        wallMs: 0,
        bytes: 0,
        messages: 0,
        calls: [],
      });
      const ours = side('this', make.ours);
      const base = make.base ? side('base', make.base) : null;
      const r = await replay(file, ours, base, check);
      keepMin(best.this, ours.calls);
      if (base) keepMin(best.base, base.calls);
      last = { ours, base, calls: r.calls };
      console.log(
        `| ${file} | ${round} | ${r.calls} | ${ms(ours.cpuUs)} | ${base ? ms(base.cpuUs) : ''} | ${base ? ratio(ours.cpuUs, base.cpuUs) : ''} | ${ours.bytes} | ${base ? (ours.bytes / base.bytes).toFixed(4) + 'x' : ''} | ${p99(ours.calls)}${base ? ' / ' + p99(base.calls) : ''} | ${r.diff} | ${r.lossyLeft} |`,
      );
    }
    if (rounds > 1 && last) {
      const sum = (xs: number[]) => xs.reduce((t, x) => t + x, 0);
      const b = last.base ? sum(best.base) : NaN;
      console.log(
        `| ${file} | per-call min | ${last.calls} | ${ms(sum(best.this))} | ${last.base ? ms(b) : ''} | ${last.base ? ratio(sum(best.this), b) : ''} | ${last.ours.bytes} | | ${p99(best.this)}${last.base ? ' / ' + p99(best.base) : ''} | | |`,
      );
    }
  }
}

function ms(us: number): string {
  return (us / 1000).toFixed(0);
}

function ratio(a: number, b: number): string {
  return (a / b).toFixed(3) + 'x';
}

/** The 99th percentile of per-call CPU (µs), in ms. */
function p99(callsUs: number[]): string {
  const s = [...callsUs].sort((x, y) => x - y);
  return (s[Math.floor(s.length * 0.99)]! / 1000).toFixed(1);
}

await main();
