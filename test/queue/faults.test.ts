/**
 * The fault mechanisms one by one (the whole story runs in `npm run faults`): a lapsed send lease
 * is recovered at once under a fresh job id, a row whose answer another sender holds is not sent
 * again, the "sent" write is retried until it lands, a Redis that lost its data is noticed and
 * refilled, promised jobs come back when Redis lost them, the polling inbox, and the drain.
 */
import { describe, expect, it } from 'vitest';
import { Api } from 'grammy';
import { sql } from 'drizzle-orm';
import { Queue } from 'bullmq';
import { addToOutbox } from '../../src/core/queue/outbox.js';
import { createOutgoingQueue } from '../../src/core/queue/queues.js';
import { relayOnce, requeueAllPending } from '../../src/core/queue/relay.js';
import { startSender } from '../../src/core/queue/sender.js';
import { inflightKey, untilWritten } from '../../src/core/queue/send-lease.js';
import { startRedisWatch, sentinelKey } from '../../src/core/queue/redis-watch.js';
import { createJobAdder } from '../../src/core/queue/jobs.js';
import { markPromiseDone, repromise } from '../../src/core/queue/promised.js';
import { isHandled, markHandled, storeUpdates, unhandledUpdates } from '../../src/core/telegram/inbox.js';
import { createDrain, isOutage } from '../../src/core/telegram/drain.js';
import { queueTestbed } from '../support/queue.js';
import { FakeTelegram } from '../support/telegram.js';

const bed = queueTestbed('test', 'outbox, promised_jobs, update_inbox');
const { prefix, log, closers } = bed;

async function waitFor(check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

const sentOf = (tg: FakeTelegram) => tg.calls.filter((c) => c.method === 'sendMessage');

function sender(tg: FakeTelegram) {
  const api = new Api('123:TEST-TOKEN-abcdefghij', { fetch: tg.fetch });
  const queue = createOutgoingQueue(bed.redis, prefix);
  const worker = startSender({ database: bed.database, connection: bed.redis, prefix, api, log, perChatIntervalMs: 20, concurrency: 2, inflightMs: 600 });
  closers.push(() => queue.close(), () => worker.close());
  return queue;
}

/** A row as a sender killed mid-request leaves it: pending, enqueued, its lease lapsed. */
async function deadSendersRow(text: string): Promise<number> {
  const [id] = await addToOutbox(bed.database.db, { dedupeKey: `dead:${text}`, chatId: 777, payload: { text } });
  await bed.database.db.execute(sql`update outbox set enqueued_at = now() - interval '3 s', locked_until = now() - interval '1 s', attempts = 1 where id = ${id}`);
  return id!;
}

describe('sending', () => {
  it("re-enqueues a dead sender's lapsed row at once under a fresh job id, and sends it once", async () => {
    const tg = new FakeTelegram();
    const queue = sender(tg);
    await deadSendersRow('lapsed');
    // The dead sender's job still holds the ordinary job id in Redis.
    const [row] = await bed.database.rows<{ id: number; created: string }>(sql`select id, floor(extract(epoch from created_at) * 1000)::bigint::text as created from outbox`);
    await queue.add('send', { outboxId: Number(row!.id) }, { jobId: `ob-${row!.id}-${row!.created}`, delay: 3_600_000 });
    expect(await relayOnce(bed.database, queue, { requeueAfterSeconds: 300 })).toBe(1);
    await waitFor(() => sentOf(tg).length === 1, 5000);
    expect(await relayOnce(bed.database, queue, { requeueAfterSeconds: 300 })).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(sentOf(tg).map((m) => m.payload.text)).toEqual(['lapsed']);
  });

  it('does not start a row while another sender holds its answer (in-flight key), then skips it once marked sent', async () => {
    const tg = new FakeTelegram();
    const queue = sender(tg);
    const id = await deadSendersRow('held');
    await bed.redis.set(inflightKey(prefix, id), 'other-sender', 'PX', 5000);
    await relayOnce(bed.database, queue);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentOf(tg)).toHaveLength(0);
    // The other sender writes its answer down and lets go.
    await bed.database.db.execute(sql`update outbox set status = 'sent', locked_until = null where id = ${id}`);
    await bed.redis.del(inflightKey(prefix, id));
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentOf(tg)).toHaveLength(0);
  });

  it('retries the write of an answer until it lands instead of giving up', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await untilWritten(
      async () => {
        if (++calls < 4) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return 'written';
      },
      { maxDelayMs: 20, onRetry: (_e, n) => retries.push(n) },
    );
    expect(result).toBe('written');
    expect(retries).toEqual([1, 2, 3]);
  });
});

describe('redis is a cache of postgres', () => {
  it('notices a Redis that lost its data once, and refills it', async () => {
    let lost = 0;
    const watch = startRedisWatch({ connection: bed.redis, prefix, log, intervalMs: 60_000, onLost: async () => void lost++ });
    closers.push(() => watch.stop());
    expect(await watch.check()).toBe(true);
    expect(await watch.check()).toBe(false);
    await bed.redis.del(sentinelKey(prefix));
    expect(await watch.check()).toBe(true);
    expect(lost).toBe(2);
  });

  it('makes every pending row due again when the queue is gone', async () => {
    await addToOutbox(bed.database.db, [1, 2, 3].map((i) => ({ dedupeKey: `rq:${i}`, chatId: 900 + i, payload: { text: `t${i}` } })));
    await bed.database.db.execute(sql`update outbox set enqueued_at = now()`);
    await bed.database.db.execute(sql`update outbox set status = 'sent' where dedupe_key = 'rq:3'`);
    expect(await requeueAllPending(bed.database)).toBe(2);
    const queue = createOutgoingQueue(bed.redis, prefix);
    closers.push(() => queue.close());
    expect(await relayOnce(bed.database, queue)).toBe(2);
  });

  it('keeps a promised job in Postgres and adds it again when Redis lost it, until it is done', async () => {
    const jobs = createJobAdder(bed.redis, prefix, { known: ['promise-test'], db: bed.database.db });
    closers.push(() => jobs.close());
    await jobs.add('promise-test', 'report', { kind: 'report', n: 1 }, 'report:42');
    const queue = new Queue('promise-test', { connection: bed.redis, prefix });
    closers.push(() => queue.close());
    expect(await queue.getJob('report-42')).toBeTruthy();
    // Redis has it: nothing is added twice.
    expect(await repromise(bed.database.db, bed.redis, prefix, { onlyMissing: true })).toBe(0);
    await queue.obliterate({ force: true });
    expect(await queue.getJob('report-42')).toBeFalsy();
    expect(await repromise(bed.database.db, bed.redis, prefix, { onlyMissing: true })).toBe(1);
    expect((await queue.getJob('report-42'))?.data).toEqual({ kind: 'report', n: 1 });
    await markPromiseDone(bed.database.db, 'report-42');
    await queue.obliterate({ force: true });
    expect(await repromise(bed.database.db, bed.redis, prefix)).toBe(0);
  });
});

describe('updates', () => {
  it('keeps fetched updates in the inbox until handled, in order', async () => {
    const u = (id: number) => ({ update_id: id, message: { message_id: id, date: 0, chat: { id: 1, type: 'private' as const, first_name: 'a' }, from: { id: 1, is_bot: false, first_name: 'a' }, text: 'x' } });
    await storeUpdates(bed.database.db, 42, [u(11), u(10)]);
    await storeUpdates(bed.database.db, 42, [u(10)]);
    expect((await unhandledUpdates(bed.database.db, 42)).map((x) => x.update_id)).toEqual([10, 11]);
    expect(await markHandled(bed.database.db, 42, 10)).toBe(true);
    expect(await markHandled(bed.database.db, 42, 10)).toBe(false);
    expect(await isHandled(bed.database.db, 42, 10)).toBe(true);
    expect((await unhandledUpdates(bed.database.db, 42)).map((x) => x.update_id)).toEqual([11]);
    expect(await unhandledUpdates(bed.database.db, 43)).toEqual([]);
  });

  it('waits for running handlers before shutdown goes on, and gives up after its timeout', async () => {
    const drain = createDrain();
    let release!: () => void;
    const handler = drain.middleware({} as never, () => new Promise<void>((r) => (release = r)));
    expect(drain.running()).toBe(1);
    expect(await drain.wait(50)).toBe(1);
    const waiting = drain.wait(5000);
    release();
    await handler;
    expect(await waiting).toBe(0);
  });

  it('tells an outage from a bug', () => {
    expect(isOutage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isOutage(new Error('x', { cause: Object.assign(new Error('gone'), { code: 'CONNECTION_ENDED' }) }))).toBe(true);
    expect(isOutage(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
  });
});
