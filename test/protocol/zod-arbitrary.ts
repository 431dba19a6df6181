/**
 * fast-check arbitraries derived from our zod schemas, so property tests generate messages of
 * every type of every channel without a hand-written generator per message (which would drift
 * from the schemas). Covers the zod features protocol/ uses; an unknown kind fails loudly.
 * Strings along a pipe (trim/lowercase transforms between checks) are generated against the
 * merged checks of the whole chain, so most generated values are valid; tests filter the rest.
 */
import fc from 'fast-check';
import type * as z from 'zod';

/** Longest arrays and strings generated, to keep 10k-case runs fast. */
const MAX_ARRAY = 3;
const MAX_STRING = 40;

interface Def {
  type: string;
  [k: string]: unknown;
}

interface CheckDef {
  check?: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
}

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

function checksOf(def: Def): CheckDef[] {
  const checks = (def.checks as unknown[] | undefined) ?? [];
  return checks.map((c) => (c as { _zod: { def: CheckDef } })._zod.def);
}

/** String checks of every string node along a chain of pipes/transforms, or null if not a string chain. */
function stringChain(schema: unknown): CheckDef[] | null {
  const def = defOf(schema);
  if (def.type === 'string') return checksOf(def);
  if (def.type === 'transform') return [];
  if (def.type === 'pipe') {
    const a = stringChain(def.in);
    const b = stringChain(def.out);
    return a && b ? [...a, ...b] : null;
  }
  return null;
}

function stringArb(checks: CheckDef[]): fc.Arbitrary<string> {
  let min = 0;
  let max = Infinity;
  const patterns: RegExp[] = [];
  let url = false;
  for (const c of checks) {
    if (c.check === 'min_length') min = Math.max(min, c.minimum ?? 0);
    else if (c.check === 'max_length') max = Math.min(max, c.maximum ?? Infinity);
    else if (c.check === 'string_format' && c.format === 'regex' && c.pattern) patterns.push(c.pattern);
    else if (c.check === 'string_format' && c.format === 'url') url = true;
  }
  const fits = (s: string) => s.length >= min && s.length <= max && patterns.every((p) => p.test(s));
  if (url) return fc.webUrl().filter(fits);
  const [first] = patterns;
  const base = first
    ? fc
        .stringMatching(first)
        // Shortened only when the short string still fits (a 64-hex-digit digest must stay whole,
        // or the filter below would never accept anything).
        .map((s) => {
          const cut = s.length > Math.min(max, MAX_STRING) ? s.slice(0, Math.min(max, MAX_STRING)) : s;
          return fits(cut) ? cut : s;
        })
    : fc.string({ minLength: min, maxLength: Math.min(max, Math.max(min, MAX_STRING)), unit: 'binary' });
  // Checks after a transform (trim, lowercase) may still refuse a value: tests count how many
  // came out valid and parse the rest as the invalid inputs they are.
  return patterns.length > 0 ? base.filter(fits) : base;
}

function numberArb(def: Def): fc.Arbitrary<number> {
  let min = -1e9;
  let max = 1e9;
  let int = false;
  for (const c of checksOf(def)) {
    if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32')) int = true;
    else if (c.check === 'greater_than') min = (c.value ?? min) + (c.inclusive ? 0 : int ? 1 : 1e-9);
    else if (c.check === 'less_than') max = (c.value ?? max) - (c.inclusive ? 0 : int ? 1 : 1e-9);
  }
  if (!int) return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const lo = Math.ceil(min);
  const hi = Math.floor(max);
  if (lo >= -(2 ** 31) && hi <= 2 ** 31 - 1) return fc.integer({ min: lo, max: hi });
  return fc.bigInt({ min: BigInt(lo), max: BigInt(hi) }).map(Number);
}

type Builder = (def: Def, schema: unknown) => fc.Arbitrary<unknown>;

const BUILDERS: Record<string, Builder> = {
  string: (_def, schema) => stringArb(stringChain(schema) ?? []),
  number: (def) => numberArb(def),
  boolean: () => fc.boolean(),
  literal: (def) => fc.constantFrom(...(def.values as unknown[])),
  enum: (def) => fc.constantFrom(...Object.values(def.entries as Record<string, unknown>)),
  optional: (def) => fc.option(arbitraryOf(def.innerType), { nil: undefined }),
  nullable: (def) => fc.option(arbitraryOf(def.innerType), { nil: null }),
  default: (def) => arbitraryOf(def.innerType),
  array: (def) => {
    let minLength = 0;
    let maxLength = MAX_ARRAY;
    for (const c of checksOf(def)) {
      if (c.check === 'min_length') minLength = c.minimum ?? 0;
      if (c.check === 'max_length') maxLength = Math.min(maxLength, c.maximum ?? MAX_ARRAY);
    }
    return fc.array(arbitraryOf(def.element), { minLength, maxLength: Math.max(minLength, maxLength) });
  },
  object: (def) => {
    const shape = def.shape as Record<string, unknown>;
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const required: string[] = [];
    for (const [key, field] of Object.entries(shape)) {
      const fieldDef = defOf(field);
      if (fieldDef.type === 'optional') {
        model[key] = arbitraryOf(fieldDef.innerType);
      } else {
        model[key] = arbitraryOf(field);
        required.push(key);
      }
    }
    return fc.record(model, { requiredKeys: required });
  },
  union: (def) => fc.oneof(...(def.options as unknown[]).map((o) => arbitraryOf(o))),
  record: () => fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  unknown: () => fc.jsonValue({ maxDepth: 2 }),
  pipe: (def, schema) => {
    const chain = stringChain(schema);
    return chain ? stringArb(chain) : arbitraryOf(def.in);
  },
};

/** An arbitrary of (mostly valid) inputs for `schema`. */
export function arbitraryOf(schema: unknown): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const build = BUILDERS[def.type];
  if (!build) throw new Error(`zod-arbitrary: no generator for zod type "${def.type}"`);
  return build(def, schema);
}

/** The member schemas of a discriminated union, by their `type` literal. */
export function membersOf(union: z.ZodType): Map<string, z.ZodType> {
  const out = new Map<string, z.ZodType>();
  for (const option of defOf(union).options as z.ZodType[]) {
    const shape = defOf(option).shape as Record<string, unknown>;
    const literal = defOf(shape['type']).values as string[];
    out.set(literal[0]!, option);
  }
  return out;
}
