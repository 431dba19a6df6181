/**
 * The request form: name, optional e-mail, problem. Checks what it can before sending (required
 * name, e-mail shape, lengths from protocol/limits.ts) and shows the server's refusal in words.
 * Says up front when nobody is available, so the customer is not surprised after sending.
 */
import { useState } from 'preact/hooks';
import { Email, PersonName, ProblemText } from '../../../protocol/common';
import { EMAIL_MAX_CHARS, NAME_MAX_CHARS, PROBLEM_MAX_CHARS } from '../../../protocol/limits';
import { useI18n } from '../../i18n/use-i18n';
import { errorText } from './error-text';
import type { ViewProps } from './view-props';

type FieldError = 'name' | 'email' | 'problem' | null;

export function RequestForm({ model, actions }: ViewProps) {
  const { t } = useI18n();
  const kept = model.details;
  const [name, setName] = useState(kept?.name ?? '');
  const [email, setEmail] = useState(kept?.email ?? '');
  const [problem, setProblem] = useState(kept?.problem ?? '');
  const [invalid, setInvalid] = useState<FieldError>(null);
  const busy = model.phase === 'submitting';

  const submit = (e: Event) => {
    e.preventDefault();
    const n = PersonName.safeParse(name);
    if (!n.success) return setInvalid('name');
    const trimmedEmail = email.trim();
    const m = trimmedEmail === '' ? null : Email.safeParse(trimmedEmail);
    if (m && !m.success) return setInvalid('email');
    const p = ProblemText.safeParse(problem.trim());
    if (!p.success || p.data.length === 0) return setInvalid('problem');
    setInvalid(null);
    actions.submit({ name: n.data, ...(m?.success ? { email: m.data } : {}), problem: p.data });
  };

  return (
    <form class="ll-card ll-form" onSubmit={submit} noValidate data-view="form">
      <h1>{t('support.form.title')}</h1>
      <p class="ll-lead">{t('support.form.intro')}</p>
      {model.continueWith && (
        <p class="ll-note ll-continue-note" role="status">
          {t('support.form.continueWith', { agent: model.continueWith.agentName })}
        </p>
      )}
      {model.portal.agentsAvailable === 0 && (
        <p class="ll-note" role="status">
          {t('support.form.noAgents')}
        </p>
      )}
      {model.formError && (
        <p class="ll-error" role="alert">
          {errorText(t, model.formError)}
        </p>
      )}
      <label class="ll-field">
        <span>{t('support.form.name')}</span>
        <input
          name="name"
          autocomplete="name"
          required
          maxLength={NAME_MAX_CHARS}
          value={name}
          aria-invalid={invalid === 'name'}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        {invalid === 'name' && <span class="ll-field-error">{t('support.form.nameRequired')}</span>}
      </label>
      <label class="ll-field">
        <span>{t('support.form.email')}</span>
        <input
          name="email"
          type="email"
          autocomplete="email"
          maxLength={EMAIL_MAX_CHARS}
          value={email}
          aria-invalid={invalid === 'email'}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <span class="ll-hint">{t('support.form.emailHint')}</span>
        {invalid === 'email' && <span class="ll-field-error">{t('support.form.emailInvalid')}</span>}
      </label>
      <label class="ll-field">
        <span>{t('support.form.problem')}</span>
        <textarea
          name="problem"
          rows={5}
          required
          maxLength={PROBLEM_MAX_CHARS}
          value={problem}
          aria-invalid={invalid === 'problem'}
          onInput={(e) => setProblem(e.currentTarget.value)}
        />
        {invalid === 'problem' && <span class="ll-field-error">{t('support.form.problemInvalid')}</span>}
      </label>
      <button type="submit" class="ll-primary" disabled={busy}>
        {busy ? t('support.form.submitting') : t('support.form.submit')}
      </button>
    </form>
  );
}
