/**
 * Management API, sessions and figures: the searchable, paginated session report, one session
 * with its transcript, live sessions, comments (a ticketing system files its notes here), the
 * CSV export, and the dashboard's figures.
 *   GET /api/v1/manage/sessions?q&portal&agent&outcome&from&to&offset&limit
 *   GET /api/v1/manage/sessions/live, GET /api/v1/manage/sessions/export.csv?(same filters)
 *   GET /api/v1/manage/sessions/:id, GET /api/v1/manage/sessions/:id/transcript
 *   PUT /api/v1/manage/sessions/:id/comment
 *   GET /api/v1/manage/stats?from&to&tz
 * Customer-typed text is returned as typed: show it as text, never as HTML.
 */
import * as z from 'zod';
import { ChatLine, Id } from '../../../protocol/common';
import { ProtocolError } from '../../../protocol/errors';
import {
  CommentBody,
  CSV_MAX_ROWS,
  LiveSessions,
  SessionDetail,
  SessionPage,
  SessionRow,
  SessionSearchQuery,
  Stats,
  StatsQuery,
  STATS_MAX_PERIOD_MS,
} from '../../../protocol/manage-api';
import { dashboardStats } from '../../reports/dashboard-stats';
import { sessionCsvHeader, sessionCsvLine } from '../../reports/session-csv';
import { sessionRows } from '../../reports/session-rows';
import type { SessionSearch } from '../../store/manage-store';
import type { SessionRecord } from '../../store/store';
import { ANSWERED, defineRoute, type ApiRoute } from '../api-route';
import type { ManageDeps } from './manage-deps';

const TAG = 'Sessions and figures';
/** Sessions turned into CSV lines per batch (bounded memory however long the export). */
const CSV_BATCH = 500;
const DAY_MS = 24 * 3600_000;

type SearchQuery = z.output<typeof SessionSearchQuery>;

function searchOf(q: SearchQuery): SessionSearch {
  return {
    ...(q.q?.trim() ? { text: q.q.trim() } : {}),
    ...(q.portal !== undefined ? { portal: q.portal } : {}),
    ...(q.agent !== undefined ? { agentId: q.agent } : {}),
    ...(q.outcome !== undefined ? { outcome: q.outcome } : {}),
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
    offset: q.offset,
    limit: q.limit,
  };
}

export function manageSessionsRoutes(deps: ManageDeps): ApiRoute[] {
  const { ctx } = deps;
  const { store } = ctx;
  const sessionParam = async (raw: string | undefined): Promise<SessionRecord> => {
    const id = Id.safeParse(raw);
    const session = id.success ? await store.sessions.byId(id.data) : null;
    if (!session) throw new ProtocolError('session_not_found', 'no such session');
    return session;
  };
  const rowOf = async (s: SessionRecord) => (await sessionRows(store, [s], ctx.now()))[0]!;

  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/sessions',
      access: 'read',
      tag: TAG,
      summary:
        'Session reports, newest first: search words (customer, problem, comments, agents), portal, agent, outcome, period; paginated',
      query: SessionSearchQuery,
      response: SessionPage,
      async handler({ query }) {
        const { total, sessions } = await store.manage.history.search(searchOf(query));
        return { total, offset: query.offset, sessions: await sessionRows(store, sessions, ctx.now()) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/sessions/live',
      access: 'read',
      tag: TAG,
      summary: 'Sessions waiting or in progress now, oldest first',
      response: LiveSessions,
      async handler() {
        return { sessions: await sessionRows(store, await store.sessions.open(), ctx.now()) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/sessions/export.csv',
      access: 'read',
      tag: TAG,
      summary: `The session report as CSV (UTF-8, RFC 4180; formula-looking cells neutralised), same filters, at most ${CSV_MAX_ROWS} rows`,
      query: SessionSearchQuery.omit({ offset: true, limit: true }),
      produces: 'text/csv',
      async handler({ query, rc }) {
        const search = searchOf({ ...query, offset: 0, limit: CSV_BATCH });
        const stamp = new Date(ctx.now()).toISOString().slice(0, 10);
        rc.res.writeHead(200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="lifeline-sessions-${stamp}.csv"`,
          'Cache-Control': 'no-store',
        });
        rc.res.write(sessionCsvHeader());
        for (let offset = 0; offset < CSV_MAX_ROWS; offset += CSV_BATCH) {
          const { sessions } = await store.manage.history.search({ ...search, offset });
          for (const row of await sessionRows(store, sessions, ctx.now())) rc.res.write(sessionCsvLine(row));
          if (sessions.length < CSV_BATCH) break;
        }
        rc.res.end();
        return ANSWERED;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/sessions/:id',
      access: 'read',
      tag: TAG,
      summary: 'One session report with its chat transcript',
      response: SessionDetail,
      errors: ['session_not_found'],
      async handler({ params }) {
        const s = await sessionParam(params['id']);
        return { session: await rowOf(s), transcript: await store.transcripts.lines(s.id) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/sessions/:id/transcript',
      access: 'read',
      tag: TAG,
      summary: 'The chat transcript of a session',
      response: z.object({ sessionId: Id, lines: z.array(ChatLine) }),
      errors: ['session_not_found'],
      async handler({ params }) {
        const s = await sessionParam(params['id']);
        return { sessionId: s.id, lines: await store.transcripts.lines(s.id) };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/v1/manage/sessions/:id/comment',
      access: 'write',
      tag: TAG,
      summary: "Replaces a session's comments (what the agent wrote for the report)",
      body: CommentBody,
      response: SessionRow,
      errors: ['session_not_found'],
      async handler({ params, body, actor }) {
        const s = await sessionParam(params['id']);
        await store.sessions.update(s.id, { comment: body.comment });
        await ctx.audit({
          actor,
          action: 'session.comment',
          target: s.id,
          details: { chars: body.comment.length },
        });
        return rowOf({ ...s, comment: body.comment });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/stats',
      access: 'read',
      tag: TAG,
      summary:
        'Dashboard figures over a period (default: the last 7 days): requests per hour, time until answered (median, p90), abandoned, sessions per agent, screen sharing',
      query: StatsQuery,
      response: Stats,
      errors: ['invalid_message'],
      async handler({ query }) {
        const to = query.to ?? ctx.now();
        const from = query.from ?? to - 7 * DAY_MS;
        if (to <= from || to - from > STATS_MAX_PERIOD_MS)
          throw new ProtocolError(
            'invalid_message',
            'from/to: a period of at most 366 days, from before to',
            {
              field: 'from',
            },
          );
        return dashboardStats(store, from, to, query.tz);
      },
    }),
  ];
}
