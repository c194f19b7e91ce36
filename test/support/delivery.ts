/**
 * The worker's sending path for bot tests: a relay pass and the real sender against the test
 * app's fake Bot API, on its own Redis key prefix, so users receive what the outbox holds.
 */
import { randomBytes } from 'node:crypto';
import { Api } from 'grammy';
import { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import { createOutgoingQueue } from '../../src/core/queue/queues.js';
import { relayOnce } from '../../src/core/queue/relay.js';
import { composeResolvers, startSender, type PayloadResolver } from '../../src/core/queue/sender.js';
import { createLogger } from '../../src/core/logger.js';
import { CAPABILITIES, capabilityResolvers } from '../../src/app.js';
import type { TestApp } from './app.js';

export interface TestDelivery {
  /** moves the outbox onto the queue and waits until nothing is pending */
  deliver(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Rows resolve as the worker resolves them (every capability's resolvers); `resolvePayload` goes
 * first, for one configured otherwise than the app's (the records' seal files, say).
 */
export function startTestDelivery(app: TestApp, opts: { resolvePayload?: PayloadResolver } = {}): TestDelivery {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const prefix = `test-send-${randomBytes(4).toString('hex')}`;
  const queue = createOutgoingQueue(redis, prefix);
  const sender = startSender({
    database: app.database,
    connection: redis,
    prefix,
    api: new Api('123:TEST-TOKEN-abcdefghij', { fetch: app.tg.fetch }),
    log: createLogger('silent'),
    perChatIntervalMs: 10,
    // as the worker does: every capability's resolvers (after the test's own, if it gives one)
    resolvePayload: composeResolvers(...(opts.resolvePayload ? [opts.resolvePayload] : []), capabilityResolvers(CAPABILITIES, app.database.db, app.notifier)),
  });
  return {
    async deliver() {
      await relayOnce(app.database, queue);
      for (let i = 0; i < 500; i++) {
        // rows not due yet (a family's arrival digest waiting for the other children) stay
        const [row] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from outbox where status = 'pending' and not_before <= now()`);
        if (Number(row!.n) === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('outbox not drained');
    },
    async stop() {
      await sender.close();
      await queue.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}
