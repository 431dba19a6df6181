/**
 * Whether a WebSocket reached a real Lifeline hub (through TLS, a proxy, ...): it opens, and a
 * message of no known type is answered with `unknown_message_type`.
 */
import { expect } from 'vitest';
import type { WebSocket } from 'ws';

export async function expectHubAnswers(ws: WebSocket): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'nonsense' }));
  const reply = await new Promise<{ code: string }>((resolve) =>
    ws.once('message', (d: Buffer) => resolve(JSON.parse(d.toString()))),
  );
  expect(reply.code).toBe('unknown_message_type');
}
