/**
 * The support page's phases and the only moves allowed between them. The controller asks
 * `canMove` before every change, so a late or duplicated server message (an accept after the
 * customer cancelled, a second welcome) cannot put the page in a state that makes no sense.
 * The connection (open / lost / reconnecting) is a separate machine (customer-socket.ts): a lost
 * connection does not change the phase, it is shown on top of it.
 */

export const PHASES = [
  /** Reading the portal and any request kept from before a reload. */
  'loading',
  /** The request form. */
  'form',
  /** request.create sent, waiting for its answer. */
  'submitting',
  /** customer.hello sent with a kept request token, waiting for the welcome. */
  'resuming',
  /** In the portal's queue (position and waiting time; "no agents online" when nobody is there). */
  'waiting',
  /** An agent accepted: chat (and screen sharing on request). */
  'chat',
  /** The session ended (by the agent, the customer or the system). */
  'ended',
  /** request.restart (or a new request.create) sent from the ended view. */
  'restarting',
  /** The customer cancelled the request. */
  'cancelled',
  /** The customer left their details and closed the request's page (request stays queued). */
  'left',
  /** No portal of that name. */
  'portal_missing',
] as const;
export type PhaseName = (typeof PHASES)[number];

export const PHASE_MOVES: { readonly [P in PhaseName]: readonly PhaseName[] } = {
  loading: ['form', 'resuming', 'portal_missing'],
  form: ['submitting'],
  submitting: ['waiting', 'chat', 'form', 'portal_missing'],
  resuming: ['waiting', 'chat', 'ended', 'form'],
  // waiting/chat -> form: the server no longer knows the request token (its data was reset).
  waiting: ['chat', 'ended', 'cancelled', 'left', 'submitting', 'form'],
  chat: ['waiting', 'ended', 'form'],
  ended: ['restarting', 'form'],
  restarting: ['waiting', 'chat', 'ended', 'form'],
  cancelled: ['form'],
  left: ['form'],
  portal_missing: [],
};

export function canMove(from: PhaseName, to: PhaseName): boolean {
  return PHASE_MOVES[from].includes(to);
}

/** Phases in which the page holds a live request and must keep (or get back) its connection. */
export const LIVE_PHASES: readonly PhaseName[] = ['submitting', 'resuming', 'waiting', 'chat', 'restarting'];
