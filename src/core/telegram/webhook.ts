/**
 * Webhook mode: a plain HTTP server that passes Telegram's POSTs to grammY only when they carry
 * our secret token (header X-Telegram-Bot-Api-Secret-Token; grammY answers 401 otherwise), plus
 * a health check for the load balancer.
 */
import { createServer, type Server } from 'node:http';
import { webhookCallback, type Bot } from 'grammy';

export function createWebhookServer(bot: Bot<any>, opts: { path: string; secretToken: string }): Server {
  const handle = webhookCallback(bot, 'http', { secretToken: opts.secretToken, onTimeout: 'return' });
  return createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.method === 'POST' && req.url === opts.path) {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    res.writeHead(404).end();
  });
}
