/**
 * The message field: Enter sends, Shift+Enter (or Enter while an input method is composing) makes
 * a new line. Sends trimmed text only when non-empty; control characters the protocol refuses are
 * dropped as they are typed, and the length is capped at CHAT_TEXT_MAX_CHARS.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { CHAT_TEXT_MAX_CHARS } from '../../protocol/limits';
import { TypingSignal } from './typing-signal';

export interface ComposerProps {
  placeholder: string;
  sendLabel: string;
  disabled: boolean;
  onSend: (text: string) => void;
  onTyping?: (typing: boolean) => void;
}

// Control characters other than tab, newline and carriage return are refused by the protocol.
// eslint-disable-next-line no-control-regex -- the point is to strip control characters
const REFUSED_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** The text that would be sent for this field content, or null when there is nothing to send. */
export function messageToSend(raw: string): string | null {
  const text = raw.replace(REFUSED_CONTROL, '').trim();
  if (text.length === 0) return null;
  return text.slice(0, CHAT_TEXT_MAX_CHARS);
}

export function Composer(props: ComposerProps) {
  const [text, setText] = useState('');
  const onTypingRef = useRef(props.onTyping);
  onTypingRef.current = props.onTyping;
  const signal = useRef<TypingSignal | null>(null);
  if (signal.current === null) signal.current = new TypingSignal((t) => onTypingRef.current?.(t));
  const field = useRef<HTMLTextAreaElement>(null);

  useEffect(() => () => signal.current?.stop(), []);
  useEffect(() => {
    if (props.disabled) signal.current?.stop();
  }, [props.disabled]);

  const send = () => {
    if (props.disabled) return;
    const out = messageToSend(text);
    if (out === null) return;
    signal.current?.stop();
    setText('');
    props.onSend(out);
    field.current?.focus();
  };

  return (
    <form
      class="ll-chat-composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        ref={field}
        class="ll-chat-input"
        rows={2}
        maxLength={CHAT_TEXT_MAX_CHARS}
        placeholder={props.placeholder}
        aria-label={props.placeholder}
        disabled={props.disabled}
        value={text}
        onInput={(e) => {
          const value = e.currentTarget.value.replace(REFUSED_CONTROL, '');
          setText(value);
          signal.current?.input(value.trim().length > 0);
        }}
        onKeyDown={(e) => {
          if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
          e.preventDefault();
          send();
        }}
      />
      <button type="submit" class="ll-chat-send" disabled={props.disabled || messageToSend(text) === null}>
        {props.sendLabel}
      </button>
    </form>
  );
}
