/**
 * The chat view shared by the support page and the agent extension: transcript, typing
 * indicator, optional notice, composer. Props are documented in ./chat-types.ts. The view
 * reports the newest line of the other side once it is really on screen (tab visible), so the
 * host can send `chat.received` and the other side sees two ticks only when it is true.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
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
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const canDrop = props.onFiles !== undefined && props.canSend !== false;

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
    <section
      class={dragging ? 'll-chat ll-chat-dragging' : 'll-chat'}
      data-drop-label={dragging ? (props.labels.dropFile ?? '') : undefined}
      onDragOver={(e) => {
        if (!canDrop || !e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        if (!canDrop) return;
        e.preventDefault();
        const files = [...(e.dataTransfer?.files ?? [])];
        if (files.length > 0) props.onFiles?.(files);
      }}
    >
      <Transcript
        lines={props.lines}
        pending={pending}
        self={props.self}
        deliveredSeq={props.deliveredSeq}
        labels={props.labels}
        locale={props.locale}
        systemText={props.systemText}
        onRetry={props.onRetry}
        renderFile={props.renderFile}
      />
      <TypingIndicator text={props.peerTyping === null ? null : props.labels.typing(props.peerTyping)} />
      {props.notice && (
        <p class="ll-chat-notice" role="status">
          {props.notice}
        </p>
      )}
      {props.onFiles && (
        <div class="ll-chat-attach">
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            data-testid="chat-file-input"
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              e.currentTarget.value = '';
              if (files.length > 0) props.onFiles?.(files);
            }}
          />
          <button
            type="button"
            class="ll-chat-attach-button"
            disabled={props.canSend === false}
            onClick={() => picker.current?.click()}
          >
            {props.labels.sendFile}
          </button>
        </div>
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
