/**
 * Shown over any view while the connection is lost: says so, counts down to the next attempt
 * (the one reconnect timer lives in customer-socket.ts), and offers "reconnect now". Says
 * "reconnected" for a moment when it comes back.
 */
import { useI18n } from '../../i18n/use-i18n';
import { useNow } from './use-now';
import type { ViewProps } from './view-props';

const COUNTDOWN_TICK_MS = 500;

export function ConnectionBanner({ model, actions }: ViewProps) {
  const { t } = useI18n();
  const c = model.connection;
  const lost = c.name === 'lost' || (c.name === 'connecting' && c.attempt > 0);
  if (!lost) {
    return model.reconnected ? (
      <p class="ll-banner ll-banner-ok" role="status" data-testid="connection">
        {t('support.connection.back')}
      </p>
    ) : null;
  }
  return (
    <LostBanner
      retryAt={c.name === 'lost' ? c.retryAt : null}
      attempt={c.attempt}
      onNow={() => actions.reconnectNow()}
    />
  );
}

function LostBanner({
  retryAt,
  attempt,
  onNow,
}: {
  retryAt: number | null;
  attempt: number;
  onNow: () => void;
}) {
  const { t } = useI18n();
  const now = useNow(COUNTDOWN_TICK_MS);
  const seconds = retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - now) / 1000));
  return (
    <div class="ll-banner ll-banner-lost" role="alert" data-testid="connection" data-attempt={attempt}>
      <p>
        <strong>{t('support.connection.lost')}</strong>{' '}
        {retryAt === null || seconds === 0
          ? t('support.connection.connecting')
          : t('support.connection.retryIn', { count: seconds })}
      </p>
      {retryAt !== null && (
        <button type="button" class="ll-secondary" onClick={onNow}>
          {t('support.connection.now')}
        </button>
      )}
    </div>
  );
}
