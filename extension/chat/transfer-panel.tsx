/**
 * Transfer a session to another agent or to a portal's queue, with a comment the receiver sees
 * in their alert. The directory (agents, portals) comes from the server (directory.list).
 */
import { useEffect, useState } from 'preact/hooks';
import type { TransferTarget } from '../../protocol/agent-channel';
import { COMMENT_MAX_CHARS } from '../../protocol/limits';
import { t } from '../lib/i18n';
import { ask } from '../lib/ui-client';
import type { UiResult } from '../lib/ui-protocol';

type Directory = UiResult<'directory.list'>;

export function TransferPanel(props: { sessionId: string; myAgentId: string; onDone: () => void }) {
  const [directory, setDirectory] = useState<Directory | null>(null);
  const [target, setTarget] = useState<string>('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    ask({ type: 'directory.list' }).then(setDirectory, () => setError(t('errorAction')));
  }, []);

  const agents = directory?.agents.filter((a) => a.id !== props.myAgentId) ?? [];
  const submit = async () => {
    const parsed = parseTarget(target);
    if (!parsed) return;
    setBusy(true);
    setError(null);
    try {
      await ask({
        type: 'session.transfer',
        sessionId: props.sessionId,
        target: parsed,
        comment: comment.trim(),
      });
      props.onDone();
    } catch {
      setError(t('errorTransfer'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="panel transfer-panel"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>{t('transferTitle')}</h2>
      {!directory && !error && <p class="muted">{t('loading')}</p>}
      {directory && (
        <>
          <label for="transfer-target">{t('transferTo')}</label>
          <select
            id="transfer-target"
            value={target}
            onChange={(e) => setTarget(e.currentTarget.value)}
            required
          >
            <option value="">{t('transferChoose')}</option>
            {agents.length > 0 && (
              <optgroup label={t('transferAgents')}>
                {agents.map((a) => (
                  <option key={a.id} value={`agent:${a.id}`}>
                    {a.online ? t('agentOnline', a.name) : t('agentOffline', a.name)}
                  </option>
                ))}
              </optgroup>
            )}
            {directory.portals.length > 0 && (
              <optgroup label={t('transferPortals')}>
                {directory.portals.map((p) => (
                  <option key={p.slug} value={`portal:${p.slug}`}>
                    {p.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
          <label for="transfer-comment">{t('transferComment')}</label>
          <textarea
            id="transfer-comment"
            rows={3}
            maxLength={COMMENT_MAX_CHARS}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
          <button type="submit" class="primary transfer-submit" disabled={busy || target === ''}>
            {t('transferSubmit')}
          </button>
        </>
      )}
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function parseTarget(value: string): TransferTarget | null {
  const [kind, id] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
  if (kind === 'agent' && id) return { kind: 'agent', agentId: id };
  if (kind === 'portal' && id) return { kind: 'portal', slug: id };
  return null;
}
