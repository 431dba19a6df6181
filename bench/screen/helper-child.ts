/**
 * The helper side of the screen benchmark, in its own process (so its CPU time is measured like
 * x0vncserver's): X11ScreenSource on $DISPLAY -> ScreenEncoder -> loopback TCP to the benchmark,
 * which acknowledges and sends control messages back. `BENCH_RECORD=file` records the encoder's
 * calls (encoder-recording.ts); `BENCH_QUALITY=low|lossless` starts in that quality mode (what the
 * viewer asks for with "Fast (less data)" or "Sharp"), `auto` otherwise.
 */
import net from 'node:net';
import { X11ScreenSource } from '../../host/platform/linux/x11-screen-source';
import { silentPlatformLog } from '../../host/platform/platform-log';
import { ScreenEncoder } from '../../host/screen/screen-encoder';
import { DataChannel } from '../../protocol/frame';
import { QualityMode } from '../../protocol/screen/screen-control';
import { CHANNEL_STATS, readFrames, writeFrame } from './link-framing';

const display = process.env.DISPLAY;
const port = Number(process.env.BENCH_PORT);
if (!display || !port) throw new Error('DISPLAY and BENCH_PORT are required');
// BENCH_RECORD=file: every encoder call goes to `file` too, for encoder-replay-bench.ts.
if (process.env.BENCH_RECORD)
  (await import('./encoder-recording')).recordUpdateEncoderCalls(process.env.BENCH_RECORD);

const sock = net.connect(port, '127.0.0.1');
sock.setNoDelay(true);
await new Promise<void>((r) => sock.once('connect', () => r()));
const source = await X11ScreenSource.open(display, silentPlatformLog);
const encoder = new ScreenEncoder(source, {
  onError: (e) => console.error('encoder error:', e),
  send(channel, payload) {
    writeFrame(sock, DataChannel[channel], payload);
  },
});
readFrames(sock, (channel, payload) => {
  if (channel === DataChannel.ack) encoder.onAck(payload);
  else if (channel === DataChannel.control) encoder.onControl(payload);
  else if (channel === CHANNEL_STATS)
    writeFrame(sock, CHANNEL_STATS, Buffer.from(JSON.stringify(encoder.stats())));
});
sock.on('close', () => {
  void encoder
    .close()
    .then(() => source.close())
    .then(() => process.exit(0));
});
encoder.setQuality(QualityMode.parse(process.env.BENCH_QUALITY ?? 'auto'));
await encoder.start();
