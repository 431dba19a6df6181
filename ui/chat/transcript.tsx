/**
 * The transcript: one list item per line (system lines centred, this side's lines on the right
 * with delivery marks), pending sends after them. Stays scrolled to the newest line unless the
 * reader scrolled up to read back.
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import type { ChatLine } from '../../protocol/common';
import type { ChatLabels, ChatSelf, PendingChatLine } from './chat-types';
import { DeliveryMark } from './delivery-mark';
import { deliveryOf, isOwnLine } from './delivery';

/** Within this distance of the bottom, in CSS pixels, the reader counts as following along. */
const FOLLOW_SLACK_PX = 48;

export interface TranscriptProps {
  lines: readonly ChatLine[];
  pending: readonly PendingChatLine[];
  self: ChatSelf;
  deliveredSeq: number;
  labels: ChatLabels;
  locale: string | undefined;
  systemText: ((line: ChatLine) => string) | undefined;
  onRetry: ((localId: string) => void) | undefined;
  renderFile: ((line: ChatLine) => ComponentChildren) | undefined;
}

export function Transcript(props: TranscriptProps) {
  const box = useRef<HTMLOListElement>(null);
  const following = useRef(true);
  const time = useMemo(
    () => new Intl.DateTimeFormat(props.locale, { hour: '2-digit', minute: '2-digit' }),
    [props.locale],
  );

  useLayoutEffect(() => {
    const el = box.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [props.lines.length, props.pending.length]);

  const empty = props.lines.length === 0 && props.pending.length === 0;
  return (
    <ol
      ref={box}
      class="ll-chat-transcript"
      aria-label={props.labels.transcript}
      aria-live="polite"
      onScroll={(e) => {
        const el = e.currentTarget;
        following.current = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK_PX;
      }}
    >
      {empty && <li class="ll-chat-empty">{props.labels.empty}</li>}
      {props.lines.map((line) => {
        if (line.from.kind === 'system') {
          return (
            <li key={line.seq} class="ll-chat-line ll-chat-system" data-seq={line.seq}>
              <span class="ll-chat-text">{props.systemText ? props.systemText(line) : line.text}</span>
              <time class="ll-chat-time">{time.format(line.at)}</time>
            </li>
          );
        }
        const own = isOwnLine(line, props.self);
        return (
          <li
            key={line.seq}
            class={own ? 'll-chat-line ll-chat-own' : 'll-chat-line ll-chat-peer'}
            data-seq={line.seq}
          >
            <span class="ll-chat-author">{own ? props.labels.you : line.from.name}</span>
            {line.file && props.renderFile ? (
              props.renderFile(line)
            ) : (
              <span class="ll-chat-text">{line.text}</span>
            )}
            <span class="ll-chat-meta">
              <time class="ll-chat-time">{time.format(line.at)}</time>
              {own && <DeliveryMark state={deliveryOf(line, props.deliveredSeq)} labels={props.labels} />}
            </span>
          </li>
        );
      })}
      {props.pending.map((p) => (
        <li key={`p-${p.localId}`} class="ll-chat-line ll-chat-own ll-chat-pending" data-pending={p.localId}>
          <span class="ll-chat-author">{props.labels.you}</span>
          <span class="ll-chat-text">{p.text}</span>
          <span class="ll-chat-meta">
            <time class="ll-chat-time">{time.format(p.at)}</time>
            <DeliveryMark state={p.failed ? 'failed' : 'sending'} labels={props.labels} />
            {p.failed && props.onRetry && (
              <button type="button" class="ll-chat-retry" onClick={() => props.onRetry?.(p.localId)}>
                {props.labels.retry}
              </button>
            )}
          </span>
        </li>
      ))}
    </ol>
  );
}
