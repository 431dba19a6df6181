/**
 * Waiting in the queue: place in line and time waited, both live. When nobody is online, the
 * "no agents" choices come first: keep waiting, leave details (e-mail) and go, or cancel.
 */
import { useState } from 'preact/hooks';
import { Email } from '../../../protocol/common';
import type { Routing } from '../../../protocol/customer-channel';
import { EMAIL_MAX_CHARS } from '../../../protocol/limits';
import { useI18n } from '../../i18n/use-i18n';
import { noAgentsOnline } from '../support-model';
import { errorText } from './error-text';
import { formatDuration } from './format-duration';
import { useNow } from './use-now';
import type { ViewProps } from './view-props';

/** The waiting clock's refresh period, in ms. */
const CLOCK_TICK_MS = 1000;

export function WaitingView(props: ViewProps) {
  const { model, actions } = props;
  const { t } = useI18n();
  const now = useNow(CLOCK_TICK_MS);
  const position = model.session?.position;
  const waited = model.waitingSince === null ? 0 : now - model.waitingSince;
  const nobody = noAgentsOnline(model);

  return (
    <section class="ll-card" data-view={nobody ? 'no-agents' : 'waiting'} aria-live="polite">
      {nobody ? <NoAgents {...props} /> : <h1>{t('support.waiting.title')}</h1>}
      <div class="ll-waiting">
        <span class="ll-spinner" aria-hidden="true" />
        <div>
          {position !== undefined && (
            <p class="ll-position" data-testid="position">
              {position === 1 ? t('support.waiting.next') : t('support.waiting.position', { position })}
            </p>
          )}
          <p class="ll-muted" data-testid="waited">
            {t('support.waiting.time', { time: formatDuration(t, waited) })}
          </p>
        </div>
      </div>
      {model.session?.routing && <RoutingNote routing={model.session.routing} />}
      <p>{t('support.waiting.keepOpen')}</p>
      {model.actionError && (
        <p class="ll-error" role="alert">
          {errorText(t, model.actionError)}
        </p>
      )}
      {!nobody && (
        <button type="button" class="ll-secondary" onClick={() => actions.cancel()}>
          {t('support.waiting.cancel')}
        </button>
      )}
    </section>
  );
}

/** Where a "continue with Ann" request is: asked first, or in the portal's queue and why. */
function RoutingNote({ routing }: { routing: Routing }) {
  const { t } = useI18n();
  const agent = routing.agentName;
  const text = {
    asked: () => t('support.routing.asked', { agent }),
    unavailable: () => t('support.routing.unavailable', { agent }),
    no_answer: () => t('support.routing.no_answer', { agent }),
    declined: () => t('support.routing.declined', { agent }),
  }[routing.state]();
  return (
    <p class="ll-note ll-routing" data-routing={routing.state} role="status">
      {text}
    </p>
  );
}

function NoAgents({ model, actions }: ViewProps) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [email, setEmail] = useState('');
  const [invalid, setInvalid] = useState(false);
  const known = model.details?.email ?? null;

  return (
    <div class="ll-no-agents">
      <h1>{t('support.noAgents.title')}</h1>
      <p>{t('support.noAgents.body')}</p>
      {!model.keepWaiting && (
        <div class="ll-actions">
          <button type="button" class="ll-primary" onClick={() => actions.keepWaiting()}>
            {t('support.noAgents.wait')}
          </button>
          <button
            type="button"
            class="ll-secondary"
            onClick={() => (known ? actions.leaveDetails(null) : setAsking(true))}
          >
            {t('support.noAgents.leave')}
          </button>
          <button type="button" class="ll-link" onClick={() => actions.cancel()}>
            {t('support.noAgents.cancel')}
          </button>
        </div>
      )}
      {model.keepWaiting && (
        <button type="button" class="ll-link" onClick={() => actions.cancel()}>
          {t('support.noAgents.cancel')}
        </button>
      )}
      {asking && !known && (
        <form
          class="ll-inline-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const parsed = Email.safeParse(email);
            if (!parsed.success) return setInvalid(true);
            actions.leaveDetails(parsed.data);
          }}
        >
          <label class="ll-field">
            <span>{t('support.noAgents.emailLabel')}</span>
            <input
              type="email"
              name="leave-email"
              autocomplete="email"
              maxLength={EMAIL_MAX_CHARS}
              value={email}
              aria-invalid={invalid}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
            {invalid && <span class="ll-field-error">{t('support.form.emailInvalid')}</span>}
          </label>
          <button type="submit" class="ll-primary">
            {t('support.noAgents.leaveSubmit')}
          </button>
        </form>
      )}
    </div>
  );
}
