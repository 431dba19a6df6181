/**
 * Keeps what the session reports show beyond the session's own record, from the session
 * service's events: every agent who held a session (accepted events) and each transfer with its
 * comment (transferred events). Writes are awaited in order per server; a failure is logged and
 * never breaks the support workflow.
 */
import type { Log } from '../log';
import type { SessionEvents } from '../session/session-events';
import type { Store } from '../store/store';

export function recordSessionHistory(events: SessionEvents, store: Store, log: Log): () => void {
  const { history } = store.manage;
  const failed = (err: unknown) => log.error('session_history_failed', { error: String(err) });
  const offAccepted = events.on('accepted', (e) => {
    history.addAgent(e.sessionId, e.agentId, e.at).catch(failed);
  });
  const offTransferred = events.on('transferred', (e) => {
    history
      .addTransfer({
        sessionId: e.sessionId,
        at: e.at,
        fromAgentId: e.fromAgentId,
        toKind: e.to.kind,
        toRef: e.to.kind === 'agent' ? e.to.agentId : e.to.slug,
        toName: e.to.name,
        comment: e.comment,
      })
      .catch(failed);
  });
  return () => {
    offAccepted();
    offTransferred();
  };
}

/** The customer's system as a browser's User-Agent names it (coarse: the family and version). */
export function systemFromUserAgent(ua: string | undefined): string | null {
  if (!ua) return null;
  const text = ua.slice(0, 500);
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/Windows NT 10\.0/, () => 'Windows 10/11'],
    [/Windows NT (\d+\.\d+)/, (m) => `Windows NT ${m[1]}`],
    [/CrOS/, () => 'ChromeOS'],
    [/Android (\d+)/, (m) => `Android ${m[1]}`],
    [/iPhone OS (\d+)/, (m) => `iOS ${m[1]}`],
    [/iPad.*OS (\d+)/, (m) => `iPadOS ${m[1]}`],
    [/Mac OS X (\d+)[._](\d+)/, (m) => `macOS ${m[1]}.${m[2]}`],
    [/Linux/, () => 'Linux'],
  ];
  for (const [re, name] of rules) {
    const m = re.exec(text);
    if (m) return name(m);
  }
  return null;
}
