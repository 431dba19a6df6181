/**
 * The viewer's decoder worker: decodes the screen stream off the main thread (inflate, palette,
 * JPEG through createImageBitmap) and posts back, per complete update, only the painted areas
 * with their pixels (transferred, not copied). Messages in and out are checked
 * (worker-messages.ts). Payloads are handled strictly in arrival order.
 */
import '../../strict-csp-zod';
import { BrowserJpegDecoder } from '../../decoder/browser-jpeg-decoder';
import { DecoderCore } from './decoder-core';
import { ToDecoder, type FromDecoder } from './worker-messages';

interface WorkerScope {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: FromDecoder, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const core = new DecoderCore(new BrowserJpegDecoder());
let chain: Promise<void> = Promise.resolve();

function post(message: FromDecoder): void {
  const transfer = message.type === 'applied' && message.rects ? message.rects.map((r) => r.pixels) : [];
  scope.postMessage(message, transfer);
}

scope.onmessage = (event) => {
  const parsed = ToDecoder.safeParse(event.data);
  if (!parsed.success) {
    post({ type: 'failed', code: 'bad_message', message: 'the decoder worker got a malformed message' });
    return;
  }
  const msg = parsed.data;
  chain = chain.then(async () => {
    if (msg.type === 'restart') {
      core.restart();
      return;
    }
    post(await core.screen(new Uint8Array(msg.payload)));
  });
};
