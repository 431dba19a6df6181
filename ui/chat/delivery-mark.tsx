/** The mark after one of this side's lines: a clock while sending, one tick, two ticks, or "!". */
import type { ChatLabels, DeliveryState } from './chat-types';

const GLYPH: Record<DeliveryState, string> = {
  sending: '\u{1F552}',
  sent: '\u2713',
  delivered: '\u2713\u2713',
  failed: '!',
};

export function DeliveryMark({ state, labels }: { state: DeliveryState; labels: ChatLabels }) {
  const title = labels[state];
  return (
    <span class="ll-chat-mark" data-state={state} title={title}>
      <span aria-hidden="true">{GLYPH[state]}</span>
      <span class="ll-chat-sr">{title}</span>
    </span>
  );
}
