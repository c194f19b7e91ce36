/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the responses are checked
 * against (zod 4's JSON Schema output is draft 2020-12, OpenAPI 3.1's dialect).
 */
import { z } from 'zod';
import { ErrorBody } from './models.js';
import { RESOURCES } from './routes.js';

const ERRORS = {
  '400': 'malformed parameter (date, cursor, limit)',
  '401': 'missing, unknown or revoked token',
  '403': "outside the token's scope, or a student-level resource with an aggregate token",
  '404': 'no such school or province',
  '429': 'rate limit of the token exceeded (see Retry-After)',
} as const;

let cached: unknown;

export function openApiDocument(): unknown {
  if (cached) return cached;
  const all = z.toJSONSchema(z.globalRegistry, { uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Record<string, unknown>> };
  const schemas: Record<string, unknown> = {};
  for (const [id, s] of Object.entries(all.schemas)) {
    const { $schema: _drop, ...rest } = s;
    schemas[id] = rest;
  }
  const ref = (schema: z.ZodType) => {
    const id = z.globalRegistry.get(schema)?.id;
    if (!id) throw new Error('every response schema has a meta id');
    return { $ref: `#/components/schemas/${id}` };
  };
  const paths: Record<string, unknown> = {};
  for (const r of RESOURCES) {
    const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' }, description: m[1] === 'school' ? 'school code' : 'province code (01-25)' }));
    const queryParams = r.query.map((q) => ({
      name: q.name,
      in: 'query',
      required: q.required ?? false,
      description: q.description,
      schema: q.format === 'integer' ? { type: 'integer' } : q.format ? { type: 'string', format: q.format } : { type: 'string' },
    }));
    paths[r.path] = {
      get: {
        operationId: r.name,
        summary: r.summary,
        ...(r.studentLevel ? { description: 'Needs a token of level `student`.' } : {}),
        parameters: [...pathParams, ...queryParams, { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'OK', headers: { ETag: { schema: { type: 'string' } } }, content: { 'application/json': { schema: ref(r.response) } } },
          '304': { description: 'not modified (If-None-Match matched the ETag)' },
          ...Object.fromEntries(Object.entries(ERRORS).map(([code, description]) => [code, { description, content: { 'application/json': { schema: ref(ErrorBody) } } }])),
        },
      },
    };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'SIS read API',
      version: '1.0.0',
      description:
        'Read-only access for the ministry\'s EMIS. Bearer tokens are issued with `npm run cli -- api-token add`. Aggregate tokens never see a cell of fewer than 5 students (null, and `suppressed: true`); no response carries a phone number.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
  return cached;
}
