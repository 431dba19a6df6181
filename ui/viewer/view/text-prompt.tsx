/** The small field that asks for a text annotation's words, where the agent clicked. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ANNOTATION_TEXT_MAX_CHARS } from '../../../protocol/data/annotations';
import type { Point } from '../coordinate-map';
import type { Translate } from '../viewer-text';

export interface TextRequest {
  client: Point;
  done(text: string | null): void;
}

export function TextPrompt(props: { t: Translate; request: TextRequest; onClose: () => void }) {
  const { t, request } = props;
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const finish = (value: string | null) => {
    request.done(value);
    props.onClose();
  };
  return (
    <form
      class="text-prompt"
      style={{ left: `${request.client.x}px`, top: `${request.client.y}px` }}
      onSubmit={(e) => {
        e.preventDefault();
        finish(text.trim() ? text : null);
      }}
    >
      <input
        ref={input}
        type="text"
        class="text-prompt-input"
        aria-label={t('textPrompt')}
        placeholder={t('textPrompt')}
        maxLength={ANNOTATION_TEXT_MAX_CHARS}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') finish(null);
        }}
      />
      <button type="submit" class="primary">
        {t('textAdd')}
      </button>
      <button type="button" onClick={() => finish(null)}>
        {t('cancel')}
      </button>
    </form>
  );
}
