/**
 * Messages between the viewer's main thread and its decoder worker, declared once and checked on
 * receipt at both ends (a worker's message is input like any other; a malformed one is dropped
 * and reported, never trusted). Pixel and payload buffers are transferred, not copied.
 *
 *   main -> worker  screen   one decrypted `screen` payload, in stream order
 *                   restart  forget the stream (a frame was refused): accept only a RESET next
 *   worker -> main  applied  the message `seq` is applied (the main thread acknowledges it); on a
 *                            RESET `size` is the new picture size; at the end of an update `rects`
 *                            are the painted areas with their RGBA pixels, ready for putImageData
 *                   failed   the payload did not decode (code from ScreenFormatError)
 */
import * as z from 'zod';
import { SCREEN_MAX_SIDE } from '../../../protocol/screen/limits';

const Side = z.number().int().min(1).max(SCREEN_MAX_SIDE);
const Coord = z.number().int().min(0).max(SCREEN_MAX_SIDE);
const Seq = z.number().int().min(0).max(0xffff_ffff);

export const ToDecoder = z.discriminatedUnion('type', [
  z.object({ type: z.literal('screen'), payload: z.instanceof(ArrayBuffer) }),
  z.object({ type: z.literal('restart') }),
]);
export type ToDecoder = z.infer<typeof ToDecoder>;

export const DirtyRect = z.object({
  x: Coord,
  y: Coord,
  width: Side,
  height: Side,
  /** RGBA, width*height*4 bytes. */
  pixels: z.instanceof(ArrayBuffer),
});
export type DirtyRect = z.infer<typeof DirtyRect>;

export const FromDecoder = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('applied'),
    seq: Seq,
    size: z.object({ width: Side, height: Side }).nullable(),
    rects: z.array(DirtyRect).nullable(),
    /** Time the worker spent on this payload, in ms. */
    decodeMs: z.number().min(0),
  }),
  z.object({ type: z.literal('failed'), code: z.string().max(40), message: z.string().max(500) }),
]);
export type FromDecoder = z.infer<typeof FromDecoder>;

/** Checks a dirty rectangle's pixel buffer against its size (a schema cannot say this). */
export function rectIsConsistent(r: DirtyRect): boolean {
  return r.pixels.byteLength === r.width * r.height * 4;
}
