/**
 * The database, Redis and key prefix a queue test runs against, with the hooks every such file
 * had: a fresh database, the processes a test started stopped after it, its tables emptied and
 * its Redis keys removed, everything closed at the end.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/core/logger.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export interface QueueTestbed {
  database: TestDatabase;
  redis: Redis;
  prefix: string;
  log: ReturnType<typeof createLogger>;
  /** stopped (last first) after each test */
  closers: Array<() => Promise<unknown>>;
}

/** `tables`: emptied after each test (a truncate list, e.g. 'outbox, promised_jobs'). */
export function queueTestbed(name: string, tables: string): QueueTestbed {
  const bed = { prefix: `${name}-${randomBytes(4).toString('hex')}`, log: createLogger('silent'), closers: [] } as unknown as QueueTestbed;
  beforeAll(async () => {
    bed.database = await createTestDatabase();
    bed.redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  });
  afterEach(async () => {
    while (bed.closers.length) await bed.closers.pop()!();
    await bed.database.db.execute(sql.raw(`truncate ${tables}`));
    const keys = await bed.redis.keys(`${bed.prefix}:*`);
    if (keys.length) await bed.redis.del(...keys);
  });
  afterAll(async () => {
    await bed.redis.quit();
    await bed.database.drop();
  });
  return bed;
}
