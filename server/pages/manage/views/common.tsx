/** Small pieces the management views share: a copy button, a one-time secret box, a pager, a notice. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../../../../ui/i18n/use-i18n';

export function CopyButton({ text }: { text: string }) {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  const copy = () => {
    navigator.clipboard
      .writeText(text)
      .then(() => setDone(true))
      .catch(() => setDone(false));
  };
  return (
    <button type="button" class="ll-secondary ll-copy" onClick={copy}>
      {done ? t('manage.copied') : t('manage.copy')}
    </button>
  );
}

/** A value shown once (a link, a token, a secret): selectable text and a copy button. */
export function OneTimeValue({ label, value }: { label: string; value: string }) {
  return (
    <div class="ll-note ll-once" role="status">
      <p>{label}</p>
      <p class="ll-row">
        <code class="ll-secret">{value}</code>
        <CopyButton text={value} />
      </p>
    </div>
  );
}

export function Pager({
  offset,
  limit,
  total,
  onPage,
}: {
  offset: number;
  limit: number;
  total: number;
  onPage: (offset: number) => void;
}) {
  const { t } = useI18n();
  if (total === 0) return null;
  return (
    <p class="ll-row ll-pager">
      <button
        type="button"
        class="ll-secondary"
        disabled={offset === 0}
        onClick={() => onPage(Math.max(0, offset - limit))}
      >
        {t('manage.previous')}
      </button>
      <span>{t('manage.pageOf', { first: offset + 1, last: Math.min(total, offset + limit), total })}</span>
      <button
        type="button"
        class="ll-secondary"
        disabled={offset + limit >= total}
        onClick={() => onPage(offset + limit)}
      >
        {t('manage.next')}
      </button>
    </p>
  );
}

export function Failure({ error }: { error: string | null }) {
  return error ? (
    <p class="ll-error" role="alert">
      {error}
    </p>
  ) : null;
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="ll-section">
      <h2>{title}</h2>
      {children}
    </section>
  );
}
