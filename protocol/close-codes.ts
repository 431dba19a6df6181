/**
 * WebSocket close codes the server uses on /ws, shared by the server and every client that acts
 * on them (the viewer and the agent socket stop reconnecting on some). 4000-4999 is the
 * application range of RFC 6455; a code never changes meaning once released.
 */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  policy: 1008,
  tooBig: 1009,
  /** No hello within HELLO_TIMEOUT_MS. */
  helloTimeout: 4001,
  badHello: 4002,
  /** The agent's login ended (logout, seat taken, deactivation, password reset): sign in again. */
  signedOut: 4003,
  /** The support session ended: nothing to reconnect to. */
  sessionEnded: 4004,
  /** Another socket took this one's place (same sharer, same login elsewhere). */
  replaced: 4005,
  serverShutdown: 4006,
  /** The client let more than OUTGOING_MAX_BYTES of messages pile up unread (or stalled). */
  notReading: 4007,
  /** More than PROTOCOL_ERRORS_MAX malformed messages within PROTOCOL_ERRORS_WINDOW_MS. */
  protocolErrors: 4008,
  /** A manager switched off the feature this socket was for (screen viewing). */
  featureDisabled: 4009,
  /** A seat freed for a login that waited for one: hello again for the full welcome. */
  seatGranted: 4010,
  /**
   * Several server nodes: the node that carries this session's screen stopped answering the node
   * this socket reached (its link dropped). Reconnecting reaches the session again.
   */
  nodeLost: 4011,
} as const;

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];
