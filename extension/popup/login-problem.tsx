/** The reason a sign-in failed, in words, with what to do next. */
import { t } from '../lib/i18n';
import type { LoginOutcome } from '../lib/login-client';
import { parseServerAddress, statusPageUrl } from '../lib/server-address';

type Problem = Exclude<LoginOutcome, { kind: 'ok' } | { kind: 'seat_limit' }>;

export function LoginProblem({
  outcome,
  server,
  waitSeconds,
}: {
  outcome: Problem;
  server: string;
  waitSeconds: number;
}) {
  return (
    <div class="login-error" role="alert" data-kind={outcome.kind}>
      <ProblemText outcome={outcome} server={server} waitSeconds={waitSeconds} />
    </div>
  );
}

function ProblemText({
  outcome,
  server,
  waitSeconds,
}: {
  outcome: Problem;
  server: string;
  waitSeconds: number;
}) {
  if (outcome.kind === 'invalid_credentials') return <p>{t('errorInvalidCredentials')}</p>;
  if (outcome.kind === 'account_inactive') return <p>{t('errorAccountInactive')}</p>;
  if (outcome.kind === 'bad_address') return <p>{t('errorBadAddress')}</p>;
  if (outcome.kind === 'server_error') return <p>{t('errorServer', outcome.message)}</p>;
  if (outcome.kind === 'too_many_attempts') {
    return <p>{waitSeconds > 0 ? t('errorTooManyAttempts', waitSeconds) : t('errorTooManyAttemptsDone')}</p>;
  }
  const address = parseServerAddress(server);
  const origin = address.ok ? address.origin : server;
  return (
    <>
      <p>{t('errorUnreachable', origin)}</p>
      <ul>
        <li>{t('checkNetwork')}</li>
        <li>{t('checkFirewall')}</li>
        <li>{t('checkAddress')}</li>
      </ul>
      {address.ok && (
        <p>
          <a class="status-link" href={statusPageUrl(address.origin)} target="_blank" rel="noreferrer">
            {t('serverStatusLink')}
          </a>
        </p>
      )}
    </>
  );
}
