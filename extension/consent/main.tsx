/**
 * The customer's consent window (customer mode, native helper started through the extension):
 * what the agent asks for, each capability a separate checkbox (nothing ticked until the customer
 * ticks it), "Allow" and "Refuse", and once anything is shared a one-click "Stop sharing". A
 * capability unticked later is revoked at once. It also shows the security code (SAS) of each
 * agent's viewer, which the agent sees too, and says when sharing is paused. Under the sharing
 * state it lists the session's file transfers, each with its progress and a "Stop" button
 * (file-transfer-list.tsx), and, while file transfer is allowed with an agent, "Send a file to
 * the agent..." (file-offer-section.tsx).
 */
import '../../ui/strict-csp-zod';
import { useEffect, useState } from 'preact/hooks';
import { NO_GRANTS, type Grants } from '../../protocol/common';
import { mountPage, usePageState } from '../lib/page-state';
import { t, type MessageKey } from '../lib/i18n';
import { ask } from '../lib/ui-client';
import { FileOfferSection } from './file-offer-section';
import { FileTransferList } from './file-transfer-list';

const GRANT_ORDER: (keyof Grants)[] = ['view', 'control', 'clipboard', 'files', 'reboot'];
const GRANT_HELP: Record<keyof Grants, MessageKey> = {
  view: 'grantHelp_view',
  control: 'grantHelp_control',
  clipboard: 'grantHelp_clipboard',
  files: 'grantHelp_files',
  reboot: 'grantHelp_reboot',
};

function Consent() {
  const { consent } = usePageState('consent');
  const [choice, setChoice] = useState<Grants>(NO_GRANTS);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (consent?.answered) setChoice(consent.granted);
  }, [consent?.answered, consent?.granted]);
  if (!consent) return <p>{t('loading')}</p>;

  const send = async (grants: Grants) => {
    setError(null);
    try {
      await ask({ type: 'consent.answer', grants });
    } catch {
      setError(t('errorAction'));
    }
  };
  const stop = async () => {
    try {
      await ask({ type: 'consent.stop' });
    } catch {
      setError(t('errorAction'));
    }
  };
  const stopFile = async (fileId: string) => {
    setError(null);
    try {
      await ask({ type: 'consent.file_cancel', fileId });
    } catch {
      // Most often it ended meanwhile; the next list from the helper shows how.
      setError(t('errorAction'));
    }
  };
  const requested = GRANT_ORDER.filter((g) => consent.requested[g]);
  const sharing = GRANT_ORDER.filter((g) => consent.granted[g]);
  const live =
    consent.state === 'sharing' ||
    consent.state === 'waiting_consent' ||
    consent.state === 'paused' ||
    consent.state === 'reconnecting';

  return (
    <main data-state={consent.state}>
      <h1>{consent.agentName ? t('consentTitle', consent.agentName) : t('consentTitleNoName')}</h1>
      {live && requested.length > 0 && (
        <>
          <p>{t('consentExplain')}</p>
          <ul class="grants">
            {requested.map((g) => (
              <li key={g}>
                <label>
                  <input
                    type="checkbox"
                    name={g}
                    checked={choice[g]}
                    onChange={(e) => {
                      const next = { ...choice, [g]: e.currentTarget.checked };
                      setChoice(next);
                      // After the first answer, each change applies at once (revoke included).
                      if (consent.answered) void send(next);
                    }}
                  />
                  <span>
                    <span class="what">{t(`grant_${g}`)}</span>
                    <span class="why">{t(GRANT_HELP[g])}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {!consent.answered && (
            <div class="buttons">
              <button type="button" class="primary allow" onClick={() => void send(choice)}>
                {t('consentAllow')}
              </button>
              <button type="button" class="refuse" onClick={() => void send(NO_GRANTS)}>
                {t('consentRefuse')}
              </button>
            </div>
          )}
        </>
      )}
      {sharing.length > 0 && (
        <p class="sharing" role="status">
          {t('consentSharing', sharing.map((g) => t(`grant_${g}`)).join(', '))}
        </p>
      )}
      {consent.state === 'paused' && (
        <p class="paused" role="status">
          {t('helperState_paused')}
        </p>
      )}
      {live && consent.granted.files && consent.viewers.length > 0 && (
        <FileOfferSection offer={consent.offer} />
      )}
      <FileTransferList transfers={consent.transfers} onStop={(id) => void stopFile(id)} />
      {live && consent.viewers.length > 0 && (
        <section class="security-codes">
          <ul>
            {consent.viewers.map((v) => (
              <li key={v.agentName} class="security-code" data-agent={v.agentName}>
                <span>{t('consentSasLabel', v.agentName)}</span> <strong class="sas">{v.sas}</strong>
              </li>
            ))}
          </ul>
          <p class="why">{t('consentSasHint')}</p>
        </section>
      )}
      {!live && <p role="status">{t(`helperState_${consent.state}`)}</p>}
      {live && (
        <button type="button" class="danger stop" onClick={() => void stop()}>
          {t('consentStop')}
        </button>
      )}
      {error && <p role="alert">{error}</p>}
    </main>
  );
}

void mountPage(() => <Consent />);
