/**
 * The reason a sign-in failed, in words, with what to do next. "Cannot connect" links a status
 * page: the one IT set by policy (hosted elsewhere, so it answers while the server does not),
 * else the server's own /status.
 */
import { t } from '../lib/i18n';
import type { LoginOutcome } from '../lib/login-client';
import { parseServerAddress, statusPageUrl } from '../lib/server-address';

type Problem = Exclude<LoginOutcome, { kind: 'ok' } | { kind: 'seat_limit' }>;

export function LoginProblem({
  outcome,
  server,
  statusUrl,
  waitSeconds,
}: {
  outcome: Problem;
  server: string;
  statusUrl: string | null;
  waitSeconds: number;
}) {
  return (
    <div class="login-error" role="alert" data-kind={outcome.kind}>
      <ProblemText outcome={outcome} server={server} statusUrl={statusUrl} waitSeconds={waitSeconds} />
    </div>
  );
}

function ProblemText({
  outcome,
  server,
  statusUrl,
  waitSeconds,
}: {
  outcome: Problem;
  server: string;
  statusUrl: string | null;
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
  const statusPage = statusUrl ?? (address.ok ? statusPageUrl(address.origin) : null);
  return (
    <>
      <p>{t('errorUnreachable', origin)}</p>
      <ul>
        <li>{t('checkNetwork')}</li>
        <li>{t('checkFirewall')}</li>
        <li>{t('checkAddress')}</li>
      </ul>
      {statusPage && (
        <p>
          <a class="status-link" href={statusPage} target="_blank" rel="noreferrer">
            {t('serverStatusLink')}
          </a>
        </p>
      )}
    </>
  );
}
