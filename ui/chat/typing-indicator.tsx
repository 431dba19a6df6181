/** "Anna is typing…", announced politely to screen readers; an empty live region otherwise. */
export interface TypingIndicatorProps {
  text: string | null;
}

export function TypingIndicator({ text }: TypingIndicatorProps) {
  return (
    <div class="ll-chat-typing" aria-live="polite" data-active={text === null ? 'false' : 'true'}>
      {text !== null && (
        <>
          <span class="ll-chat-typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <span class="ll-chat-typing-text">{text}</span>
        </>
      )}
    </div>
  );
}
