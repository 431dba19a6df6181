/**
 * One session's window: who the customer is and what they asked, the shared chat view
 * (ui/chat) with the typing indicator and delivery marks, the agent's tools (Windows menu,
 * view screen, transfer, end session, canned replies) and the comments field.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ChatView, type ChatLabels, type PendingChatLine } from '../../ui/chat/chat-view';
import type { ChatLine } from '../../protocol/common';
import type { ChatFileView } from '../../protocol/chat-file';
import { currentLanguage, t } from '../lib/i18n';
import { ask } from '../lib/ui-client';
import { usePageState } from '../lib/page-state';
import { chatPortName, type SessionDetail } from '../lib/ui-protocol';
import { CannedPanel } from './canned-panel';
import { CommentsField } from './comments-field';
import { ScreenPanel } from './screen-panel';
import { ShareScreenButton } from './share-screen-button';
import { TransferPanel } from './transfer-panel';
import { WindowsMenu } from './windows-menu';
import { insertIntoComposer } from './insert-text';
import { SessionNotices } from './session-notices';
import { AgentFileLine, agentRefusalText, useAgentChatFiles } from './chat-files';

type Panel = 'none' | 'transfer' | 'canned' | 'screen';

const NO_FILES: readonly ChatFileView[] = [];

export function ChatWindow({ sessionId }: { sessionId: string }) {
  const { view, detail } = usePageState(chatPortName(sessionId));
  const [panel, setPanel] = useState<Panel>('none');
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingChatLine[]>([]);
  const nextLocal = useRef(1);
  const chatRoot = useRef<HTMLDivElement>(null);
  const [missing, setMissing] = useState(false);
  const chatFiles = useAgentChatFiles(sessionId, detail?.files ?? NO_FILES);

  useEffect(() => {
    // A window restored for a session this agent no longer has (browser restarted, signed out).
    ask({ type: 'session.detail', sessionId }).catch(() => setMissing(true));
  }, [sessionId]);

  useEffect(() => {
    if (detail) document.title = t('chatWindowTitle', detail.session.customerName);
  }, [detail?.session.customerName]);

  if (!detail || !view) {
    return <p class={missing ? 'missing' : 'loading'}>{missing ? t('sessionNotFound') : t('loading')}</p>;
  }
  const closed = detail.closed;
  const online = view.connection === 'online';
  const me = view.agent;
  // The server refuses screen.request without it; the button says so before the agent tries.
  const screenView = view.features?.screenView !== false;
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch {
      setError(t('errorAction'));
    }
  };
  /** Sends a line, shown as pending until the server confirms it (then it is in the transcript). */
  const send = async (localId: string, text: string) => {
    setPending((p) => [...p.filter((x) => x.localId !== localId), { localId, text, at: Date.now() }]);
    try {
      await ask({ type: 'chat.send', sessionId, text });
      setPending((p) => p.filter((x) => x.localId !== localId));
    } catch {
      setPending((p) => p.map((x) => (x.localId === localId ? { ...x, failed: true } : x)));
    }
  };

  return (
    <div class="chat-window" data-session={sessionId}>
      <header class="session-head">
        <div class="customer">
          <h1>{detail.session.customerName}</h1>
          <p class="muted">
            {detail.session.portal.name}
            {detail.session.customerEmail ? ` · ${detail.session.customerEmail}` : ''}
          </p>
          {detail.session.customerClient && (
            <p class="muted customer-client" data-testid="customer-client">
              {t(
                'customerClient',
                detail.session.customerClient.system,
                detail.session.customerClient.browser,
              )}
            </p>
          )}
          {detail.session.problem && <p class="problem">{detail.session.problem}</p>}
          {detail.session.transfer && (
            <p class="transfer-note">
              {t('transferredBy', detail.session.transfer.fromAgent.name)}{' '}
              {detail.session.transfer.comment && <q>{detail.session.transfer.comment}</q>}
            </p>
          )}
        </div>
        <nav class="tools" aria-label={t('tools')}>
          <WindowsMenu view={view} current={sessionId} />
          <button
            type="button"
            class="view-screen"
            aria-pressed={panel === 'screen'}
            disabled={closed !== null || !screenView}
            title={screenView ? undefined : t('viewScreenDisabled')}
            aria-describedby={screenView ? undefined : 'view-screen-off'}
            onClick={() => setPanel(panel === 'screen' ? 'none' : 'screen')}
          >
            {t('viewScreen')}
          </button>
          {!screenView && (
            <span id="view-screen-off" class="feature-off">
              {t('viewScreenDisabled')}
            </span>
          )}
          <ShareScreenButton
            sessionId={sessionId}
            enabled={view.features?.shareMyScreen ?? null}
            closed={closed !== null}
          />
          <button
            type="button"
            class="transfer"
            aria-pressed={panel === 'transfer'}
            disabled={closed !== null || !online}
            onClick={() => setPanel(panel === 'transfer' ? 'none' : 'transfer')}
          >
            {t('transfer')}
          </button>
          <button
            type="button"
            class="canned"
            aria-pressed={panel === 'canned'}
            onClick={() => setPanel(panel === 'canned' ? 'none' : 'canned')}
          >
            {t('cannedReplies')}
          </button>
          {confirmEnd ? (
            <span class="confirm-end">
              <button
                type="button"
                class="danger end-confirm"
                onClick={() => {
                  setConfirmEnd(false);
                  void run(() => ask({ type: 'session.end', sessionId }));
                }}
              >
                {t('endSessionConfirm')}
              </button>
              <button type="button" onClick={() => setConfirmEnd(false)}>
                {t('cancel')}
              </button>
            </span>
          ) : (
            <button
              type="button"
              class="danger end-session"
              disabled={closed !== null || !online}
              onClick={() => setConfirmEnd(true)}
            >
              {t('endSession')}
            </button>
          )}
        </nav>
      </header>
      {closed && (
        <p class="closed-banner" role="status">
          {closedText(closed)}
        </p>
      )}
      <SessionNotices detail={detail} myAgentId={me?.id ?? null} online={online} />
      {error && <p role="alert">{error}</p>}
      {chatFiles.state.refusal && (
        <p role="alert" class="file-refusal">
          {agentRefusalText(chatFiles.state.refusal)}{' '}
          <button type="button" onClick={() => chatFiles.dismissRefusal()}>
            {t('chatFile_dismiss')}
          </button>
        </p>
      )}
      {panel === 'screen' && screenView && (
        <ScreenPanel sessionId={sessionId} screen={detail.screen} online={online} closed={closed !== null} />
      )}
      {panel === 'transfer' && (
        <TransferPanel sessionId={sessionId} myAgentId={me?.id ?? ''} onDone={() => setPanel('none')} />
      )}
      {panel === 'canned' && me && (
        <CannedPanel
          agentId={me.id}
          onInsert={(text) => {
            if (chatRoot.current) insertIntoComposer(chatRoot.current, text);
          }}
        />
      )}
      <div class="chat-area" ref={chatRoot}>
        <ChatView
          lines={detail.transcript}
          pending={pending}
          self={{ kind: 'agent', agentId: me?.id ?? '' }}
          deliveredSeq={detail.deliveredSeq}
          peerTyping={detail.customerTyping ? detail.session.customerName : null}
          canSend={closed === null && online}
          notice={noticeText(detail, online)}
          labels={chatLabels()}
          locale={currentLanguage()}
          systemText={systemText}
          onSend={(text) => void send(`l${nextLocal.current++}`, text)}
          onRetry={(localId) => {
            const line = pending.find((p) => p.localId === localId);
            if (line) void send(localId, line.text);
          }}
          onTyping={(typing) => void ask({ type: 'chat.typing', sessionId, typing }).catch(() => undefined)}
          onShown={(seq) => void ask({ type: 'chat.received', sessionId, seq }).catch(() => undefined)}
          onFiles={(files) => chatFiles.send(files)}
          renderFile={(line) => <AgentFileLine line={line} sessionId={sessionId} files={chatFiles} />}
        />
      </div>
      <CommentsField sessionId={sessionId} initial={detail.session.comment} disabled={closed !== null} />
    </div>
  );
}

function chatLabels(): ChatLabels {
  return {
    transcript: t('chatTranscript'),
    composer: t('chatComposer'),
    send: t('chatSend'),
    you: t('chatYou'),
    typing: (name) => t('chatTyping', name),
    sending: t('chatSending'),
    sent: t('chatSent'),
    delivered: t('chatDelivered'),
    failed: t('chatFailed'),
    retry: t('chatRetry'),
    empty: t('chatEmpty'),
    sendFile: t('chatFile_send'),
    dropFile: t('chatFile_drop'),
  };
}

function systemText(line: ChatLine): string {
  return line.text;
}

function noticeText(detail: SessionDetail, online: boolean): string | null {
  if (detail.closed) return null;
  return online ? null : t('chatOffline');
}

function closedText(closed: NonNullable<SessionDetail['closed']>): string {
  const texts: Record<typeof closed, string> = {
    ended_by_customer: t('closedByCustomer'),
    ended_by_agent: t('closedByAgent'),
    ended_by_system: t('closedBySystem'),
    transferred: t('closedTransferred'),
  };
  return texts[closed];
}
