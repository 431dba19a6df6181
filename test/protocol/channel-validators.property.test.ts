/**
 * Property tests over every channel's validators (>= 10,000 cases each): whatever arrives,
 * parsing never throws and answers a stable code; every valid message survives a JSON round
 * trip unchanged; fields that are not declared are dropped (values are rebuilt, never cast).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { AGENT_RESULTS, AgentToServer, ServerToAgent } from '../../protocol/agent-channel';
import { CUSTOMER_RESULTS, CustomerToServer, ServerToCustomer } from '../../protocol/customer-channel';
import { ERROR_CODES } from '../../protocol/errors';
import { HelperToServer, ServerToHelper } from '../../protocol/helper-channel';
import { ExtensionToHost, HostToExtension, NATIVE_RESULTS } from '../../protocol/native-channel';
import { parseMessage, validate } from '../../protocol/parse';
import { ServerToViewer, ViewerToServer } from '../../protocol/viewer-channel';
import { arbitraryOf, membersOf } from './zod-arbitrary';

const RUNS = 10_000;

const UNIONS: [string, z.ZodType][] = [
  ['AgentToServer', AgentToServer],
  ['ServerToAgent', ServerToAgent],
  ['CustomerToServer', CustomerToServer],
  ['ServerToCustomer', ServerToCustomer],
  ['HelperToServer', HelperToServer],
  ['ServerToHelper', ServerToHelper],
  ['ViewerToServer', ViewerToServer],
  ['ServerToViewer', ServerToViewer],
  ['ExtensionToHost', ExtensionToHost],
  ['HostToExtension', HostToExtension],
];

const RESULT_MAPS: [string, Record<string, z.ZodType>][] = [
  ['AGENT_RESULTS', AGENT_RESULTS],
  ['CUSTOMER_RESULTS', CUSTOMER_RESULTS],
  ['NATIVE_RESULTS', NATIVE_RESULTS],
];

function expectStableFailure(r: ReturnType<typeof parseMessage>): void {
  if (r.ok) return;
  expect(Object.hasOwn(ERROR_CODES, r.code)).toBe(true);
  expect(typeof r.message).toBe('string');
  expect(r.message.length).toBeLessThanOrEqual(300);
}

/** Text a hostile or buggy peer might send: anything, JSON of anything, and near-misses of real messages. */
function hostileText(schema: z.ZodType): fc.Arbitrary<string> {
  const nearMiss = fc
    .tuple(arbitraryOf(schema), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }))
    .map(([msg, key, value]) => {
      const copy = typeof msg === 'object' && msg !== null ? { ...(msg as Record<string, unknown>) } : {};
      const keys = Object.keys(copy);
      // Replace an existing field (or add one) with an arbitrary value.
      copy[keys.length > 0 && key.length % 2 === 0 ? keys[key.length % keys.length]! : key] = value;
      return JSON.stringify(copy);
    });
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
    nearMiss,
    fc.constantFrom(
      '',
      '{',
      '{}',
      '[]',
      'null',
      '"type"',
      '{"type":null}',
      '{"type":"__proto__"}',
      '{"__proto__":{"type":"x"}}',
    ),
  );
}

describe.each(UNIONS)('%s', (name, schema) => {
  it(`never throws on hostile text and answers stable codes (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(hostileText(schema), (text) => {
        expectStableFailure(parseMessage(schema, text));
      }),
      { numRuns: RUNS },
    );
  });

  it(`never throws on arbitrary values given to validate (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3 }), (value) => {
        expectStableFailure(validate(schema, value));
      }),
      { numRuns: RUNS },
    );
  });

  it(`round-trips every valid message and drops undeclared fields (${RUNS} cases)`, () => {
    const validByType = new Map<string, number>();
    let valid = 0;
    fc.assert(
      fc.property(arbitraryOf(schema), fc.string({ minLength: 1, maxLength: 10 }), (raw, extraKey) => {
        const first = schema.safeParse(raw);
        if (!first.success) return;
        valid++;
        const msg = first.data as { type: string };
        validByType.set(msg.type, (validByType.get(msg.type) ?? 0) + 1);
        const text = JSON.stringify(msg);
        const again = parseMessage(schema, text);
        // Compared with what JSON can carry (-0 travels as 0).
        expect(again).toEqual({ ok: true, value: JSON.parse(text) });
        // An extra field is not part of the message: it is dropped on the way in.
        const key = `x_${extraKey}`;
        const withExtra = parseMessage(schema, JSON.stringify({ ...msg, [key]: 'smuggled' }));
        expect(withExtra.ok).toBe(true);
        if (withExtra.ok) expect(Object.hasOwn(withExtra.value as object, key)).toBe(false);
      }),
      { numRuns: RUNS },
    );
    // The generator reaches every message type of the channel with valid examples.
    expect([...validByType.keys()].sort()).toEqual([...membersOf(schema).keys()].sort());
    expect(valid).toBeGreaterThan(RUNS / 4);
    void name;
  });
});

describe.each(RESULT_MAPS)('%s (reply results)', (_name, map) => {
  it(`round-trips valid results and never throws on hostile ones (${RUNS} cases)`, () => {
    // Arbitraries built once per result schema (building them per case is slow).
    const cases = Object.values(map).map((schema) =>
      fc.tuple(fc.constant(schema), fc.oneof(arbitraryOf(schema), fc.jsonValue({ maxDepth: 3 }))),
    );
    fc.assert(
      fc.property(fc.oneof(...cases), ([schema, raw]) => {
        const r = validate(schema, raw);
        expectStableFailure(r);
        if (r.ok) {
          const text = JSON.stringify(r.value);
          expect(validate(schema, JSON.parse(text))).toEqual({ ok: true, value: JSON.parse(text) });
        }
      }),
      { numRuns: RUNS },
    );
  });
});
