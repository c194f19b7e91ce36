/**
 * The bot under faults, driven with updates: a handling that crashed is handled again when
 * Telegram redelivers the update (the id is claimed only after success), a handled one is not,
 * and with Postgres unreachable the user is told at once, in Telegram's language_code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Composer } from 'grammy';
import { Redis } from 'ioredis';
import { openDatabase } from '../../src/core/db/client.js';
import type { BotContext } from '../../src/core/telegram/context.js';
import { createTestApp, type TestApp } from '../support/app.js';
import type { TestDatabase } from '../support/db.js';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await redis.quit();
});

const update = (updateId: number, userId: number, text: string, languageCode = 'km') => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    date: Math.floor(Date.now() / 1000),
    chat: { id: userId, type: 'private' as const, first_name: 'P' },
    from: { id: userId, is_bot: false, first_name: 'P', language_code: languageCode },
    text,
  },
});

const textsTo = (app: TestApp, chatId: number) =>
  app.tg.calls.filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId).map((c) => String(c.payload.text));

describe('updates under faults', () => {
  it('handles a redelivered update whose first handling crashed, and ignores one handled already', async () => {
    let crashes = 1;
    const feature = () => {
      const c = new Composer<BotContext>();
      c.hears('ping-fault', async (ctx) => {
        if (crashes-- > 0) throw new Error('crashed mid-handling');
        await ctx.reply('pong');
      });
      return c;
    };
    const app = await createTestApp({ extraFeatures: [feature], redis });
    try {
      const userId = 880_000 + Math.floor(Math.random() * 10_000);
      const u = update(Math.floor(Math.random() * 1e9), userId, 'ping-fault');
      await app.bot.handleUpdate(u);
      await app.bot.handleUpdate(u);
      await app.bot.handleUpdate(u);
      const texts = textsTo(app, userId);
      expect(texts.filter((t) => t === 'pong')).toHaveLength(1);
      expect(texts).toHaveLength(2); // the error message, then the one real answer
    } finally {
      await app.close();
    }
  });

  it('answers at once in English when Postgres cannot be reached and Telegram says the user reads English', async () => {
    const unreachable = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    const app = await createTestApp({ database: unreachable as TestDatabase });
    try {
      const started = Date.now();
      await app.bot.handleUpdate(update(1, 990_001, '/start', 'en'));
      await app.bot.handleUpdate(update(2, 990_002, '/start', 'km'));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(textsTo(app, 990_001)).toEqual(['The service is briefly unavailable. Please try again in a minute.']);
      expect(textsTo(app, 990_002)[0]).toContain('សេវាកម្មមិនដំណើរការ');
    } finally {
      await unreachable.close();
    }
  });
});
