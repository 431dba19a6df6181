/**
 * The chat view shared by the support page and the agent extension: transcript, typing
 * indicator, optional notice, composer. Props are documented in ./chat-types.ts. The view
 * reports the newest line of the other side once it is really on screen (tab visible), so the
 * host can send `chat.received` and the other side sees two ticks only when it is true.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { ChatViewProps } from './chat-types';
import { Composer } from './composer';
import { lastPeerSeq } from './delivery';
import { Transcript } from './transcript';
import { TypingIndicator } from './typing-indicator';
import './chat.css';

export type { ChatLabels, ChatSelf, ChatViewProps, PendingChatLine } from './chat-types';

export function ChatView(props: ChatViewProps) {
  const pending = props.pending ?? [];
  const reported = useRef(0);
  const onShown = useRef(props.onShown);
  onShown.current = props.onShown;
  const newestPeer = lastPeerSeq(props.lines, props.self);

  useEffect(() => {
    const report = () => {
      if (document.visibilityState !== 'visible') return;
      if (newestPeer > reported.current) {
        reported.current = newestPeer;
        onShown.current?.(newestPeer);
      }
    };
    report();
    document.addEventListener('visibilitychange', report);
    return () => document.removeEventListener('visibilitychange', report);
  }, [newestPeer]);

  return (
    <section class="ll-chat">
      <Transcript
        lines={props.lines}
        pending={pending}
        self={props.self}
        deliveredSeq={props.deliveredSeq}
        labels={props.labels}
        locale={props.locale}
        systemText={props.systemText}
        onRetry={props.onRetry}
      />
      <TypingIndicator text={props.peerTyping === null ? null : props.labels.typing(props.peerTyping)} />
      {props.notice && (
        <p class="ll-chat-notice" role="status">
          {props.notice}
        </p>
      )}
      <Composer
        placeholder={props.labels.composer}
        sendLabel={props.labels.send}
        disabled={props.canSend === false}
        onSend={props.onSend}
        onTyping={props.onTyping}
      />
    </section>
  );
}
