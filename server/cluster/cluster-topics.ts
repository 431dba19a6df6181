/**
 * The bus topics nodes speak on (bus.ts checks every message against its schema and rebuilds it
 * from these fields). Every message names the node that sent it: a node hears its own messages
 * too, and skips them (it acted on them already). Deliveries carry the push as serialised for
 * the socket, so each node forwards it as it is; their size is bounded like a socket's own.
 */
import * as z from 'zod';
import { ERROR_CODE_LIST, type ErrorCode } from '../../protocol/errors';
import { topic } from './bus';

/** A node id: what `--node-id` accepts. */
export const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Longest push carried between nodes, in characters (a session's transcript fits many times). */
export const MAX_DELIVERY_CHARS = 8 * 1024 * 1024;
/** Longest id (user, session) on the bus. */
const MAX_ID_CHARS = 100;

const node = z.string().regex(NODE_ID);
const id = z.string().min(1).max(MAX_ID_CHARS);
const text = z.string().max(MAX_DELIVERY_CHARS);
const status = z.enum(['available', 'busy']);
/** A throttle's key (an e-mail and an address at most). */
const throttleKey = z.string().min(1).max(600);

export const TOPICS = {
  /** A push for an agent's sockets, wherever they are. */
  agentDelivery: topic('agent.deliver', z.object({ node, userId: id, text })),
  /** A push for a session's customer pages, wherever they are. */
  customerDelivery: topic('customer.deliver', z.object({ node, sessionId: id, text })),
  /** A node's own state of an agent (null: no socket of theirs left on that node). */
  agentState: topic('agent.state', z.object({ node, userId: id, state: status.nullable() })),
  /** An agent chose a status on a node: their sockets on the others take it. */
  agentChose: topic('agent.chose', z.object({ node, userId: id, status })),
  /** A session's queue entry or holder changed (the store has it): re-read it. */
  sessionChanged: topic('session.changed', z.object({ node, sessionId: id })),
  /** A session ended, or left its agent for a transfer queue, on a node: the others' live parts let go. */
  sessionEvent: topic(
    'session.event',
    z.discriminatedUnion('kind', [
      z.object({
        node,
        kind: z.literal('ended'),
        sessionId: id,
        by: z.enum(['customer', 'agent', 'system']),
      }),
      z.object({ node, kind: z.literal('released'), sessionId: id, formerAgentId: id }),
    ]),
  ),
  /** A session's customer has a page connected on a node (an absence elsewhere ends). */
  customerBack: topic('customer.back', z.object({ node, sessionId: id })),
  /** A sign-in attempt's verdict on a node (auth/throttle.ts): every node counts it. */
  loginVerdict: topic(
    'login.verdict',
    z.object({
      node,
      accountKey: throttleKey,
      addressKey: throttleKey,
      outcome: z.enum(['success', 'failure']),
    }),
  ),
  /**
   * An agent asked for a session's screen on a node that does not carry it: the carrying node
   * (`to`) handles the request as its own and answers `screen.answer` with the same call id.
   */
  screenAsk: topic(
    'screen.ask',
    z.object({ node, to: node, callId: id, sessionId: id, userId: id, address: throttleKey.optional() }),
  ),
  /** The carrying node's answer to `screen.ask`: the join code, or the error the agent gets. */
  screenAnswer: topic(
    'screen.answer',
    z.object({
      node,
      to: node,
      callId: id,
      answer: z.discriminatedUnion('ok', [
        z.object({ ok: z.literal(true), joinCode: z.string().min(1).max(32), expiresAt: z.number().int() }),
        z.object({
          ok: z.literal(false),
          code: z.enum(ERROR_CODE_LIST as [ErrorCode, ...ErrorCode[]]),
          message: z.string().max(500),
        }),
      ]),
    }),
  ),
  /**
   * A customer page arrived on a node while the session's "share my screen" room lives on node
   * `to` (share-routing.ts): that node tells the session's pages, wherever they are, that the
   * agent is sharing.
   */
  shareGreet: topic('share.greet', z.object({ node, to: node, sessionId: id })),
  /** A wrong join code sent to a node, from this address: every node counts it. */
  joinWrong: topic('join.wrong', z.object({ node, address: throttleKey })),
} as const;
