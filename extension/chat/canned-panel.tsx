/** The agent's canned replies: insert one into the message field, add the ones you use, remove. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../lib/i18n';
import { CANNED_MAX_CHARS, loadCanned, saveCanned } from '../lib/canned-replies';

export function CannedPanel(props: { agentId: string; onInsert: (text: string) => void }) {
  const [replies, setReplies] = useState<string[] | null>(null);
  const [draft, setDraft] = useState('');
  useEffect(() => {
    void loadCanned(props.agentId).then(setReplies);
  }, [props.agentId]);

  const save = async (next: string[]) => setReplies(await saveCanned(props.agentId, next));

  return (
    <section class="panel canned-panel" aria-labelledby="canned-title">
      <h2 id="canned-title">{t('cannedReplies')}</h2>
      {replies && replies.length === 0 && <p class="muted">{t('cannedEmpty')}</p>}
      <ul class="canned-list">
        {(replies ?? []).map((text) => (
          <li key={text} class="canned-item">
            <button
              type="button"
              class="canned-insert"
              title={t('cannedInsert')}
              onClick={() => props.onInsert(text)}
            >
              {text}
            </button>
            <button
              type="button"
              class="link canned-remove"
              aria-label={t('cannedRemove')}
              onClick={() => void save((replies ?? []).filter((r) => r !== text))}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
      <form
        class="canned-add"
        onSubmit={(e) => {
          e.preventDefault();
          if (draft.trim().length === 0) return;
          void save([...(replies ?? []), draft]).then(() => setDraft(''));
        }}
      >
        <input
          type="text"
          class="canned-new"
          maxLength={CANNED_MAX_CHARS}
          placeholder={t('cannedNewPlaceholder')}
          aria-label={t('cannedNewPlaceholder')}
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit">{t('cannedAdd')}</button>
      </form>
    </section>
  );
}
