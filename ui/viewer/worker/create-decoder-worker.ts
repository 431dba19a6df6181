/**
 * Starts the decoder worker. The `new URL(..., import.meta.url)` form is what bundlers (Vite, in
 * the extension's WXT build) recognise: the worker and its imports become one module chunk served
 * from the page's own origin (an extension page's CSP allows it).
 */
import type { DecoderPort } from '../decoder-client';

export function createDecoderWorker(): DecoderPort {
  return new Worker(new URL('./decoder-worker.ts', import.meta.url), {
    type: 'module',
    name: 'lifeline-decoder',
  });
}
