/**
 * "Restart the customer's computer": the toolbar button, offered only when the customer granted
 * the restart and the agent's manager allows it (snapshot.rebootAllowed), an in-page confirmation
 * (not window.confirm: it names what happens and stays in the viewer's language and look), and
 * the restart's progress: restarting -> waiting for the computer -> back, or given up after the
 * server's grace (10 minutes, the FAQ's limit).
 */
import { useState } from 'preact/hooks';
import { REBOOT_WAIT_MINUTES, rebootInProgress } from '../reboot-progress';
import type { ViewerSession, ViewerSnapshot } from '../viewer-session';
import type { Translate } from '../viewer-text';

export function RebootButton(props: {
  t: Translate;
  state: ViewerSnapshot;
  session: ViewerSession;
  live: boolean;
}) {
  const { t, state, session } = props;
  const [confirming, setConfirming] = useState(false);
  if (!state.rebootAllowed) return null;
  const busy = rebootInProgress(state.reboot?.stage ?? null);
  return (
    <span class="reboot-control">
      <button
        type="button"
        class="reboot"
        aria-haspopup="dialog"
        disabled={!props.live || busy}
        onClick={() => setConfirming(true)}
      >
        {t('reboot')}
      </button>
      {confirming && (
        <div class="reboot-confirm" role="alertdialog" aria-modal="false" aria-label={t('reboot')}>
          <p>{t('rebootConfirm')}</p>
          <button
            type="button"
            class="reboot-yes"
            onClick={() => {
              setConfirming(false);
              session.requestReboot();
            }}
          >
            {t('rebootConfirmYes')}
          </button>
          <button type="button" class="reboot-no" onClick={() => setConfirming(false)}>
            {t('rebootConfirmNo')}
          </button>
        </div>
      )}
    </span>
  );
}

/** Where the restart is, one line under the status bar; nothing when none was asked. */
export function RebootProgressLine(props: { t: Translate; state: ViewerSnapshot }) {
  const r = props.state.reboot;
  if (!r) return null;
  const minutes = String(REBOOT_WAIT_MINUTES);
  return (
    <p
      class={`reboot-progress reboot-${r.stage}`}
      role={r.stage === 'gaveUp' ? 'alert' : 'status'}
      data-stage={r.stage}
    >
      {props.t(`rebootStage_${r.stage}`, minutes)}
    </p>
  );
}
