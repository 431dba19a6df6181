/**
 * Attack: guessing a live join code from hundreds of addresses at once, against a real server
 * over real WebSockets. A hit would let the attacker stand in as the customer's helper. Before,
 * the only budget was per address (6 free guesses each, not the 5 documented): 400 loopback
 * addresses sent 2,000 wrong codes in seconds and the live code still worked. Guarded by the
 * server-wide guess budget (server/screen/join-guess-budget.ts: a code that has seen 500 wrong
 * guesses is retired, so even the right code then gets nowhere) and the per-address throttle
 * (exactly 5 free, then a wait).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOIN_FREE_FAILURES } from '../../server/screen/attempt-throttle';
import { JOIN_CODE_WRONG_GUESSES_MAX } from '../../server/screen/join-guess-budget';
import { startTestServer, type TestServer } from '../support/test-server';
import { TestWsClient } from '../support/ws-client';
import {
  addAgent,
  addPortal,
  closeAll,
  connectHelper,
  helperHello,
  resultOf,
  screenRequested,
  unique,
} from '../support/workflow';

const ADDRESSES = 400;
/** Sockets guessing at once (each from its own address). */
const PARALLEL = 40;

let server: TestServer;
let slug: string;
beforeAll(async () => {
  server = await startTestServer();
  slug = unique('g').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

/** 127.20.a.b: a loopback address of its own per attacker (Linux routes all of 127/8 to lo). */
function attackerAddress(i: number): string {
  return `127.20.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/** A code that is not `live` (the attacker's guesses; none may be right by luck). */
function wrongCode(i: number, live: string): string {
  const c = String((Number(live) + 1 + i * 7919) % 1e9).padStart(9, '0');
  return c === live ? '000000000' : c;
}

/** One attacker: guesses on one socket from one address until told to wait; returns the codes it got. */
async function attacker(i: number, live: string): Promise<string[]> {
  const client = await TestWsClient.connect(server.wsUrl, undefined, { localAddress: attackerAddress(i) });
  const answers: string[] = [];
  try {
    for (let k = 0; k < JOIN_FREE_FAILURES + 1; k++) {
      const mark = client.received.length;
      client.send(helperHello({ kind: 'join', joinCode: wrongCode(i * 10 + k, live) }));
      const answer = await client.waitFor(
        (m) => client.received.indexOf(m) >= mark && (m.type === 'error' || m.type === 'helper.welcome'),
        10_000,
        'answer to a guess',
      );
      answers.push(answer.type === 'error' ? String(answer.code) : answer.type);
    }
  } finally {
    await closeAll(client);
  }
  return answers;
}

describe('guessing join codes from many addresses', () => {
  it('gets nowhere: the live code is retired before the odds move, each address gets exactly 5', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const { joinCode: live, sessionId } = await screenRequested(server, agent, slug);

    const results: string[][] = [];
    for (let i = 0; i < ADDRESSES; i += PARALLEL) {
      results.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(PARALLEL, ADDRESSES - i) }, (_, j) => attacker(i + j, live)),
        )),
      );
    }
    const all = results.flat();
    const wrong = all.filter((a) => a === 'join_code_invalid').length;
    console.log(`guessing: ${all.length} guesses from ${ADDRESSES} addresses, ${wrong} checked and wrong`);
    expect(all).not.toContain('helper.welcome');
    // Every address: exactly JOIN_FREE_FAILURES guesses checked, then told to wait.
    for (const answers of results) {
      expect(answers).toEqual([...Array(JOIN_FREE_FAILURES).fill('join_code_invalid'), 'too_many_attempts']);
    }
    expect(wrong).toBeGreaterThanOrEqual(JOIN_CODE_WRONG_GUESSES_MAX);

    // The attacker's luck turns at last: the right code, from a fresh address. Retired.
    const hit = await TestWsClient.connect(server.wsUrl, undefined, { localAddress: '127.21.0.1' });
    hit.send(helperHello({ kind: 'join', joinCode: live }));
    const answer = await hit.waitFor((m) => m.type === 'error' || m.type === 'helper.welcome', 5000);
    expect(answer).toMatchObject({
      type: 'error',
      code: 'join_code_expired',
      details: { reason: 'guessing' },
    });
    await closeAll(hit);

    // The customer is not locked out for good: the agent asks again, the new code works.
    const again = resultOf<{ joinCode: string }>(
      await agent.client.request({ type: 'screen.request', sessionId }),
    );
    const helper = await connectHelper(server, { kind: 'join', joinCode: again.joinCode });
    expect(helper.first.type).toBe('helper.welcome');
    await closeAll(helper.client, agent.client);
  }, 60_000);
});
