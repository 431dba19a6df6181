/**
 * What a node says about the client whose socket it forwards (node-link-session.ts), and the
 * proof that a node said it: the client's real address (the owner's throttles and audit key on
 * it, not on the forwarding node), its Origin and User-Agent, which node forwards, and when. The
 * claims travel in one upgrade header, `x-lifeline-link`, as base64url JSON plus an HMAC-SHA-256
 * under a key every node derives from the join-code key they already share (docs/deployment.md),
 * so nothing new is configured and a client cannot pass itself off as a node to choose its
 * address. A header older than LINK_CLAIMS_MAX_AGE_MS is refused (a captured one is useless
 * soon); sizes are checked before anything is decoded.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { NODE_ID } from './cluster-topics';

export const LINK_HEADER = 'x-lifeline-link';
/** The path a node's forwarded sockets upgrade on. */
export const LINK_PATH = '/cluster/link';
/** How old a link header may be when it arrives, in ms (clocks of the nodes are kept by NTP). */
export const LINK_CLAIMS_MAX_AGE_MS = 30_000;
/** Longest header accepted, in characters. */
const LINK_HEADER_MAX_CHARS = 2_048;

const LinkClaims = z.object({
  from: z.string().regex(NODE_ID),
  address: z.string().min(1).max(64),
  origin: z.string().max(512).optional(),
  userAgent: z.string().max(512).optional(),
  at: z.number().int().nonnegative(),
});
export type LinkClaims = z.infer<typeof LinkClaims>;

export class LinkSigner {
  private readonly key: Buffer;

  constructor(joinCodeKey: Buffer) {
    this.key = createHmac('sha256', joinCodeKey).update('lifeline node link v1').digest();
  }

  sign(claims: LinkClaims): string {
    const body = Buffer.from(JSON.stringify(LinkClaims.parse(claims))).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The claims of a genuine, fresh header; null otherwise. */
  verify(header: string | string[] | undefined, now: number): LinkClaims | null {
    if (typeof header !== 'string' || header.length > LINK_HEADER_MAX_CHARS) return null;
    const dot = header.indexOf('.');
    if (dot <= 0) return null;
    const body = header.slice(0, dot);
    const given = Buffer.from(header.slice(dot + 1), 'base64url');
    const want = Buffer.from(this.mac(body), 'base64url');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
    try {
      const parsed = LinkClaims.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      if (!parsed.success) return null;
      const age = now - parsed.data.at;
      return age <= LINK_CLAIMS_MAX_AGE_MS && age >= -LINK_CLAIMS_MAX_AGE_MS ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
