/** The session report as CSV (csv.ts): one line per session, the columns of the report page. */
import type { SessionRow } from '../../protocol/manage-api';
import { CSV_BOM, csvLine } from './csv';

export const SESSION_CSV_COLUMNS = [
  'id',
  'created (UTC)',
  'portal',
  'agents',
  'customer',
  'customer e-mail',
  'problem',
  'system',
  'outcome',
  'ended by',
  'wait (s)',
  'duration (s)',
  'comments',
  'transfers',
  'files',
  'kind',
] as const;

const iso = (ms: number) => new Date(ms).toISOString();

export function sessionCsvHeader(): string {
  return CSV_BOM + csvLine(SESSION_CSV_COLUMNS);
}

export function sessionCsvLine(s: SessionRow): string {
  return csvLine([
    s.id,
    iso(s.createdAt),
    s.portal.name,
    s.agents.map((a) => `${a.name} <${a.email}>`).join('; '),
    s.customerName,
    s.customerEmail,
    s.problem,
    s.system,
    s.outcome,
    s.endedBy,
    s.waitMs === null ? null : Math.round(s.waitMs / 1000),
    Math.round(s.durationMs / 1000),
    s.comment,
    s.transfers
      .map((t) => `${iso(t.at)} ${t.from?.name ?? '?'} -> ${t.to.name}${t.comment ? `: ${t.comment}` : ''}`)
      .join('\n'),
    s.files.map((f) => `${f.direction} ${f.name} (${f.size} bytes) sha256:${f.sha256}`).join('\n'),
    s.kind,
  ]);
}
