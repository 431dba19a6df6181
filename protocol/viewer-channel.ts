/**
 * Channel: viewer window (agent side) <-> server, JSON over /ws, plus binary data-plane frames
 * once welcomed. The viewer authenticates with the agent's login token and names the session;
 * only an agent who holds that session may view it.
 */
import * as z from 'zod';
import { ErrorMessage, Features, Grants, Id, SharingEnd, Token } from './common';
import { OsInfo } from './helper-channel';
import { message, ReplyMessage } from './message';

export const ViewerToServer = z.discriminatedUnion('type', [
  message('viewer.hello', { token: Token, sessionId: Id, protocol: z.number().int().min(1).max(1000) }),
]);
export type ViewerToServer = z.infer<typeof ViewerToServer>;

export const HelperPresence = z.object({
  peerId: z.literal(1),
  grants: Grants,
  os: OsInfo,
  /**
   * True when the customer shares from the support page itself (getDisplayMedia): view only by
   * nature, no control, no drawing on their screen, no clipboard or files.
   */
  browser: z.boolean().optional(),
});

export const ServerToViewer = z.discriminatedUnion('type', [
  message('viewer.welcome', {
    sessionId: Id,
    peerId: z.number().int().min(2).max(0xfffe),
    helper: HelperPresence.nullable(),
    /**
     * The agent's features as the server read them at this hello (a manager's change applies at
     * the next hello). Without `screenControl` the relay refuses this viewer's input frames, so
     * the viewer shows view-only. Optional only for servers older than this field.
     */
    features: Features.optional(),
  }),
  ReplyMessage,
  ErrorMessage,
  message('helper.joined', { helper: HelperPresence }),
  /** The helper's socket closed; `reconnecting` when it said it was rebooting or may come back. */
  /** `ended` says why a helper that will not come back left (absent: it dropped, or the grace ran out). */
  message('helper.left', { reconnecting: z.boolean(), ended: SharingEnd.optional() }),
  message('helper.consent', { grants: Grants }),
  message('session.ended', { by: z.enum(['customer', 'agent', 'system']) }),
]);
export type ServerToViewer = z.infer<typeof ServerToViewer>;
