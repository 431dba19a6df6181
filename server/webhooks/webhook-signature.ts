/**
 * How webhook deliveries are signed, and how a receiver checks them (docs/api.md has the recipe):
 *
 *   Lifeline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256(secret, "<t>.<raw body>")>
 *
 * The timestamp is inside the signed text, so a receiver that refuses old timestamps (5 minutes
 * is the usual tolerance) also refuses replays of a captured delivery.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'lifeline-signature';
/** How old a signed timestamp a receiver should accept, in seconds (verifySignature's default). */
export const SIGNATURE_TOLERANCE_S = 300;

export function signatureOf(secret: string, timestampS: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampS}.${body}`, 'utf8').digest('hex');
  return `t=${timestampS},v1=${mac}`;
}

/** true when `header` signs `body` with `secret` and its time is within the tolerance of `nowS`. */
export function verifySignature(
  header: string | undefined,
  secret: string,
  body: string,
  nowS: number,
  toleranceS = SIGNATURE_TOLERANCE_S,
): boolean {
  if (!header || header.length > 200) return false;
  const parts = new Map(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const expected = signatureOf(secret, t, body).split('v1=')[1]!;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(v1, 'hex'));
}
