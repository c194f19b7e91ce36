/**
 * The bot's own HTTP server: Telegram's webhook POSTs (passed to grammY only when they carry our
 * secret token, header X-Telegram-Bot-Api-Secret-Token; grammY answers 401 otherwise), a health
 * check for the load balancer, and whatever routes capabilities serve (the gate-scanner Mini App).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { webhookCallback, type Bot } from 'grammy';

export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  /** also serve every path under `path/` (an API's resources) */
  prefix?: boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
}

export function webhookRoute(bot: Bot<any>, opts: { path: string; secretToken: string }): HttpRoute {
  const handle = webhookCallback(bot, 'http', { secretToken: opts.secretToken, onTimeout: 'return' });
  return { method: 'POST', path: opts.path, handle: (req, res) => handle(req, res) };
}

export function createHttpServer(routes: HttpRoute[]): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const route = routes.find((r) => r.method === req.method && (r.path === path || (r.prefix === true && path!.startsWith(`${r.path}/`))));
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(route.handle(req, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
}

export function createWebhookServer(bot: Bot<any>, opts: { path: string; secretToken: string }, extra: HttpRoute[] = []): Server {
  return createHttpServer([webhookRoute(bot, opts), ...extra]);
}
