import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookServer } from '../../src/core/telegram/webhook.js';
import { miniAppRoutes } from '../../src/qr/miniapp.js';
import { createTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  app = await createTestApp();
  // The gate-scanner Mini App shares the webhook's server, as in production (WEBAPP_URL set).
  const server = createWebhookServer(app.bot, { path: '/tg/hook', secretToken: 'a-very-secret-token-123' }, miniAppRoutes(app.deps, '123456:TEST-TOKEN-abcdefghij', '/scan'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
afterAll(async () => {
  await close?.();
  await app?.close();
});

const update = (id: number) => ({
  update_id: id,
  message: { message_id: 1, date: 0, chat: { id: 8001, type: 'private', first_name: 'W' }, from: { id: 8001, is_bot: false, first_name: 'W' }, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] },
});

describe('webhook mode', () => {
  it('refuses updates without the secret token and handles those with it', async () => {
    const post = (headers: Record<string, string>, id: number) =>
      fetch(`${base}/tg/hook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(update(id)) });
    expect((await post({}, 1)).status).toBe(401);
    expect((await post({ 'X-Telegram-Bot-Api-Secret-Token': 'wrong' }, 2)).status).toBe(401);
    expect(app.tg.callsOf('sendMessage')).toHaveLength(0);
    expect((await post({ 'X-Telegram-Bot-Api-Secret-Token': 'a-very-secret-token-123' }, 3)).status).toBe(200);
    expect(app.tg.callsOf('sendMessage').map((c) => c.payload.chat_id)).toEqual([8001]);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/other`, { method: 'POST' })).status).toBe(404);
  });

  it('serves the gate-scanner Mini App beside the webhook, and its API refuses requests without initData', async () => {
    expect((await fetch(`${base}/scan`)).status).toBe(200);
    const api = await fetch(`${base}/scan/api/hello`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(401);
  });
});

describe('error boundary', () => {
  it('a failing handler is logged and the user is told, in their language, and the bot goes on', async () => {
    const { Composer } = await import('grammy');
    const broken = await createTestApp({
      extraFeatures: [
        () => {
          const c = new Composer<any>();
          c.command('boom', () => {
            throw new Error('kaboom');
          });
          return c;
        },
      ],
    });
    try {
      const u = broken.user(8101, 'E');
      await u.send('/boom');
      expect(u.texts()).toEqual([broken.notifier.t('km', 'core-error-generic')]);
      await u.send('/language');
      await u.press('English');
      u.inbox();
      await u.send('/boom');
      expect(u.texts()).toEqual([broken.notifier.t('en', 'core-error-generic')]);
      await u.send('/help');
      expect(u.texts()[0]).toContain(broken.notifier.t('en', 'onboarding-help-intro'));
    } finally {
      await broken.close();
    }
  });
});

describe('duplicate updates', () => {
  it('an update Telegram delivers twice is handled once', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const withRedis = await createTestApp({ redis });
    try {
      const id = 900_000_000 + Math.floor(Math.random() * 1e8);
      const u = { ...update(id), message: { ...update(id).message, chat: { id: 8201, type: 'private', first_name: 'R' }, from: { id: 8201, is_bot: false, first_name: 'R' } } };
      await withRedis.bot.handleUpdate(u as never);
      await withRedis.bot.handleUpdate(u as never);
      expect(withRedis.tg.callsOf('sendMessage').filter((c) => c.payload.chat_id === 8201)).toHaveLength(1);
    } finally {
      await withRedis.close();
      await redis.quit();
    }
  });
});

describe('logs', () => {
  it('a failed query is logged without its parameters (they can be phones or names)', async () => {
    const { safeError } = await import('../../src/core/logger.js');
    const err = new Error('Failed query: insert into guardians (phone, name) values ($1, $2)\nparams: +85512345678,គឹម ស្រីនាង');
    const logged = JSON.stringify(safeError(err));
    expect(logged).toContain('Failed query: insert into guardians');
    expect(logged).not.toContain('+85512345678');
    expect(logged).not.toContain('គឹម');
  });
});
