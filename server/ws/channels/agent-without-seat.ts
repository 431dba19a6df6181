/**
 * An agent signed in without a seat (every seat was taken and they chose to wait, as the FAQ of
 * the product we replace allows) sees and takes nothing: the welcome holds no queue and no
 * sessions, they are not online for customers or colleagues (no alerts, no transfers to them),
 * and every request but `ping` is refused with `seat_required`. When a seat frees, the auth
 * service grants it (`seat.granted`) and the socket closes with 4010: the next hello is a full one.
 */
import type { AGENT_RESULTS, AgentToServer } from '../../../protocol/agent-channel';
import { ProtocolError } from '../../../protocol/errors';
import type { ResultHandlerMap } from '../../../protocol/message';

/** Requests a seatless agent may still make. */
const ALLOWED_WITHOUT_SEAT: ReadonlySet<AgentToServer['type']> = new Set(['ping', 'agent.hello']);

export function handlersWithoutSeat<Ctx>(
  handlers: ResultHandlerMap<AgentToServer, Ctx, typeof AGENT_RESULTS>,
): ResultHandlerMap<AgentToServer, Ctx, typeof AGENT_RESULTS> {
  const refuse = () => {
    throw new ProtocolError(
      'seat_required',
      'you are signed in without a seat: you receive and take nothing until a seat frees',
    );
  };
  const out: Record<string, unknown> = { ...handlers };
  for (const type of Object.keys(handlers) as AgentToServer['type'][]) {
    if (!ALLOWED_WITHOUT_SEAT.has(type)) out[type] = refuse;
  }
  return out as ResultHandlerMap<AgentToServer, Ctx, typeof AGENT_RESULTS>;
}
