/**
 * A fleet of bots: BOT_TOKENS adds a bot beside the default one, `school bot` gives it a school,
 * the school's invite links name it, and the real sender sends that school's messages through
 * that bot's API with a rate gate of its own: a 429 for the fleet bot pauses it alone while the
 * default bot keeps sending. Without BOT_TOKENS nothing changes (the other tests of the project).
 */
import { randomBytes } from 'node:crypto';
import { Api } from 'grammy';
import { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/cli.js';
import { loadConfig } from '../../src/config.js';
import { addToOutbox } from '../../src/core/queue/outbox.js';
import { createOutgoingQueue } from '../../src/core/queue/queues.js';
import { relayOnce } from '../../src/core/queue/relay.js';
import { startSender } from '../../src/core/queue/sender.js';
import { createLogger } from '../../src/core/logger.js';
import { fleetBots, schoolBotLookup } from '../../src/core/telegram/fleet.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { FakeTelegram } from '../support/telegram.js';

const FLEET_TOKEN = '777:FLEET-TOKEN-abcdefghij';
let database: TestDatabase;
let env: Record<string, string>;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const prefix = `test-fleet-${randomBytes(4).toString('hex')}`;

async function cli(...args: string[]) {
  return runCliCaptured(args, env);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  await loadDemoSchool(database.db, undefined, 'DEMO-002');
  const [row] = await database.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${row!.db}`;
  env = { DATABASE_URL: url.toString(), BOT_USERNAME: 'sis_demo_bot', BOT_TOKENS: `${FLEET_TOKEN}@sis_fleet_bot`, LOG_LEVEL: 'silent' };
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await database?.drop();
});

describe('configuration', () => {
  it('BOT_TOKENS lists further bots, each with an optional username; a bad one stops the process naming the variable', () => {
    const config = loadConfig({ BOT_TOKEN: '123:DEFAULT-TOKEN-abcdefghij', BOT_TOKENS: ` ${FLEET_TOKEN}@sis_fleet_bot, 888:OTHER-TOKEN-abcdefghij ` });
    expect(fleetBots(config).map((b) => [b.id, b.username, b.isDefault])).toEqual([
      [123, undefined, true],
      [777, 'sis_fleet_bot', false],
      [888, undefined, false],
    ]);
    expect(() => loadConfig({ BOT_TOKEN: '123:DEFAULT-TOKEN-abcdefghij', BOT_TOKENS: 'not-a-token' })).toThrow(/BOT_TOKENS/);
    // one token: the fleet is the default bot alone
    expect(fleetBots(loadConfig({ BOT_TOKEN: '123:DEFAULT-TOKEN-abcdefghij' }))).toHaveLength(1);
  });
});

describe('a school moves to a bot of the fleet', () => {
  it('`school bot` lists the bots; assigns one; refuses an unknown bot or school', async () => {
    const list = await cli('school', 'bot');
    expect(list.code).toBe(0);
    expect(list.out).toContain('@sis_fleet_bot\t(id 777)\t0 school(s)');
    expect((await cli('school', 'bot', '--school', 'DEMO-002', '--bot', '@nobody_bot')).err).toContain('no bot @nobody_bot');
    expect((await cli('school', 'bot', '--school', 'NOPE', '--bot', 'sis_fleet_bot')).err).toContain('no school with code NOPE');
    const ok = await cli('school', 'bot', '--school', 'DEMO-002', '--bot', 'sis_fleet_bot');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('served by @sis_fleet_bot');
    expect((await cli('school', 'bot')).out).toContain('@sis_fleet_bot\t(id 777)\t1 school(s)');
  });

  it("the school's invite links name its bot; the other school's the default bot", async () => {
    const fleet = await cli('invite', '--school', 'DEMO-002', '--role', 'teacher');
    expect(fleet.out).toContain('https://t.me/sis_fleet_bot?start=');
    const plain = await cli('invite', '--school', 'DEMO-001', '--role', 'teacher');
    expect(plain.out).toContain('https://t.me/sis_demo_bot?start=');
  });
});

describe('the sender with two bots', () => {
  it("sends each school's messages through its own bot; a 429 pauses the fleet bot alone", async () => {
    const [a] = await database.rows<{ id: number }>(sql`select id from schools where code = 'DEMO-001'`);
    const [b] = await database.rows<{ id: number }>(sql`select id from schools where code = 'DEMO-002'`);
    const defaultTg = new FakeTelegram();
    const fleetTg = new FakeTelegram();
    let refused = 0;
    let refusedAt = 0;
    fleetTg.respond('sendMessage', () => {
      if (refused++ > 0) return undefined;
      refusedAt = Date.now();
      return { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } };
    });
    const messages = [];
    for (let i = 0; i < 4; i++) {
      messages.push({ dedupeKey: `fleet-test:a:${i}`, schoolId: Number(a!.id), chatId: 5000 + i, payload: { text: `A${i}` } });
      messages.push({ dedupeKey: `fleet-test:b:${i}`, schoolId: Number(b!.id), chatId: 6000 + i, payload: { text: `B${i}` } });
    }
    await addToOutbox(database.db, messages);
    const queue = createOutgoingQueue(redis, prefix);
    const sender = startSender({
      database,
      connection: redis,
      prefix,
      api: new Api('123:DEFAULT-TOKEN-abcdefghij', { fetch: defaultTg.fetch }),
      fleet: new Map([[777, new Api(FLEET_TOKEN, { fetch: fleetTg.fetch })]]),
      botOfSchool: schoolBotLookup(database.db),
      log: createLogger('silent'),
      perChatIntervalMs: 10,
    });
    try {
      const t0 = Date.now();
      await relayOnce(database, queue);
      const sentTexts = (tg: FakeTelegram) => tg.calls.filter((c) => c.method === 'sendMessage' && c.response?.ok).map((c) => c.payload.text as string);
      // the default bot is not held up by the fleet bot's 429: all of its messages are out while
      // the fleet bot's pause still runs (which of the two bots starts first is up to the machine)
      while ((sentTexts(defaultTg).length < 4 || refused === 0) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
      expect(sentTexts(defaultTg).sort()).toEqual(['A0', 'A1', 'A2', 'A3']);
      expect(refused).toBeGreaterThan(0);
      expect(await redis.pttl(`${prefix}:sendgate:pause:777`)).toBeGreaterThan(0);
      expect(await redis.exists(`${prefix}:sendgate:pause`)).toBe(0);
      while (sentTexts(fleetTg).length < 4 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 50));
      expect(sentTexts(fleetTg).sort()).toEqual(['B0', 'B1', 'B2', 'B3']);
      expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(2900);
      const rows = await database.rows<{ status: string; n: number }>(sql`select status, count(*)::int as n from outbox where dedupe_key like 'fleet-test:%' group by status`);
      expect(rows).toEqual([{ status: 'sent', n: 8 }]);
    } finally {
      await sender.close();
      await queue.close();
    }
  });
});
