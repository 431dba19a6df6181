/**
 * Delivery marks for a side's own lines: a confirmed line (it has a seq) is `sent` until the other
 * side acknowledges having shown it (chat.delivered up to that seq), then `delivered`.
 */
import type { ChatLine } from '../../protocol/common';
import type { ChatSelf, DeliveryState } from './chat-types';

/** True when `line` was written by the side this view belongs to. */
export function isOwnLine(line: ChatLine, self: ChatSelf): boolean {
  if (self.kind === 'customer') return line.from.kind === 'customer';
  return line.from.kind === 'agent' && line.from.agentId === self.agentId;
}

export function deliveryOf(line: ChatLine, deliveredSeq: number): DeliveryState {
  return line.seq <= deliveredSeq ? 'delivered' : 'sent';
}

/** Highest seq among the lines written by someone other than `self` (0 when there is none). */
export function lastPeerSeq(lines: readonly ChatLine[], self: ChatSelf): number {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line && !isOwnLine(line, self)) return line.seq;
  }
  return 0;
}
