/**
 * Operations: /healthz, /readyz and /metrics on the bot's HTTP server, and the private
 * redis-server a developer's process starts when no Redis is around.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { observeSharedState, readiness } from '../../src/core/metrics.js';
import { addToOutbox } from '../../src/core/queue/outbox.js';
import { INSTALL_REDIS_HINT, redisServerInstalled, resolveRedis, startPrivateRedis } from '../../src/core/queue/local-redis.js';
import type { Database } from '../../src/core/db/client.js';
import { createTestApp, type TestApp } from '../support/app.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let app: TestApp;
let redis: Redis;
let server: Server;
let base: string;

beforeAll(async () => {
  app = await createTestApp();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  observeSharedState({ database: app.database, redis, prefix: 'ops-test', queues: ['outgoing'] });
  server = createHttpServer([], { ready: () => readiness({ database: app.database, redis }) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await redis.del('ops-test:outgoing:wait');
  redis.disconnect();
  await app.close();
});

describe('health and readiness', () => {
  it('/healthz answers ok, /readyz reports Postgres and Redis', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('/readyz is 503 and names the part that is down', async () => {
    const broken = { rows: () => Promise.reject(new Error('connection refused')) } as unknown as Database;
    const down = createHttpServer([], { ready: () => readiness({ database: broken, redis }) });
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', () => resolve()));
    try {
      const res = await fetch(`http://127.0.0.1:${(down.address() as AddressInfo).port}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ok: false, checks: { postgres: 'down', redis: 'ok' } });
    } finally {
      await new Promise<void>((resolve) => down.close(() => resolve()));
    }
  });
});

describe('/metrics', () => {
  it('counts handled updates by type, the outbox backlog and its age, and queue depths', async () => {
    const metric = (text: string, name: string) => {
      const line = text.split('\n').find((l) => l.startsWith(name));
      return line === undefined ? undefined : Number(line.split(' ').pop());
    };
    const before = await (await fetch(`${base}/metrics`)).text();
    const handled = metric(before, 'sis_update_duration_seconds_count{type="message"}') ?? 0;

    const user = app.user(4242, 'Ops', 'en');
    await user.send('/help');
    expect(app.tg.callsOf('sendMessage').length).toBeGreaterThan(0);
    await app.database.db.execute(`update outbox set status = 'sent'`);
    await addToOutbox(app.database.db, { dedupeKey: 'ops-test-1', chatId: 4242, payload: { text: 'x' } });
    await app.database.db.execute(`update outbox set created_at = now() - interval '90 seconds' where dedupe_key = 'ops-test-1'`);
    await redis.rpush('ops-test:outgoing:wait', 'a', 'b', 'c');

    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(metric(text, 'sis_update_duration_seconds_count{type="message"}')).toBe(handled + 1);
    expect(metric(text, 'sis_outbox_pending')).toBe(1);
    expect(metric(text, 'sis_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(89);
    expect(metric(text, 'sis_queue_jobs{queue="outgoing",state="wait"}')).toBe(3);
    expect(text).toContain('# TYPE sis_telegram_429_total counter');
    expect(text).toContain('# TYPE sis_job_duration_seconds histogram');
    expect(text).toContain('# TYPE sis_outbox_sends_total counter');
    expect(text).toContain('sis_process_cpu_seconds_total');
    expect(text).toContain('sis_nodejs_eventloop_lag_seconds');
  });
});

describe('a private Redis when none is around', () => {
  it('REDIS_URL wins when set', async () => {
    expect(await resolveRedis({ REDIS_URL: 'redis://example.invalid:6380' })).toEqual({ url: 'redis://example.invalid:6380' });
  });

  it.runIf(redisServerInstalled())('starts redis-server on a random port in a temp dir and removes it on stop', async () => {
    const r = await startPrivateRedis();
    expect(r.port).not.toBe(6379);
    const client = new Redis(r.url, { maxRetriesPerRequest: 1 });
    try {
      expect(await client.ping()).toBe('PONG');
      expect(existsSync(r.dir)).toBe(true);
    } finally {
      client.disconnect();
      await r.stop();
    }
    expect(existsSync(r.dir)).toBe(false);
    expect(r.process.exitCode !== null || r.process.signalCode !== null).toBe(true);
  });

  it('says in one line how to install it', () => {
    expect(INSTALL_REDIS_HINT).not.toContain('\n');
    expect(INSTALL_REDIS_HINT).toMatch(/apt-get install redis-server/);
    expect(INSTALL_REDIS_HINT).toMatch(/REDIS_URL/);
  });
});
