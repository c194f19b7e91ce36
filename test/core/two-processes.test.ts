/**
 * Two bot processes behind a load balancer (webhook mode): each takes every other update of one
 * chat, all arriving at once. The chat's updates are still handled one at a time and in order, and
 * a conversation started in one process continues in the other (its state lives in Postgres, the
 * per-chat lock lives in Redis).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Composer } from 'grammy';
import { Redis } from 'ioredis';
import type { Update } from 'grammy/types';
import { createAppDeps } from '../../src/app.js';
import type { Capability } from '../../src/core/capability.js';
import { createLogger } from '../../src/core/logger.js';
import { createBot } from '../../src/core/telegram/bot.js';
import type { BotContext, ConvContext } from '../../src/core/telegram/context.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { BOT_INFO, FakeTelegram } from '../support/telegram.js';

/** /collect opens a flow that takes three words and answers them in the order it saw them. */
const collector: Capability = {
  id: 'test-collect',
  flows: [
    {
      id: 'collect',
      async run(conversation, ctx: ConvContext) {
        const words: string[] = [];
        await ctx.reply('give me three words');
        while (words.length < 3) {
          const next = await conversation.waitFor('message:text');
          words.push(next.message.text);
          await next.reply(`got ${words.length}`);
        }
        await ctx.reply(`words: ${words.join(' ')}`);
      },
    },
  ],
  bot: () => {
    const c = new Composer<BotContext>();
    c.command('collect', (ctx) => ctx.conversation.enter('collect'));
    return c;
  },
  // Every other text, handled outside the flow: the order they were handled in.
  fallback: () => {
    const c = new Composer<BotContext>();
    c.on('message:text', (ctx) => ctx.reply(`echo ${ctx.message.text}`));
    return c;
  },
};

let database: TestDatabase;
let redis: Redis;

beforeAll(async () => {
  database = await createTestDatabase();
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await redis.quit();
  await database.drop();
});

function twoProcesses() {
  const tg = new FakeTelegram();
  // A distinct token per run keeps this run's locks apart from any other's.
  const token = `${100000 + Math.floor(Math.random() * 800000)}:TWO-PROC-${randomBytes(6).toString('hex')}`;
  const make = () => {
    const deps = createAppDeps({ database, log: createLogger('silent'), defaultLocale: 'en', kickOutbox: () => {} });
    return createBot({ token, deps, fetch: tg.fetch, botInfo: BOT_INFO, capabilities: [collector], redis, rateLimit: { max: 1e6, windowMs: 1000 } });
  };
  return { tg, a: make(), b: make() };
}

// Update ids unique per run: the bot remembers handled ids (duplicate check) for a day.
let updateId = Date.now() % 1_000_000_000;
let messageId = 1;
const text = (chat: number, t: string): Update => ({
  update_id: updateId++,
  message: {
    message_id: messageId++,
    date: Math.floor(Date.now() / 1000),
    chat: { id: chat, type: 'private', first_name: 'P' },
    from: { id: chat, is_bot: false, first_name: 'P', language_code: 'en' },
    text: t,
    ...(t.startsWith('/') ? { entities: [{ type: 'bot_command' as const, offset: 0, length: t.length }] } : {}),
  },
});

describe('two bot processes, alternate updates of one chat', () => {
  it('a conversation opened in one process continues in the other, in order', async () => {
    const { tg, a, b } = twoProcesses();
    await Promise.all([a.init(), b.init()]);
    const chat = 710_001;
    const updates = [text(chat, '/collect'), text(chat, 'one'), text(chat, 'two'), text(chat, 'three'), text(chat, 'after')];
    // All at once: process A gets the 1st, 3rd, 5th; B the 2nd and 4th.
    await Promise.all(updates.map((u, i) => (i % 2 === 0 ? a : b).handleUpdate(u)));
    const replies = tg.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === chat).map((c) => String(c.payload.text));
    expect(replies).toEqual(['give me three words', 'got 1', 'got 2', 'got 3', 'words: one two three', 'echo after']);
  });

  it('plain updates of one chat split over both processes are handled in update order', async () => {
    const { tg, a, b } = twoProcesses();
    await Promise.all([a.init(), b.init()]);
    const chat = 710_002;
    const updates = Array.from({ length: 12 }, (_, i) => text(chat, `m${i}`));
    // Sent in order as Telegram does, all in flight at once on two processes: an update waiting
    // for the lock goes after every earlier update of the chat that is waiting too.
    await Promise.all(updates.map((u, i) => (i % 2 === 0 ? a : b).handleUpdate(u)));
    const replies = tg.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === chat).map((c) => String(c.payload.text));
    expect(replies).toEqual(updates.map((_, i) => `echo m${i}`));
  });
});
