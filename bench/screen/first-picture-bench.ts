/**
 * Time to the first picture: how long the agent waits for the customer's screen once the customer
 * allowed it, against how long a VNC viewer waits for TigerVNC's x0vncserver to show the same
 * desktop, in the same run, on loopback and through the hotel Wi-Fi link (shaped-link.ts).
 *
 * - Ours: the helper child (consent-child.ts) has joined (platform created, capture FFI loaded);
 *   the benchmark gives the consent (a line on the child's stdin) and times until its viewer has
 *   DECODED the first complete picture (the END of the update after the RESET), then until the
 *   decoded picture equals an xwd capture of the still desktop (our first picture sends photos as
 *   JPEG and re-sends them losslessly once still). The child stamps each step (screen opened,
 *   first capture, encoded, written to the socket) so the time splits into hops.
 * - x0vncserver (ZRLE, and Tight with JPEG quality 8 and compression 2: TigerVNC viewer's usual
 *   settings): a fresh server per round, already listening; the time runs from the viewer's TCP
 *   connect (handshake included: a VNC viewer pays it, ours is paid at join) until the updates
 *   decoded cover the screen once.
 *
 * Desktops: the screen benchmark's xterm (xterm-desktop.ts) and the GUI benchmark's Chromium page
 * with text, tables and photos (photo-page.ts). Several rounds per desktop and link, alternating
 * which server goes first, so the machine's load hits all of them. Prints medians with ranges and
 * ratios; asserts nothing but reports the pixels each first picture differs from the X capture.
 *
 *   npm run bench -- first-picture
 *   BENCH_ROUNDS=3 BENCH_DESKTOP=xterm|gui BENCH_LINK=loopback|hotel npm run bench -- first-picture
 */
import { loadavg } from 'node:os';
import type { PixelBuffer } from '../../host/platform/types';
import { countDiff } from '../../test/host/screen/synthetic';
import { xwdCaptureAsync } from '../../test/e2e/screen/xwd-capture';
import type { FirstPictureTimes } from './consent-child';
import { startHelperChild, type HelperChild } from './helper-link';
import { RfbClient, TIGHT_COMPRESS_LEVEL, TIGHT_QUALITY_LEVEL, type RfbEncoding } from './rfb-client';
import { HOTEL_WIFI } from '../support/link-profiles';
import { startShapedLink, type LinkProfile, type ShapedLink } from '../support/shaped-link';
import { sleep } from '../support/sleep';
import { startX0vncserver } from '../support/x0vncserver';
import { startXtermDesktop } from '../support/xterm-desktop';
import { startPhotoDesktop } from '../support/photo-desktop';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Fills the xterm with text (a long listing; the last screenful stays). */
const XTERM_COMMAND = 'ls -l /usr/lib/x86_64-linux-gnu /usr/share/doc\n';
/** The listing's time to draw, in ms. */
const XTERM_SETTLE_MS = 1500;
/** Where the pointer rests: a blank spot of the page's right margin (no hover effect). */
const REST_POINT = { x: 1850, y: 700 };
/** A server that has just started (ours: joined) gets this long before the clock starts, in ms. */
const SERVER_SETTLE_MS = 500;
/** Longest wait for a first complete picture, in ms (ZRLE's 0.85 MB page at 1 Mbit/s takes ~7 s). */
const FIRST_MAX_MS = 60_000;
/** Longest wait, after the first picture, for ours to become exact (the lossless re-send of photos), in ms. */
const EXACT_MAX_MS = 15_000;
const POLL_MS = 2;
/** How long a stopped server gets to exit before it is killed, in ms. */
const EXIT_WAIT_MS = 3000;

type Contender = 'ours' | 'zrle' | 'tight';
type DesktopKind = 'xterm' | 'gui';

interface Round {
  /** Consent (ours) or connect (RFB) -> first complete picture decoded, in ms. */
  firstMs: number;
  /** -> decoded picture equal to the X capture, in ms (NaN: not within the wait). */
  exactMs: number;
  /** Pixels of the first complete picture that differ from the X capture. */
  diff: number;
  /** Bytes of the first complete picture (ours: plain, with the 8-byte data-plane header per message). */
  bytes: number;
  /** Ours only: each step, in ms after the consent. */
  hops?: Record<Hop, number>;
}

/** The steps of our first picture, in the order they normally happen. */
const HOPS = [
  'screen opened',
  'first capture done',
  'first screen message sent',
  'first byte at the viewer',
  'last message encoded (END)',
  'END written to the socket',
  'last byte at the viewer',
  'decoded',
] as const;
type Hop = (typeof HOPS)[number];

interface Link {
  name: string;
  profile: LinkProfile | null;
}
const LINKS: readonly Link[] = [
  { name: 'loopback', profile: null },
  { name: 'hotel', profile: HOTEL_WIFI },
];

async function until(cond: () => boolean, maxMs: number): Promise<boolean> {
  const end = performance.now() + maxMs;
  while (!cond()) {
    if (performance.now() > end) return false;
    await sleep(POLL_MS);
  }
  return true;
}

async function ourRound(display: string, link: Link, truth: PixelBuffer): Promise<Round> {
  const shaped: ShapedLink[] = [];
  let helper: HelperChild | null = null;
  try {
    helper = await startHelperChild(
      display,
      async (port) => {
        if (!link.profile) return port;
        const s = await startShapedLink(port, link.profile);
        shaped.push(s);
        return s.port;
      },
      'bench/screen/consent-child.ts',
    );
    const h = helper;
    await h.link.fetchStats(); // answered once the child has joined
    await sleep(SERVER_SETTLE_MS);
    let decodedAt = NaN;
    let exactAt = NaN;
    let diff = -1;
    h.link.onPainted = (_completeAt, r) => {
      if (!r.end || !Number.isNaN(exactAt)) return;
      const at = performance.now();
      const fb = h.link.decoder.framebuffer;
      if (!fb || !h.link.lastFullFrame.done) return;
      const d = countDiff(truth, fb.data);
      if (Number.isNaN(decodedAt)) {
        decodedAt = at;
        diff = d;
      }
      if (d === 0) exactAt = at;
    };
    const t0 = performance.now();
    h.process.stdin!.write('consent\n');
    await until(() => !Number.isNaN(decodedAt), FIRST_MAX_MS);
    await until(() => !Number.isNaN(exactAt), EXACT_MAX_MS);
    const { times } = (await h.link.fetchStats()) as { times: FirstPictureTimes };
    const epoch0 = performance.timeOrigin + t0;
    const child = (t: number | undefined) => (t === undefined ? NaN : t - epoch0);
    return {
      firstMs: decodedAt - t0,
      exactMs: exactAt - t0,
      diff,
      bytes: h.link.lastFullFrame.plain,
      hops: {
        'screen opened': child(times.screenOpen),
        'first capture done': child(times.captureEnd),
        'first screen message sent': child(times.firstMessage),
        'first byte at the viewer': (h.link.arrivals[0] ?? NaN) - t0,
        'last message encoded (END)': child(times.encoded),
        'END written to the socket': child(times.written),
        'last byte at the viewer': h.link.lastFullFrame.doneAt - t0,
        decoded: decodedAt - t0,
      },
    };
  } finally {
    await helper?.close().catch(() => undefined);
    for (const s of shaped) await s.close();
  }
}

async function rfbRound(
  display: string,
  link: Link,
  truth: PixelBuffer,
  encoding: RfbEncoding,
): Promise<Round> {
  const vnc = await startX0vncserver(display);
  let shaped: ShapedLink | null = null;
  let client: RfbClient | null = null;
  try {
    shaped = link.profile ? await startShapedLink(vnc.port, link.profile) : null;
    await sleep(SERVER_SETTLE_MS);
    const t0 = performance.now();
    const c = await RfbClient.connect(shaped?.port ?? vnc.port, { decode: true, encoding });
    client = c;
    await until(() => c.firstFullFrame() !== null, FIRST_MAX_MS);
    const first = c.firstFullFrame();
    const diff = first && c.decoder ? countDiff(truth, c.decoder.rgba) : -1;
    const firstMs = (first?.endAt ?? NaN) - t0;
    return { firstMs, exactMs: diff === 0 ? firstMs : NaN, diff, bytes: first?.bytes ?? NaN };
  } finally {
    client?.close();
    const exited = new Promise((r) =>
      vnc.process.exitCode === null ? vnc.process.once('exit', r) : r(null),
    );
    vnc.process.kill('SIGTERM');
    const late = setTimeout(() => vnc.process.kill('SIGKILL'), EXIT_WAIT_MS);
    await exited;
    clearTimeout(late);
    await shaped?.close();
  }
}

interface Desktop {
  display: string;
  stop(): Promise<void>;
}

async function startDesktop(kind: DesktopKind): Promise<Desktop> {
  if (kind === 'xterm') {
    const d = await startXtermDesktop();
    // A terminal full of text, as the screen benchmark's full frame has it.
    await d.input.type(XTERM_COMMAND);
    await d.input.close();
    await sleep(XTERM_SETTLE_MS);
    return { display: d.x.display, stop: () => d.x.stop() };
  }
  const d = await startPhotoDesktop(REST_POINT);
  return { display: d.x.display, stop: () => d.stop() };
}

function median(xs: number[]): number {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

function spread(xs: number[]): string {
  const v = xs.filter(Number.isFinite);
  const n = v.length < xs.length ? ` (${xs.length - v.length} n/a)` : '';
  return v.length === 0
    ? 'n/a'
    : `${median(v).toFixed(0)} [${Math.min(...v).toFixed(0)}-${Math.max(...v).toFixed(0)}]${n}`;
}

function ratio(a: number[], b: number[]): string {
  const [ma, mb] = [median(a), median(b)];
  return Number.isFinite(ma) && Number.isFinite(mb) && mb > 0 ? `${(ma / mb).toFixed(2)}x` : 'n/a';
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function runDesktop(kind: DesktopKind, links: readonly Link[]): Promise<void> {
  const desktop = await startDesktop(kind);
  try {
    for (const link of links) {
      const loadBefore = load();
      const rounds: Record<Contender, Round[]> = { ours: [], zrle: [], tight: [] };
      for (let i = 0; i < ROUNDS; i++) {
        const order: Contender[] = i % 2 === 0 ? ['ours', 'zrle', 'tight'] : ['tight', 'zrle', 'ours'];
        for (const who of order) {
          const truth = await xwdCaptureAsync(desktop.display);
          const r =
            who === 'ours'
              ? await ourRound(desktop.display, link, truth)
              : await rfbRound(desktop.display, link, truth, who);
          rounds[who].push(r);
        }
      }
      print(kind, link, rounds, loadBefore, load());
    }
  } finally {
    await desktop.stop();
  }
}

function print(
  kind: DesktopKind,
  link: Link,
  rounds: Record<Contender, Round[]>,
  loadBefore: string,
  loadAfter: string,
): void {
  const col = (who: Contender, f: (r: Round) => number) => rounds[who].map(f);
  const line = (label: string, f: (r: Round) => number) =>
    console.log(
      `| ${label} | ${spread(col('ours', f))} | ${spread(col('zrle', f))} | ${spread(col('tight', f))} | ${ratio(col('ours', f), col('zrle', f))} | ${ratio(col('ours', f), col('tight', f))} |`,
    );
  console.log(
    `\n## First picture, ${kind} desktop, ${link.profile?.name ?? 'loopback'}: ${ROUNDS} rounds; load average ${loadBefore} -> ${loadAfter}\n`,
  );
  console.log("median [min-max]; ours from consent, x0vncserver from the viewer's connect\n");
  console.log(
    `| measure | ours | x0vncserver ZRLE | x0vncserver Tight q${TIGHT_QUALITY_LEVEL} c${TIGHT_COMPRESS_LEVEL} | ours/ZRLE | ours/Tight |`,
  );
  console.log('|---|---|---|---|---|---|');
  line('first complete picture decoded (ms)', (r) => r.firstMs);
  line('picture equal to the X capture (ms)', (r) => r.exactMs);
  line('first picture (bytes)', (r) => r.bytes);
  line('pixels of the first picture differing from the X capture', (r) => r.diff);
  console.log('\nours, each step after the consent (ms, median [min-max]):\n');
  console.log('| step | ms after consent | since the step above (medians) |');
  console.log('|---|---|---|');
  let prev = 0;
  for (const hop of HOPS) {
    const xs = rounds.ours.map((r) => r.hops?.[hop] ?? NaN);
    const m = median(xs);
    console.log(`| ${hop} | ${spread(xs)} | ${Number.isFinite(m - prev) ? (m - prev).toFixed(1) : 'n/a'} |`);
    if (Number.isFinite(m)) prev = m;
  }
}

const desktops: DesktopKind[] =
  process.env.BENCH_DESKTOP === 'xterm' || process.env.BENCH_DESKTOP === 'gui'
    ? [process.env.BENCH_DESKTOP]
    : ['xterm', 'gui'];
const links = LINKS.filter((l) => !process.env.BENCH_LINK || l.name === process.env.BENCH_LINK);
if (links.length === 0) throw new Error(`no link named ${process.env.BENCH_LINK} (loopback, hotel)`);
for (const kind of desktops) await runDesktop(kind, links);
