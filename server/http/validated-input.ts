/**
 * Request bodies and query strings, validated: the body is size-checked before it is read
 * (readJsonBody), then parsed by the route's zod schema, which rebuilds it from the declared
 * fields. Failures throw a ProtocolError the router answers with: 413 message_too_large,
 * 400 bad_request (not JSON), 400 invalid_message naming the field in `details.field`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as z from 'zod';
import { ProtocolError } from '../../protocol/errors';
import { readJsonBody } from './body';

export async function readValidBody<S extends z.ZodType>(
  req: IncomingMessage,
  res: ServerResponse,
  schema: S,
): Promise<z.output<S>> {
  const body = await readJsonBody(req);
  if (!body.ok) {
    // The rest of an oversized body is not worth reading: close the connection after answering.
    if (body.code === 'message_too_large') res.setHeader('Connection', 'close');
    throw new ProtocolError(body.code, body.message);
  }
  return check(schema, body.value, '(body)');
}

/** Query parameters (first value of each name) through a schema that coerces numbers. */
export function validQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!Object.hasOwn(raw, k)) raw[k] = v;
  return check(schema, raw, '(query)');
}

function check<S extends z.ZodType>(schema: S, raw: unknown, whole: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : whole;
  throw new ProtocolError('invalid_message', `${field}: ${issue?.message ?? 'invalid'}`.slice(0, 300), {
    field,
  });
}
