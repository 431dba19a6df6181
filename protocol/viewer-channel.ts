/**
 * Channel: viewer window (agent side) <-> server, JSON over /ws, plus binary data-plane frames
 * once welcomed. The viewer authenticates with the agent's login token and names the session;
 * only an agent who holds that session may view it.
 */
import * as z from 'zod';
import { ErrorMessage, Features, Grants, Id, SharingEnd, Token } from './common';
import { OsInfo } from './helper-channel';
import { message, ReplyMessage } from './message';

/** Longest file name a viewer reports, in characters (file systems allow 255 bytes). */
const FILE_NAME_MAX_CHARS = 1024;

export const ViewerToServer = z.discriminatedUnion('type', [
  message('viewer.hello', { token: Token, sessionId: Id, protocol: z.number().int().min(1).max(1000) }),
  /**
   * A file transfer of this session finished with matching SHA-256 on both sides, for the
   * manager's session report. The agent's viewer says so: the server never sees the files.
   */
  message('viewer.file', {
    direction: z.enum(['to_customer', 'from_customer']),
    name: z.string().min(1).max(FILE_NAME_MAX_CHARS),
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  /**
   * The viewer's link to the customer turned slow (its quality indicator read `poor`) or fine again
   * (`good`), sent once per change: the customer's page shows the FAQ's advice while any viewer says
   * slow and the screen is streaming (`screen.link` on the customer channel).
   */
  message('viewer.link', { slow: z.boolean() }),
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
     * No helper now, but the one that was there may come back (it dropped, or the server
     * restarted): transfers wait for it instead of failing. Optional for older servers.
     */
    helperReconnecting: z.boolean().optional(),
    /**
     * The agent's features as the server read them at this hello; a manager's change comes as
     * `viewer.features`. Without `screenControl` the relay refuses this viewer's input frames, so
     * the viewer shows view-only. Optional only for servers older than this field.
     */
    features: Features.optional(),
  }),
  /**
   * A manager changed the agent's features while this viewer is open: the relay holds the viewer
   * to these from now on (input and file frames refused without `screenControl` and
   * `fileTransfer`). Without `screenView` the viewer is closed instead (`feature_disabled`).
   */
  message('viewer.features', { features: Features }),
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
