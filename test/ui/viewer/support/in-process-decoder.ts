/**
 * The decoder worker's logic (DecoderCore) behind the DecoderPort interface, in the same
 * process: Node tests and benchmarks run ViewerSession without a browser Worker. Messages are
 * delivered asynchronously and in order, like a worker's.
 */
import { DecoderCore } from '../../../../ui/viewer/worker/decoder-core';
import type { DecoderPort } from '../../../../ui/viewer/decoder-client';
import type { ToDecoder } from '../../../../ui/viewer/worker/worker-messages';
import { TurboJpegDecoder } from '../../decoder/turbo-jpeg-decoder';

export class InProcessDecoder implements DecoderPort {
  readonly core = new DecoderCore(new TurboJpegDecoder());
  onmessage: ((event: MessageEvent<unknown>) => void) | null = null;
  private chain: Promise<void> = Promise.resolve();
  terminated = false;

  postMessage(message: ToDecoder): void {
    this.chain = this.chain.then(async () => {
      if (this.terminated) return;
      if (message.type === 'restart') {
        this.core.restart();
        return;
      }
      const out = await this.core.screen(new Uint8Array(message.payload));
      this.onmessage?.(new MessageEvent('message', { data: out }));
    });
  }

  terminate(): void {
    this.terminated = true;
  }
}
