/**
 * Per-viewer key agreement between the helper and one viewer, over the data plane's `handshake`
 * channel (payload layouts in handshake-message.ts):
 *
 *   viewer                                  helper
 *   startHandshake('viewer')                startHandshake('helper')
 *   firstMessage: commit = H(Pv || Nv)  ->  receive(commit)      -> send helper-key (Ph, Nh)
 *   receive(helper-key)                 <-
 *     -> send viewer-key (Pv, Nv), session
 *                                       ->  receive(viewer-key)  -> checks H(Pv || Nv), session
 *
 * Why a commitment first: the relay in the middle could otherwise wait for both real keys and try
 * keys of its own until the two short authentication strings match (a 6-digit SAS falls to about
 * a thousand tries). Committed first, the viewer's key is fixed before the relay learns anything,
 * and the helper's key is revealed only after the viewer's commitment arrives, so a relay that
 * substitutes keys gets equal SASs with probability 10^-6 per attempt, and each attempt is visible.
 *
 * Ephemeral ECDH P-256 keys, fresh per handshake and never exported; the private key stays in
 * WebCrypto. A handshake is single-use: any error ends it (state `failed`) and the caller starts
 * a new one. Every failure is a CryptoError with a stable code.
 */
import { CryptoError } from './crypto-error';
import { createE2eSession, type E2eRole, type E2eSession } from './e2e-session';
import {
  decodeHandshakeMessage,
  encodeCommit,
  encodeKeyMessage,
  NONCE_BYTES,
  type HandshakeMessage,
} from './handshake-message';
import { deriveSessionKeys } from './key-schedule';
import { asBufferSource, bytesEqual, concatBytes, randomBytes, subtle } from './subtle';

export type HandshakeState =
  | 'awaiting_commit' // helper: waits for the viewer's commitment
  | 'awaiting_helper_key' // viewer: sent its commitment, waits for the helper's key
  | 'awaiting_viewer_key' // helper: sent its key, waits for the viewer's key
  | 'busy' // a receive() is running
  | 'done'
  | 'failed';

export interface HandshakeStep {
  /** Payload to send to the peer on the handshake channel, if any. */
  send: Uint8Array | null;
  /** The agreed session once this side has everything, else null. */
  session: E2eSession | null;
}

export interface Handshake {
  readonly role: E2eRole;
  /** What to send first: the viewer's commitment; null for the helper, which speaks second. */
  readonly firstMessage: Uint8Array | null;
  state(): HandshakeState;
  /** Feeds the peer's next handshake payload (the frame's payload, after the 8-byte header). */
  receive(payload: Uint8Array): Promise<HandshakeStep>;
}

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;
const SHARED_SECRET_BITS = 256;

export async function startHandshake(role: E2eRole): Promise<Handshake> {
  const s = subtle();
  const pair = await s.generateKey(ECDH_P256, false, ['deriveBits']);
  const publicKey = new Uint8Array(await s.exportKey('raw', pair.publicKey));
  const nonce = randomBytes(NONCE_BYTES);
  const ownKeyMessage = encodeKeyMessage(role === 'helper' ? 'helperKey' : 'viewerKey', publicKey, nonce);
  const commit =
    role === 'viewer'
      ? encodeCommit(new Uint8Array(await s.digest('SHA-256', concatBytes(publicKey, nonce))))
      : null;

  let state: HandshakeState = role === 'viewer' ? 'awaiting_helper_key' : 'awaiting_commit';
  /** The commit payload, received (helper) or sent (viewer): first part of the transcript. */
  let commitMessage: Uint8Array | null = commit;

  async function agree(peer: HandshakeMessage & { publicKey: Uint8Array }, peerMessage: Uint8Array) {
    let peerKey: CryptoKey;
    try {
      peerKey = await s.importKey('raw', asBufferSource(peer.publicKey), ECDH_P256, false, []);
    } catch {
      throw new CryptoError('handshake_bad_key', 'peer public key is not a valid P-256 point');
    }
    let secret: ArrayBuffer;
    try {
      secret = await s.deriveBits({ name: 'ECDH', public: peerKey }, pair.privateKey, SHARED_SECRET_BITS);
    } catch {
      throw new CryptoError('handshake_bad_key', 'key agreement with the peer key failed');
    }
    const [helperKeyMessage, viewerKeyMessage] =
      role === 'helper' ? [ownKeyMessage, peerMessage] : [peerMessage, ownKeyMessage];
    const keys = await deriveSessionKeys(secret, [commitMessage!, helperKeyMessage, viewerKeyMessage]);
    return createE2eSession(role, keys);
  }

  async function step(payload: Uint8Array, from: HandshakeState): Promise<HandshakeStep> {
    const msg = decodeHandshakeMessage(payload);
    // Copy: the caller's buffer (a socket's) may be reused after we return.
    const own = payload.slice();
    if (from === 'awaiting_commit' && msg.kind === 'commit') {
      commitMessage = own;
      state = 'awaiting_viewer_key';
      return { send: ownKeyMessage, session: null };
    }
    if (from === 'awaiting_helper_key' && msg.kind === 'helperKey') {
      const session = await agree(msg, own);
      state = 'done';
      return { send: ownKeyMessage, session };
    }
    if (from === 'awaiting_viewer_key' && msg.kind === 'viewerKey') {
      const expected = new Uint8Array(await s.digest('SHA-256', concatBytes(msg.publicKey, msg.nonce)));
      const committed = commitMessage!.subarray(2);
      if (!bytesEqual(expected, committed)) {
        throw new CryptoError(
          'handshake_commitment_mismatch',
          "the viewer's key does not match its commitment: the exchange was tampered with",
        );
      }
      const session = await agree(msg, own);
      state = 'done';
      return { send: null, session };
    }
    throw new CryptoError('handshake_unexpected', `unexpected ${msg.kind} message while ${from}`);
  }

  return {
    role,
    firstMessage: commit,
    state: () => state,
    async receive(payload) {
      const from = state;
      if (from === 'busy' || from === 'done' || from === 'failed') {
        throw new CryptoError('handshake_unexpected', `handshake message while ${from}`);
      }
      state = 'busy';
      try {
        return await step(payload, from);
      } catch (err) {
        state = 'failed';
        if (err instanceof CryptoError) throw err;
        throw new CryptoError('handshake_malformed', `handshake failed: ${String(err)}`.slice(0, 200));
      }
    },
  };
}
