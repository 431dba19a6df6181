/**
 * The screen pipeline of the e2e suites on a real X display: the helper's X11 ScreenSource
 * (MIT-SHM, DAMAGE) -> ScreenEncoder -> the reference decoder, in step (each message is applied,
 * then acknowledged, as a viewer does). `settle` waits until the decoded picture equals an
 * independent X capture (xwd), pixel for pixel.
 */
import { X11ScreenSource } from '../../../host/platform/linux/x11-screen-source';
import { silentPlatformLog } from '../../../host/platform/platform-log';
import { ScreenEncoder } from '../../../host/screen/screen-encoder';
import { encodeAck, screenMessageSeq } from '../../../protocol/screen';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import { countDiff } from '../../host/screen/synthetic';
import { TurboJpegDecoder } from '../../ui/decoder/turbo-jpeg-decoder';
import { xwdCaptureAsync } from './xwd-capture';

/** Time between two comparisons while settling, in ms. */
const SETTLE_POLL_MS = 150;

export interface DecodedScreen {
  encoder: ScreenEncoder;
  decoder: ScreenDecoder;
  /** Capture or encoding errors the encoder reported. */
  errors: unknown[];
  /** Waits until the decoded picture equals an xwd capture; returns the differing pixels left at the timeout (0: exact). */
  settle(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

export async function startDecodedScreen(display: string): Promise<DecodedScreen> {
  const source = await X11ScreenSource.open(display, silentPlatformLog);
  const decoder = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
  const errors: unknown[] = [];
  let chain = Promise.resolve();
  const encoder: ScreenEncoder = new ScreenEncoder(source, {
    onError: (e) => errors.push(e),
    send(channel, payload) {
      if (channel !== 'screen') return;
      chain = chain.then(async () => {
        await decoder.apply(payload);
        encoder.onAck(encodeAck(screenMessageSeq(payload)));
      });
    },
  });
  await encoder.start();
  return {
    encoder,
    decoder,
    errors,
    async settle(timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      let diff = -1;
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, SETTLE_POLL_MS));
        const fb = decoder.framebuffer;
        if (!fb) continue;
        const truth = await xwdCaptureAsync(display);
        if (truth.width !== fb.width || truth.height !== fb.height) continue;
        diff = countDiff(truth, fb.data);
        if (diff === 0) return 0;
      }
      return diff;
    },
    async close() {
      await encoder.close();
      await source.close();
    },
  };
}
