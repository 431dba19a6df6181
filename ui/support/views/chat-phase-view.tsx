/**
 * The chat with the agent: who they are, the shared chat view, the screen-sharing panel when the
 * agent asks for it, and "end chat". While the connection is lost the composer is off and says why.
 */
import { useMemo } from 'preact/hooks';
import { ChatView } from '../../chat/chat-view';
import { useI18n } from '../../i18n/use-i18n';
import { chatLabels } from './chat-labels';
import { CustomerFileLine, fileRefusalText } from './chat-file-views';
import { errorText } from './error-text';
import { ScreenSharePanel } from './screen-share-panel';
import { SlowLinkAdvice } from './slow-link-advice';
import { AgentScreenPanel } from '../../share/view/agent-screen-panel';
import type { ViewProps } from './view-props';

export function ChatPhaseView(props: ViewProps) {
  const { model, actions } = props;
  const { t, language } = useI18n();
  const labels = useMemo(() => chatLabels(t), [t, language]);
  const agent = model.session?.agentName ?? null;
  const online = model.connection.name === 'open';
  const transfer = model.transfer;

  return (
    <section class="ll-card ll-chat-card" data-view="chat">
      <header class="ll-chat-head">
        <h1>{agent ? t('support.chat.with', { agent }) : t('support.chat.title')}</h1>
        <button type="button" class="ll-secondary" onClick={() => actions.endChat()}>
          {t('support.chat.end')}
        </button>
      </header>
      {transfer && (
        <p class="ll-note" role="status">
          {transfer.portalName && !transfer.agentName
            ? t('support.chat.transferredPortal', { portal: transfer.portalName })
            : t('support.chat.transferredAgent', { agent: transfer.agentName ?? agent ?? '' })}
        </p>
      )}
      {model.actionError && (
        <p class="ll-error" role="alert">
          {errorText(t, model.actionError)}
        </p>
      )}
      {model.chatFiles.refusal && (
        <p class="ll-error" role="alert" data-testid="file-refusal">
          {fileRefusalText(t, model.chatFiles.refusal)}{' '}
          <button type="button" class="ll-link" onClick={() => actions.dismissFileRefusal()}>
            {t('chatFile.dismiss')}
          </button>
        </p>
      )}
      <ScreenSharePanel {...props} />
      {model.screen.slowLink && <SlowLinkAdvice t={t} agent={agent ?? ''} />}
      {model.agentShare.active && (
        <AgentScreenPanel
          access={actions.shareAccess()}
          agentName={model.agentShare.agentName ?? agent ?? ''}
        />
      )}
      <div class="ll-chat-box">
        <ChatView
          lines={model.lines}
          pending={model.pending}
          self={{ kind: 'customer' }}
          deliveredSeq={model.deliveredSeq}
          peerTyping={model.agentTyping}
          onSend={(text) => actions.send(text)}
          onTyping={(typing) => actions.typing(typing)}
          onShown={(seq) => actions.shown(seq)}
          onRetry={(id) => actions.retry(id)}
          canSend={online}
          notice={online ? null : t('support.connection.chatNotice')}
          labels={labels}
          locale={language}
          onFiles={(files) => actions.sendFiles(files)}
          renderFile={(line) => <CustomerFileLine line={line} model={model} actions={actions} t={t} />}
        />
      </div>
    </section>
  );
}
