/**
 * Jobs in flight for paid broadcast: the tuner's arithmetic (rate × job time × headroom, within
 * base and max, back to base when paid rows stop), and the real sender against a Bot API that
 * answers after 150 ms — paid rows get more requests in flight than the base concurrency and each
 * goes out once; ordinary rows never get more than the base, and without maxConcurrency nothing
 * changes.
 */
import { describe, expect, it } from 'vitest';
import { Api } from 'grammy';
import { sql } from 'drizzle-orm';
import { addToOutbox } from '../../src/core/queue/outbox.js';
import { createOutgoingQueue } from '../../src/core/queue/queues.js';
import { relayOnce } from '../../src/core/queue/relay.js';
import { startSender } from '../../src/core/queue/sender.js';
import { inFlightTuner } from '../../src/core/queue/in-flight.js';
import { queueTestbed } from '../support/queue.js';
import { FakeTelegram } from '../support/telegram.js';

describe('inFlightTuner', () => {
  it('runs rate × job time × headroom, never below the base nor above the max', () => {
    const t = inFlightTuner({ ratePerSecond: 1000, base: 8, max: 256, smoothing: 1 });
    expect(t.current(0)).toBe(8);
    expect(t.paidJobTook(100, 1)).toBe(150); // 1,000/s × 0.1 s × 1.5
    expect(t.paidJobTook(2, 2)).toBe(8); // fast jobs: the base, not 3
    expect(t.paidJobTook(1000, 3)).toBe(256); // slow ones: the ceiling, not 1,500
    expect(t.current(4)).toBe(256);
  });

  it('smooths job times, and returns to the base once no paid job came for idleMs', () => {
    const t = inFlightTuner({ ratePerSecond: 1000, base: 8, max: 256, smoothing: 0.5, headroom: 1, idleMs: 1000 });
    expect(t.paidJobTook(100, 0)).toBe(100);
    expect(t.paidJobTook(50, 10)).toBe(75); // halfway between 100 and 50
    expect(t.current(1010)).toBe(75);
    expect(t.current(1011)).toBe(8);
  });
});

const bed = queueTestbed('test-inflight', 'outbox');
const { prefix, log, closers } = bed;

/** A Bot API answering after 150 ms that counts the requests it has open at once. */
function slowTelegram() {
  const tg = new FakeTelegram();
  const open = { now: 0, most: 0 };
  tg.respond('sendMessage', async () => {
    open.most = Math.max(open.most, ++open.now);
    await new Promise((r) => setTimeout(r, 150));
    open.now--;
    return undefined;
  });
  return { tg, open };
}

async function sendAll(n: number, paid: boolean, opts: { maxConcurrency?: number }) {
  const { tg, open } = slowTelegram();
  await addToOutbox(
    bed.database.db,
    Array.from({ length: n }, (_, i) => ({ dedupeKey: `t:${i}`, chatId: 5000 + i, payload: { text: `m ${i}`, ...(paid ? { allow_paid_broadcast: true } : {}) } })),
  );
  const queue = createOutgoingQueue(bed.redis, prefix);
  closers.push(() => queue.close());
  await relayOnce(bed.database, queue);
  const sender = startSender({
    database: bed.database,
    connection: bed.redis,
    prefix,
    api: new Api('123:TEST-TOKEN-abcdefghij', { fetch: tg.fetch }),
    log,
    concurrency: 4,
    ratePerSecond: 1000, // the ordinary gate does not hold these either: only concurrency can
    paidRatePerSecond: 1000,
    perChatIntervalMs: 10,
    ...opts,
  });
  closers.push(() => sender.close());
  let most = 0;
  const until = Date.now() + 30_000;
  for (;;) {
    most = Math.max(most, sender.concurrency);
    const [row] = await bed.database.rows<{ n: number }>(sql`select count(*)::int as n from outbox where status = 'sent'`);
    if (Number(row!.n) === n) break;
    if (Date.now() > until) throw new Error('not drained');
    await new Promise((r) => setTimeout(r, 20));
  }
  const texts = tg.callsOf('sendMessage').map((c) => String(c.payload.text));
  return { open, most, sent: texts.length, distinct: new Set(texts).size };
}

describe('sender: jobs in flight for paid broadcast', () => {
  it('paid rows: more requests in flight than the base, each row sent once', async () => {
    const r = await sendAll(120, true, { maxConcurrency: 64 });
    expect(r.sent).toBe(120);
    expect(r.distinct).toBe(120);
    // 1,000/s × ≥ 150 ms × 1.5 asks for the ceiling; at 4 in flight it would stay 4
    expect(r.most).toBeGreaterThan(16);
    expect(r.open.most).toBeGreaterThan(16);
    expect(r.most).toBeLessThanOrEqual(64);
  });

  it('ordinary rows: the base concurrency, whatever maxConcurrency says', async () => {
    const r = await sendAll(40, false, { maxConcurrency: 64 });
    expect(r.sent).toBe(40);
    expect(r.most).toBe(4);
    expect(r.open.most).toBeLessThanOrEqual(4);
  });

  it('without maxConcurrency paid rows run at the fixed concurrency, as before', async () => {
    const r = await sendAll(40, true, {});
    expect(r.sent).toBe(40);
    expect(r.most).toBe(4);
    expect(r.open.most).toBeLessThanOrEqual(4);
  });
});
