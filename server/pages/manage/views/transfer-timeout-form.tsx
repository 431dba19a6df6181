/**
 * The desk's transfer timeout: how long a transfer (or a customer who asked to continue with one
 * agent) waits for its taker before it goes back to the sender (or on to the portal's queue).
 */
import { useState } from 'preact/hooks';
import {
  DeskSettings,
  TRANSFER_TIMEOUT_MAX_SECONDS,
  TRANSFER_TIMEOUT_MIN_SECONDS,
} from '../../../../protocol/manage-api';
import { useI18n } from '../../../../ui/i18n/use-i18n';
import { useApi, useLoad } from '../use-api';
import { Failure, Section } from './common';

export function TransferTimeoutForm() {
  const { t } = useI18n();
  const { call, errorText } = useApi();
  const settings = useLoad(() => call('/api/v1/manage/settings', DeskSettings), 'settings');
  const [draft, setDraft] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = draft ?? (settings.data ? String(settings.data.transferTimeoutSeconds) : '');
  const save = (e: Event) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    call('/api/v1/manage/settings', DeskSettings, {
      method: 'PUT',
      body: { transferTimeoutSeconds: Number(shown) },
    })
      .then(() => {
        setDraft(null);
        setSaved(true);
        settings.reload();
      })
      .catch((err: unknown) => setError(errorText(err)));
  };
  return (
    <Section title={t('manage.transfers.title')}>
      <form class="ll-form ll-inline-form" data-form="transfer-timeout" onSubmit={save}>
        <label class="ll-field">
          <span>{t('manage.transfers.timeout')}</span>
          <input
            name="transferTimeoutSeconds"
            type="number"
            required
            min={TRANSFER_TIMEOUT_MIN_SECONDS}
            max={TRANSFER_TIMEOUT_MAX_SECONDS}
            value={shown}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="ll-primary">
          {t('manage.save')}
        </button>
        {saved && (
          <span role="status" class="ll-muted">
            {t('manage.saved')}
          </span>
        )}
      </form>
      <p class="ll-muted">{t('manage.transfers.explain')}</p>
      <Failure error={settings.error ?? error} />
    </Section>
  );
}
