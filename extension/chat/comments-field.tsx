/**
 * The session's comments (for the manager's reports and for colleagues after a transfer), saved
 * to the server a moment after the agent stops typing, with a visible "saved" state.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { COMMENT_MAX_CHARS } from '../../protocol/limits';
import { t } from '../lib/i18n';
import { ask } from '../lib/ui-client';

/** Save this long after the last keystroke, in ms. */
const COMMENT_SAVE_DELAY_MS = 800;

type SaveState = 'idle' | 'pending' | 'saved' | 'failed';

export function CommentsField(props: { sessionId: string; initial: string; disabled: boolean }) {
  const [text, setText] = useState(props.initial);
  const [state, setState] = useState<SaveState>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(text);

  const save = async () => {
    timer.current = null;
    const value = latest.current;
    try {
      await ask({ type: 'session.comment', sessionId: props.sessionId, comment: value });
      if (latest.current === value) setState('saved');
    } catch {
      setState('failed');
    }
  };

  useEffect(
    () => () => {
      // Closing the window with an unsaved edit: save it now.
      if (timer.current !== null) {
        clearTimeout(timer.current);
        void save();
      }
    },
    [],
  );

  return (
    <section class="comments">
      <label for="session-comment">
        {t('comments')}{' '}
        <span class="save-state muted" data-state={state}>
          {state === 'pending'
            ? t('saving')
            : state === 'saved'
              ? t('saved')
              : state === 'failed'
                ? t('saveFailed')
                : ''}
        </span>
      </label>
      <textarea
        id="session-comment"
        rows={2}
        maxLength={COMMENT_MAX_CHARS}
        placeholder={t('commentsPlaceholder')}
        disabled={props.disabled}
        value={text}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          latest.current = value;
          setState('pending');
          if (timer.current !== null) clearTimeout(timer.current);
          timer.current = setTimeout(() => void save(), COMMENT_SAVE_DELAY_MS);
        }}
      />
    </section>
  );
}
