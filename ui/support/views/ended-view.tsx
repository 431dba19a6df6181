/**
 * The session ended: says who ended it, offers to continue with the same agent (a new request
 * that goes to them first: the FAQ's "representative not available" is answered on the waiting
 * page) or a new request (the form, with an empty description), and keeps the conversation
 * readable below.
 */
import { useMemo } from 'preact/hooks';
import { ChatView } from '../../chat/chat-view';
import { useI18n } from '../../i18n/use-i18n';
import { chatLabels } from './chat-labels';
import { errorText } from './error-text';
import type { ViewProps } from './view-props';

export function EndedView({ model, actions }: ViewProps) {
  const { t, language } = useI18n();
  const labels = useMemo(() => chatLabels(t), [t, language]);
  const agent = model.session?.agentName;
  const busy = model.phase === 'restarting';
  const reason =
    model.endedBy === 'customer'
      ? t('support.ended.byCustomer')
      : model.endedBy === 'agent'
        ? agent
          ? t('support.ended.byAgent', { agent })
          : t('support.ended.byAgentUnnamed')
        : t('support.ended.bySystem');

  return (
    <section class="ll-card" data-view="ended">
      <h1>{t('support.ended.title')}</h1>
      <p>{reason}</p>
      {model.actionError && (
        <p class="ll-error" role="alert">
          {errorText(t, model.actionError)}
        </p>
      )}
      <div class="ll-actions">
        {agent && (
          <button
            type="button"
            class="ll-primary ll-continue"
            disabled={busy}
            onClick={() => actions.continueWithAgent()}
          >
            {t('support.ended.continueWith', { agent })}
          </button>
        )}
        <button
          type="button"
          class={agent ? 'll-secondary ll-new-request' : 'll-primary ll-new-request'}
          disabled={busy}
          onClick={() => actions.newRequest()}
        >
          {busy ? t('support.ended.restarting') : t('support.ended.restart')}
        </button>
      </div>
      {model.lines.length > 0 && (
        <details class="ll-transcript-box">
          <summary>{t('support.ended.transcript')}</summary>
          <div class="ll-chat-box ll-chat-readonly">
            <ChatView
              lines={model.lines}
              self={{ kind: 'customer' }}
              deliveredSeq={model.deliveredSeq}
              peerTyping={null}
              onSend={() => undefined}
              canSend={false}
              labels={labels}
              locale={language}
            />
          </div>
        </details>
      )}
    </section>
  );
}
