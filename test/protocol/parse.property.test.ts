/**
 * Property tests over protocol/parse.ts (>= 10,000 cases each): the size check agrees with a
 * real UTF-8 encoding, oversized text is refused before JSON.parse, and nothing throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentToServer } from '../../protocol/agent-channel';
import { CONTROL_MESSAGE_MAX_BYTES } from '../../protocol/limits';
import { exceedsUtf8Bytes, parseMessage, validate } from '../../protocol/parse';

const RUNS = 10_000;
const utf8 = (s: string) => new TextEncoder().encode(s).byteLength;

describe('exceedsUtf8Bytes', () => {
  it(`agrees with the UTF-8 length of any text, astral and lone surrogates included (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.integer({ min: 0, max: 250 }),
        (text, max) => {
          expect(exceedsUtf8Bytes(text, max)).toBe(utf8(text) > max);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('parseMessage', () => {
  it(`refuses text over the limit as message_too_large, whatever it is (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 60 }),
        (text, max) => {
          const r = parseMessage(AgentToServer, text, max);
          if (utf8(text) > max) expect(r).toMatchObject({ ok: false, code: 'message_too_large' });
          else expect(r.ok ? 'ok' : r.code).not.toBe('message_too_large');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`answers the request id of an invalid request so the error can be matched (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.jsonValue({ maxDepth: 2 }), (id, junk) => {
        const r = parseMessage(AgentToServer, JSON.stringify({ type: 'chat.send', id, sessionId: junk }));
        expect(r).toMatchObject({ ok: false, code: 'invalid_message', id });
      }),
      { numRuns: RUNS },
    );
  });

  it(`never throws, whatever the value handed to validate (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const r = validate(AgentToServer, value);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });

  it('checks the size before parsing: a huge text is refused without JSON.parse', () => {
    const huge = '[' + '1,'.repeat(CONTROL_MESSAGE_MAX_BYTES) + '1]';
    const original = JSON.parse;
    let called = false;
    JSON.parse = ((...args: Parameters<typeof JSON.parse>) => {
      called = true;
      return original(...args);
    }) as typeof JSON.parse;
    try {
      expect(parseMessage(AgentToServer, huge)).toMatchObject({ ok: false, code: 'message_too_large' });
    } finally {
      JSON.parse = original;
    }
    expect(called).toBe(false);
  });
});
