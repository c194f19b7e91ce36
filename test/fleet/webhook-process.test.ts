/**
 * The real bot process (src/main.ts) in webhook mode with a fleet of two tokens, against a fake
 * Bot API over HTTP that keeps each token's calls apart: at start-up each bot sets its own webhook
 * (the default bot WEBHOOK_URL, the other WEBHOOK_URL/<bot id>), and an update posted to each path
 * is answered through that bot's token alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/bot-api-emulator.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const DEFAULT_TOKEN = '123456:PROCESS-TOKEN-abcdefghij';
const FLEET_TOKEN = '777:PROCESS-FLEET-abcdefghij';
const SECRET = 'fleet-process-webhook-secret';
const calls: Array<{ token: string; method: string; payload: Record<string, any> }> = [];
let api: Server;
let database: TestDatabase;
let bot: ChildProcess | undefined;
let port: number;
const log: string[] = [];

/** A Bot API that answers each token as its own bot (getMe by the token's id). */
function startBotApi(): Promise<string> {
  api = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
      if (!m) return void res.writeHead(404).end();
      const [, token, method] = m as unknown as [string, string, string];
      const text = Buffer.concat(chunks).toString('utf8');
      const payload = text && (req.headers['content-type'] ?? '').includes('json') ? (JSON.parse(text) as Record<string, any>) : {};
      calls.push({ token, method, payload });
      const id = Number(token.split(':')[0]);
      const me = { id, is_bot: true, first_name: 'SIS', username: `sis_${id}_bot`, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      const result =
        method === 'getMe' ? me : method === 'sendMessage' ? { message_id: calls.length, date: 0, chat: { id: payload.chat_id, type: 'private' }, from: me, text: payload.text } : true;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
    });
  });
  return new Promise((resolve) => api.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(api.address() as AddressInfo).port}`)));
}

async function waitFor(what: string, check: () => boolean, ms = 60_000) {
  const t0 = Date.now();
  while (!check()) {
    if (bot?.exitCode !== null && bot?.exitCode !== undefined) throw new Error(`bot exited: ${log.slice(-5).join('\n')}`);
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}: ${log.slice(-5).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  const apiRoot = await startBotApi();
  database = await createTestDatabase();
  const [row] = await database.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${row!.db}`;
  port = await freePort();
  bot = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'bot'], {
    env: {
      ...process.env,
      BOT_TOKEN: DEFAULT_TOKEN,
      BOT_TOKENS: FLEET_TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      DATABASE_URL: url.toString(),
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `test-fleet-proc-${randomBytes(4).toString('hex')}`,
      BOT_MODE: 'webhook',
      WEBHOOK_URL: 'https://sis.example/tg/hook',
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (b: Buffer) => log.push(...b.toString('utf8').split('\n').filter(Boolean));
  bot.stdout!.on('data', keep);
  bot.stderr!.on('data', keep);
  await waitFor('the bot to start', () => log.some((l) => l.includes('"msg":"started"')));
}, 90_000);

afterAll(async () => {
  if (bot && bot.exitCode === null) {
    const exited = new Promise((r) => bot!.once('exit', r));
    bot.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  await new Promise((r) => api?.close(r));
  await database?.drop();
});

describe('the bot process in webhook mode with two tokens', () => {
  it('sets one webhook per bot, each with the secret token', () => {
    const hooks = calls.filter((c) => c.method === 'setWebhook').map((c) => [c.token, c.payload.url, c.payload.secret_token]);
    expect(hooks).toEqual([
      [DEFAULT_TOKEN, 'https://sis.example/tg/hook', SECRET],
      [FLEET_TOKEN, 'https://sis.example/tg/hook/777', SECRET],
    ]);
  });

  it("answers an update at each bot's path through that bot's token", async () => {
    // update ids fresh for each run: the shared Redis remembers handled ones for a day
    const first = 1 + randomBytes(3).readUIntBE(0, 3) * 10;
    const help = (id: number, chat: number) => ({
      update_id: first + id,
      message: { message_id: 1, date: 0, chat: { id: chat, type: 'private', first_name: 'W' }, from: { id: chat, is_bot: false, first_name: 'W' }, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] },
    });
    const post = (path: string, body: unknown, secret = SECRET) =>
      fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': secret }, body: JSON.stringify(body) });
    const sentBy = (token: string) => calls.filter((c) => c.method === 'sendMessage' && c.token === token).map((c) => Number(c.payload.chat_id));

    expect((await post('/tg/hook/777', help(1, 9301), 'not-the-secret-token')).status).toBe(401);
    expect((await post('/tg/hook/777', help(2, 9301))).status).toBe(200);
    expect((await post('/tg/hook', help(3, 9302))).status).toBe(200);
    await waitFor('both answers', () => sentBy(FLEET_TOKEN).length > 0 && sentBy(DEFAULT_TOKEN).length > 0, 15_000);
    expect(sentBy(FLEET_TOKEN)).toEqual([9301]);
    expect(sentBy(DEFAULT_TOKEN)).toEqual([9302]);
  }, 30_000);
});
