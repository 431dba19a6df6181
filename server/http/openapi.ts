/**
 * The OpenAPI 3.1 document of the declared API routes (api-route.ts), served at
 * GET /api/v1/openapi.json and linked from docs/api.md. Schemas come from the same zod schemas the
 * server validates with (zod's JSON Schema output: request bodies as accepted, answers as sent),
 * so the document cannot drift from what the server does.
 */
import * as z from 'zod';
import { httpStatusOf } from '../../protocol/errors';
import type { ApiRoute } from './api-route';

type Json = Record<string, unknown>;

const ACCESS_TEXT: Record<ApiRoute['access'], string> = {
  public: 'No sign-in.',
  read: "A manager's sign-in, or an API token (read-only or full).",
  write: "A manager's sign-in, or a full API token.",
  manager: "A manager's sign-in only (API tokens cannot manage tokens).",
};

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete out['$schema'];
  return out;
}

/** Query schemas become one parameter per property. */
function queryParameters(schema: z.ZodType): Json[] {
  const json = schemaOf(schema, 'input');
  const properties = (json['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((json['required'] as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: s,
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              details: { type: 'object' },
            },
            required: ['code', 'message'],
          },
        },
        required: ['error'],
      },
    },
  },
});

export function openApiDocument(routes: readonly ApiRoute[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const status = String(r.status ?? 200);
    const responses: Json = {
      [status]:
        r.status === 204
          ? { description: 'Done (no body).' }
          : r.produces
            ? { description: 'The file.', content: { [r.produces]: { schema: { type: 'string' } } } }
            : {
                description: 'Success.',
                content: { 'application/json': { schema: r.response ? schemaOf(r.response, 'output') : {} } },
              },
    };
    if (r.access !== 'public') {
      responses['401'] = errorResponse('Not signed in, or the token is unknown, ended or expired.');
      responses['403'] = errorResponse('Signed in, but this route needs more (see the access line).');
    }
    if (r.body || r.query)
      responses['400'] = errorResponse('A field is missing or out of bounds (`details.field`).');
    for (const code of r.errors ?? []) {
      const s = String(httpStatusOf(code));
      responses[s] ??= errorResponse(`\`${code}\``);
    }
    const operation: Json = {
      tags: [r.tag],
      summary: r.summary,
      description: `Access: ${ACCESS_TEXT[r.access]}`,
      parameters: [...params, ...(r.query ? queryParameters(r.query) : [])],
      responses,
      ...(r.access === 'public' ? { security: [] } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(r.body, 'input') } },
            },
          }
        : {}),
    };
    paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lifeline management API',
      version,
      description:
        'The management center\'s API: users, seats, portals, session reports, figures, audit log, API tokens and webhooks. Errors have one shape: {"error": {"code", "message", "details"?}}. See docs/api.md.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: "A manager's sign-in token (POST /api/v1/auth/login) or an API token (llt_...).",
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
