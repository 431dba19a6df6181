/**
 * "Share my screen" in the chat window's tools, beside "View screen": opens the share window for
 * this session (extension/share). A manager switches the feature on per agent (`shareMyScreen`);
 * when it is off the button is visibly disabled and a line says why (the server refuses
 * share.hello all the same).
 */
import { t } from '../lib/i18n';
import { openShareWindow } from '../share/open-share';

export function ShareScreenButton(props: {
  sessionId: string;
  /** The agent's `shareMyScreen` feature; null until the server has said (no reason shown yet). */
  enabled: boolean | null;
  closed: boolean;
}) {
  const enabled = props.enabled === true;
  const off = props.enabled === false;
  return (
    <>
      <button
        type="button"
        class="share-my-screen"
        disabled={props.closed || !enabled}
        title={off ? t('shareMyScreenDisabled') : undefined}
        aria-describedby={off ? 'share-my-screen-off' : undefined}
        onClick={() => void openShareWindow(props.sessionId)}
      >
        {t('shareMyScreen')}
      </button>
      {off && (
        <span id="share-my-screen-off" class="feature-off">
          {t('shareMyScreenDisabled')}
        </span>
      )}
    </>
  );
}
