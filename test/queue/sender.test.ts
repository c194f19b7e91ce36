/**
 * The outbox → relay → queue → sender path against a fake Bot API: exactly one message per row,
 * 429 pauses the queue for retry_after, 403 marks the recipient unreachable, 400 is not retried,
 * a lost queue (Redis restart) is refilled from Postgres, and a second sender never resends.
 */
import { describe, expect, it } from 'vitest';
import { Api } from 'grammy';
import { eq, sql } from 'drizzle-orm';
import { outbox, telegramAccounts } from '../../src/core/db/schema.js';
import { addToOutbox } from '../../src/core/queue/outbox.js';
import { createOutgoingQueue } from '../../src/core/queue/queues.js';
import { relayOnce } from '../../src/core/queue/relay.js';
import { startSender, type PayloadResolver } from '../../src/core/queue/sender.js';
import { queueTestbed } from '../support/queue.js';
import { FakeTelegram } from '../support/telegram.js';

const bed = queueTestbed('test', 'outbox');
const { prefix, log, closers } = bed;

function setup(opts: { perChatIntervalMs?: number; resolvePayload?: PayloadResolver } = {}) {
  const tg = new FakeTelegram();
  const api = new Api('123:TEST-TOKEN-abcdefghij', { fetch: tg.fetch });
  const queue = createOutgoingQueue(bed.redis, prefix);
  const start = () => {
    const sender = startSender({ database: bed.database, connection: bed.redis, prefix, api, log, perChatIntervalMs: opts.perChatIntervalMs ?? 20, concurrency: 4, resolvePayload: opts.resolvePayload });
    closers.push(() => sender.close());
    return sender;
  };
  closers.push(() => queue.close());
  return { tg, queue, start };
}

async function waitFor(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

async function statuses(): Promise<Record<string, number>> {
  const rows = await bed.database.rows<{ status: string; n: number }>(sql`select status, count(*)::int as n from outbox group by status`);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

async function addMessages(n: number, chatOf: (i: number) => number = (i) => 9000 + i) {
  await addToOutbox(
    bed.database.db,
    Array.from({ length: n }, (_, i) => ({ dedupeKey: `test:${i}`, chatId: chatOf(i), payload: { text: `message ${i}` } })),
  );
}

describe('sender', () => {
  it('sends every row exactly once even when the relay enqueues it twice, and records the message id', async () => {
    const { tg, queue, start } = setup();
    await addMessages(20, (i) => 9000 + (i % 7));
    // The same dedupe keys again: the producer side is idempotent too.
    await addMessages(20, (i) => 9000 + (i % 7));
    expect(await relayOnce(bed.database, queue)).toBe(20);
    expect(await relayOnce(bed.database, queue, { requeueAfterSeconds: 0 })).toBe(20);
    start();
    await waitFor(async () => (await statuses()).sent === 20);
    const sent = tg.callsOf('sendMessage');
    expect(sent).toHaveLength(20);
    expect(new Set(sent.map((c) => c.payload.text)).size).toBe(20);
    const [row] = await bed.database.db.select().from(outbox).where(eq(outbox.dedupeKey, 'test:0'));
    expect(row!.telegramMessageId).toBe(sent.find((c) => c.payload.text === 'message 0')!.response.result.message_id);
  });

  it('spaces messages to one chat', async () => {
    const { tg, queue, start } = setup({ perChatIntervalMs: 300 });
    const at: number[] = [];
    tg.respond('sendMessage', () => {
      at.push(Date.now());
      return undefined;
    });
    await addMessages(3, () => 9100);
    await relayOnce(bed.database, queue);
    start();
    await waitFor(async () => (await statuses()).sent === 3);
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(250);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(250);
  });

  it('sends the messages to one chat in the order they were written, even when an earlier one is slow to prepare', async () => {
    // the first message's payload takes a while (a picture drawn at send time): the later ones wait for it
    const slowFirst: PayloadResolver = async (_method, payload) => {
      if (payload.text === 'message 0') await new Promise((r) => setTimeout(r, 400));
      return null;
    };
    const { tg, queue, start } = setup({ resolvePayload: slowFirst });
    await addMessages(4, () => 9200);
    await addToOutbox(bed.database.db, [{ dedupeKey: 'test:other-chat', chatId: 9201, payload: { text: 'other chat' } }]);
    await relayOnce(bed.database, queue);
    start();
    await waitFor(async () => (await statuses()).sent === 5);
    const texts = (chat: number) => tg.callsOf('sendMessage').filter((c) => c.payload.chat_id === chat).map((c) => c.payload.text);
    expect(texts(9200)).toEqual(['message 0', 'message 1', 'message 2', 'message 3']);
    // another chat is not held up by this one
    expect(texts(9201)).toEqual(['other chat']);
  });

  it('pauses the whole queue for retry_after on 429 and then sends once', async () => {
    const { tg, queue, start } = setup();
    let limited = false;
    const at: number[] = [];
    tg.respond('sendMessage', (p) => {
      at.push(Date.now());
      if (!limited && p.chat_id === 9200) {
        limited = true;
        return { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } };
      }
      return undefined;
    });
    await addMessages(1, () => 9200);
    await relayOnce(bed.database, queue);
    start();
    await waitFor(async () => (await statuses()).sent === 1);
    const calls = tg.callsOf('sendMessage');
    expect(calls).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(900);
  });

  it('marks a recipient who blocked the bot unreachable and does not retry', async () => {
    const { tg, queue, start } = setup();
    await bed.database.db.insert(telegramAccounts).values({ telegramUserId: 9300 }).onConflictDoNothing();
    tg.respond('sendMessage', () => ({ ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }));
    await addMessages(1, () => 9300);
    await relayOnce(bed.database, queue);
    start();
    await waitFor(async () => (await statuses()).unreachable === 1);
    expect(tg.callsOf('sendMessage')).toHaveLength(1);
    const [account] = await bed.database.db.select().from(telegramAccounts).where(eq(telegramAccounts.telegramUserId, 9300));
    expect(account!.unreachableAt).not.toBeNull();
  });

  it('does not retry a request Telegram rejects as bad (400)', async () => {
    const { tg, queue, start } = setup();
    tg.respond('sendMessage', () => ({ ok: false, error_code: 400, description: 'Bad Request: chat not found' }));
    await addMessages(1, () => 9400);
    await relayOnce(bed.database, queue);
    start();
    await waitFor(async () => (await statuses()).failed === 1);
    const [row] = await bed.database.db.select().from(outbox);
    expect(row!.lastError).toContain('chat not found');
    expect(tg.callsOf('sendMessage')).toHaveLength(1);
  });

  it('refills a queue that Redis lost from the pending rows in Postgres', async () => {
    const { tg, queue, start } = setup();
    await addMessages(5);
    await relayOnce(bed.database, queue);
    await queue.obliterate({ force: true }); // Redis restarted without persistence
    expect(await relayOnce(bed.database, queue)).toBe(0); // recently enqueued: not yet suspicious
    expect(await relayOnce(bed.database, queue, { requeueAfterSeconds: 0 })).toBe(5);
    start();
    await waitFor(async () => (await statuses()).sent === 5);
    expect(tg.callsOf('sendMessage')).toHaveLength(5);
  });

  it('a job that finds its row leased by another worker comes back when the lease ends, and sends once', async () => {
    const { tg, queue, start } = setup();
    await addMessages(1, () => 9500);
    // As if a worker that died had taken the lease a moment ago.
    await bed.database.db.execute(sql`update outbox set locked_until = now() + interval '1 second'`);
    await relayOnce(bed.database, queue);
    start();
    await waitFor(async () => (await statuses()).sent === 1);
    expect(tg.callsOf('sendMessage')).toHaveLength(1);
  });

  it('a second sender started after the first one was stopped mid-flight sends each row once', async () => {
    const { tg, queue, start } = setup();
    let count = 0;
    // A slow API, so the first sender is stopped with calls in flight.
    tg.respond('sendMessage', async () => {
      count++;
      await new Promise((r) => setTimeout(r, 100));
      return undefined;
    });
    await addMessages(30);
    await relayOnce(bed.database, queue);
    const first = start();
    await waitFor(async () => count >= 5);
    await first.close(true); // force: does not wait for its active jobs
    start();
    await waitFor(async () => (await statuses()).sent === 30);
    const texts = tg.callsOf('sendMessage').map((c) => c.payload.text);
    expect(texts).toHaveLength(30);
    expect(new Set(texts).size).toBe(30);
  });
});
