/**
 * The queues on a Redis Cluster: with the hash-tagged prefix `{sis}` every key of a queue (and
 * the sender's rate gate and per-chat keys) lives in one slot, so BullMQ's multi-key scripts run.
 * A private 3-node cluster is started (redis-server --cluster-enabled on random ports, joined by
 * redis-cli --cluster create); skipped where redis-server is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from 'grammy';
import { Cluster, type Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import { addToOutbox } from '../../src/core/queue/outbox.js';
import { createOutgoingQueue } from '../../src/core/queue/queues.js';
import { relayOnce } from '../../src/core/queue/relay.js';
import { startSender } from '../../src/core/queue/sender.js';
import { redisServerInstalled, startPrivateCluster, type PrivateCluster } from '../../src/core/queue/local-redis.js';
import { createLogger } from '../../src/core/logger.js';
import { loadConfigWithoutBot } from '../../src/config.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FakeTelegram } from '../support/telegram.js';

const PREFIX = loadConfigWithoutBot({}).QUEUE_PREFIX;

describe.runIf(redisServerInstalled())('queues on a 3-node Redis Cluster', () => {
  let cluster: PrivateCluster;
  let connection: Cluster;
  let database: TestDatabase;

  beforeAll(async () => {
    cluster = await startPrivateCluster(3);
    connection = new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: null } });
    database = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    await connection?.quit().catch(() => {});
    await cluster?.stop();
    await database?.drop();
  });

  it('the default prefix is hash-tagged', () => {
    expect(PREFIX).toBe('{sis}');
  });

  it('outbox → relay → BullMQ → sender delivers every row once through the cluster', async () => {
    const tg = new FakeTelegram();
    const redis = connection as unknown as Redis;
    const queue = createOutgoingQueue(redis, PREFIX);
    const sender = startSender({ database, connection: redis, prefix: PREFIX, api: new Api('1:CLUSTER-TOKEN-abcdefghij', { fetch: tg.fetch }), log: createLogger('silent'), ratePerSecond: 30 });
    try {
      await addToOutbox(
        database.db,
        Array.from({ length: 12 }, (_, i) => ({ dedupeKey: `cluster-${i}`, chatId: 7000 + i, payload: { text: `message ${i}` } })),
      );
      expect(await relayOnce(database, queue)).toBe(12);
      for (let i = 0; i < 200 && tg.callsOf('sendMessage').length < 12; i++) await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 100; i++) {
        const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from outbox where status = 'sent'`);
        if (Number(row!.n) === 12) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const texts = tg.callsOf('sendMessage').map((c) => String(c.payload.text));
      expect(texts.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `message ${i}`).sort());
      const [sent] = await database.rows<{ n: number }>(sql`select count(*)::int as n from outbox where status = 'sent'`);
      expect(Number(sent!.n)).toBe(12);
      // All of the queue's keys in one slot: the hash tag at work.
      const node = connection.nodes('master')[0]!;
      const keys = ['outgoing:wait', 'outgoing:active', 'outgoing:delayed', 'sendgate', 'sendgate:pause', 'chatgap:7000'].map((k) => `${PREFIX}:${k}`);
      const slots = new Set(await Promise.all(keys.map((k) => node.cluster('KEYSLOT', k) as Promise<unknown>)));
      expect(slots.size).toBe(1);
    } finally {
      await sender.close();
      await queue.close();
    }
  }, 60_000);
});
