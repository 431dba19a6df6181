/** Runs the three-message handshake between a fresh helper and a fresh viewer, as a relay would. */
import { startHandshake } from '../../../protocol/crypto/handshake';
import type { E2eSession } from '../../../protocol/crypto/e2e-session';

export async function agree(): Promise<{ helper: E2eSession; viewer: E2eSession }> {
  const helperHs = await startHandshake('helper');
  const viewerHs = await startHandshake('viewer');
  const hello = await helperHs.receive(viewerHs.firstMessage!);
  const reveal = await viewerHs.receive(hello.send!);
  const done = await helperHs.receive(reveal.send!);
  return { helper: done.session!, viewer: reveal.session! };
}
