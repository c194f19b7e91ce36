/**
 * /api/v1 on the bot's HTTP server: bearer token → scope check → the resource → its response
 * checked against its schema → JSON with an ETag (304 on If-None-Match). Every call is audited
 * (token id, resource, school or province, outcome), refusals too; errors are JSON.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readerOf, type Database } from '../core/db/client.js';
import type { Logger } from '../core/logger.js';
import type { HttpRoute } from '../core/telegram/webhook.js';
import { audit } from '../core/auth/audit.js';
import { openApiDocument } from './openapi.js';
import { Forbidden, matchResource, NotFound } from './routes.js';
import { BadRequest } from './service.js';
import { checkToken } from './tokens.js';

export const API_BASE = '/api/v1';

/** A fixed one-minute window per token, in this process (several processes: each has its own). */
export class RateLimiter {
  private windows = new Map<number, { start: number; n: number }>();
  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {}
  /** seconds to wait, or 0 when the call may go ahead */
  take(tokenId: number): number {
    const now = this.clock();
    const w = this.windows.get(tokenId);
    if (!w || now - w.start >= 60_000) {
      this.windows.set(tokenId, { start: now, n: 1 });
      return 0;
    }
    if (w.n >= this.perMinute) return Math.ceil((w.start + 60_000 - now) / 1000);
    w.n++;
    return 0;
  }
}

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-cache', ...extra }).end(text);
}

function fail(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}) {
  send(res, status, { error: { code, message } }, extra);
}

export function apiRoute(opts: { database: Database; log: Logger; ratePerMinute: number }): HttpRoute {
  const limiter = new RateLimiter(opts.ratePerMinute);
  const { database } = opts;
  return {
    method: 'GET',
    path: API_BASE,
    prefix: true,
    async handle(req: IncomingMessage, res: ServerResponse) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const sub = url.pathname.slice(API_BASE.length) || '/';
      if (sub === '/openapi.json') return send(res, 200, openApiDocument());
      const match = matchResource(sub);
      const header = req.headers.authorization ?? '';
      const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      const denied = async (actor: string, status: number, code: string, message: string, details: Record<string, unknown> = {}) => {
        await audit(database.db, { actor, action: `api.${match?.resource.name ?? 'unknown'}`, outcome: 'denied', details: { path: url.pathname, status, ...details } });
        fail(res, status, code, message);
      };
      if (!bearer) return denied('api:anonymous', 401, 'unauthorized', 'send a token: Authorization: Bearer <token>');
      const checked = await checkToken(database.db, bearer);
      if (!checked.ok) return denied(checked.id ? `api:${checked.id}` : 'api:unknown', 401, 'unauthorized', checked.reason === 'revoked' ? 'this token was revoked' : 'unknown token');
      const { token } = checked;
      const actor = `api:${token.id}`;
      if (!match) return denied(actor, 404, 'not-found', `no resource ${sub} (see ${API_BASE}/openapi.json)`);
      const wait = limiter.take(token.id);
      if (wait > 0) {
        await audit(database.db, { actor, action: `api.${match.resource.name}`, outcome: 'denied', details: { status: 429 } });
        return fail(res, 429, 'rate-limited', `too many requests for this token; retry in ${wait} s`, { 'retry-after': String(wait) });
      }
      if (match.resource.studentLevel && token.level !== 'student') return denied(actor, 403, 'forbidden', 'this resource needs a student-level token', match.params);
      let body: unknown;
      try {
        body = match.resource.response.parse(await match.resource.handle({ database: readerOf(database), token, params: match.params, query: url.searchParams }));
      } catch (err) {
        if (err instanceof BadRequest) return denied(actor, 400, 'bad-request', err.message, match.params);
        if (err instanceof Forbidden) return denied(actor, 403, 'forbidden', err.message, match.params);
        if (err instanceof NotFound) return denied(actor, 404, 'not-found', err.message, match.params);
        opts.log.error({ err, resource: match.resource.name }, 'api call failed');
        await audit(database.db, { actor, action: `api.${match.resource.name}`, outcome: 'failed', details: match.params });
        return fail(res, 500, 'internal', 'the server could not answer; try again later');
      }
      const text = JSON.stringify(body);
      const etag = `"${createHash('sha1').update(text).digest('base64url')}"`;
      if (req.headers['if-none-match'] === etag) res.writeHead(304, { etag }).end();
      else res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', etag, 'cache-control': 'private, no-cache' }).end(text);
      // Audited as the answer leaves (the caller does not wait for the audit row's commit).
      await audit(database.db, { actor, action: `api.${match.resource.name}`, details: { ...match.params, query: url.search.slice(0, 200) } });
    },
  };
}
