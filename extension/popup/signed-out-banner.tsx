/** Why the last login ended without the agent asking (seat taken, deactivated, ...). */
import { t } from '../lib/i18n';
import { ask } from '../lib/ui-client';
import type { SignedOutNotice } from '../lib/ui-protocol';

export function SignedOutBanner({ notice }: { notice: SignedOutNotice }) {
  const text =
    notice.reason === 'seat_taken'
      ? notice.byName
        ? t('signedOutSeatTakenBy', notice.byName)
        : t('signedOutSeatTaken')
      : notice.reason === 'deactivated'
        ? t('signedOutDeactivated')
        : notice.reason === 'password_reset'
          ? t('signedOutPasswordReset')
          : t('signedOutExpired');
  return (
    <div class="notice" role="status">
      <p>{text}</p>
      <button type="button" class="link" onClick={() => void ask({ type: 'auth.dismiss_notice' })}>
        {t('dismiss')}
      </button>
    </div>
  );
}
