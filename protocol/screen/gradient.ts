/**
 * The prediction of the screen channel's GRADIENT operation (screen-message.ts): the median edge
 * detector of LOCO-I/JPEG-LS over one colour component, from the left (a), upper (b) and
 * upper-left (c) values. Shared by the encoder and the decoder so both predict alike.
 */
export function medPredict(a: number, b: number, c: number): number {
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  if (c >= hi) return lo;
  if (c <= lo) return hi;
  return a + b - c;
}
