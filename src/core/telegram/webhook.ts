/**
 * The bot's own HTTP server: Telegram's webhook POSTs (passed to grammY only when they carry our
 * secret token, header X-Telegram-Bot-Api-Secret-Token; grammY answers 401 otherwise), a health
 * check for the load balancer, and whatever routes capabilities serve (the gate-scanner Mini App).
 *   GET /healthz  the process is alive (always `ok`)
 *   GET /readyz   200 when its Postgres and Redis answer, 503 otherwise (JSON of each check): a load
 *                 balancer sends webhook updates only to ready processes
 *   GET /metrics  Prometheus text (core/metrics.ts)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { webhookCallback, type Bot } from 'grammy';
import { registry, scrape } from '../metrics.js';

export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  /** serve every path under `path` + '/' too (`/verify/<code>`); the handler reads req.url */
  prefix?: boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
}

export function webhookRoute(bot: Bot<any>, opts: { path: string; secretToken: string }): HttpRoute {
  const handle = webhookCallback(bot, 'http', { secretToken: opts.secretToken, onTimeout: 'return' });
  return { method: 'POST', path: opts.path, handle: (req, res) => handle(req, res) };
}

/**
 * Where each bot of a fleet receives its updates: the default bot at WEBHOOK_URL itself (as a
 * one-token deployment always did), every other bot at `<WEBHOOK_URL's path>/<bot id>`, all with
 * the same secret token. Each route answers with its own bot (its own api and token).
 */
export function fleetWebhookUrl(webhookUrl: string, bot: { id: number; isDefault: boolean }): string {
  if (bot.isDefault) return webhookUrl;
  const url = new URL(webhookUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${bot.id}`;
  return url.toString();
}

export function fleetWebhookRoutes(
  bots: ReadonlyArray<{ bot: Bot<any>; id: number; isDefault: boolean }>,
  opts: { webhookUrl: string; secretToken: string },
): HttpRoute[] {
  return bots.map((b) => webhookRoute(b.bot, { path: new URL(fleetWebhookUrl(opts.webhookUrl, b)).pathname, secretToken: opts.secretToken }));
}

export interface HttpServerOptions {
  /** readiness check behind /readyz (ready when absent) */
  ready?: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
}

export function createHttpServer(routes: HttpRoute[], opts: HttpServerOptions = {}): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.method === 'GET' && path === '/readyz') {
      void (opts.ready ? opts.ready() : Promise.resolve({ ok: true, checks: {} })).then(
        (r) => res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(r)),
        () => res.writeHead(503).end(),
      );
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      scrape().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    const route = routes.find((r) => r.method === req.method && (r.path === path || (r.prefix === true && path?.startsWith(`${r.path}/`))));
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(route.handle(req, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
}

export function createWebhookServer(
  bot: Bot<any>,
  opts: { path: string; secretToken: string },
  extra: HttpRoute[] = [],
  server: HttpServerOptions = {},
): Server {
  return createHttpServer([webhookRoute(bot, opts), ...extra], server);
}
