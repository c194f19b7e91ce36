/**
 * Prometheus metrics of a process (prom-client), served at GET /metrics by the bot's HTTP server.
 * One registry per process: the bot records update latency and errors, the sender its outcomes
 * and 429s, capability queues their job durations. Gauges that describe shared state (the outbox
 * backlog in Postgres, queue depths in Redis) are read when scraped, so every process shows the
 * same figures and a process that only handles updates still reports the backlog.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Database } from './db/client.js';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'sis_' });

export const updateSeconds = new Histogram({
  name: 'sis_update_duration_seconds',
  help: 'Time to handle one Telegram update, by update type',
  labelNames: ['type'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const updateErrors = new Counter({
  name: 'sis_update_errors_total',
  help: 'Updates whose handling threw (the user got the generic error), by update type',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const messagesSent = new Counter({
  name: 'sis_outbox_sends_total',
  help: 'Outbox rows the sender finished, by outcome (sent, skipped, unreachable, failed, retry)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const telegram429 = new Counter({
  name: 'sis_telegram_429_total',
  help: 'Bot API answers 429 (flood wait) seen by the sender',
  registers: [registry],
});

export const jobSeconds = new Histogram({
  name: 'sis_job_duration_seconds',
  help: 'Duration of capability queue jobs, by queue and result',
  labelNames: ['queue', 'result'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [registry],
});

/** The Prometheus text of this process (what GET /metrics answers); shared state read afresh. */
export function scrape(): Promise<string> {
  outboxRead = undefined;
  return registry.metrics();
}

/** The kind of an update: message, callback_query, my_chat_member, … */
export function updateType(update: object): string {
  for (const key of Object.keys(update)) if (key !== 'update_id') return key;
  return 'unknown';
}

export interface SharedStateSources {
  database: Database;
  redis?: Redis;
  prefix: string;
  /** BullMQ queues whose depths are reported (the outgoing queue and the capabilities' queues) */
  queues: readonly string[];
}

let sources: SharedStateSources | undefined;

/** Where scrapes read the outbox backlog and queue depths from (set once by the process). */
export function observeSharedState(s: SharedStateSources): void {
  sources = s;
}

/** One query per scrape serves both outbox gauges (prom-client collects them concurrently). */
let outboxRead: { value: Promise<{ n: number; age: number }> } | undefined;
function outboxBacklog(s: SharedStateSources): Promise<{ n: number; age: number }> {
  if (!outboxRead) {
    const value = s.database
      .rows<{ n: number; age: number | null }>(
        sql`select count(*)::int as n, extract(epoch from now() - min(created_at))::float8 as age from outbox where status = 'pending' and not_before <= now()`,
      )
      .then(([row]) => ({ n: Number(row?.n ?? 0), age: Number(row?.age ?? 0) }));
    outboxRead = { value };
  }
  return outboxRead.value;
}

new Gauge({
  name: 'sis_outbox_pending',
  help: 'Outbox rows due and waiting to be sent',
  registers: [registry],
  async collect() {
    if (sources) this.set((await outboxBacklog(sources)).n);
  },
});

new Gauge({
  name: 'sis_outbox_oldest_pending_seconds',
  help: 'Age of the oldest due outbox row still pending (0 when none)',
  registers: [registry],
  async collect() {
    if (sources) this.set((await outboxBacklog(sources)).age);
  },
});

/** BullMQ's key of each state: lists for wait/active, sorted sets for the others. */
const QUEUE_STATES: Array<[state: string, kind: 'list' | 'zset']> = [
  ['wait', 'list'],
  ['active', 'list'],
  ['prioritized', 'zset'],
  ['delayed', 'zset'],
  ['failed', 'zset'],
];

new Gauge({
  name: 'sis_queue_jobs',
  help: 'Jobs in each BullMQ queue by state',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    if (!sources?.redis) return;
    const pipe = sources.redis.pipeline();
    for (const q of sources.queues) {
      for (const [state, kind] of QUEUE_STATES) {
        const key = `${sources.prefix}:${q}:${state}`;
        if (kind === 'list') pipe.llen(key);
        else pipe.zcard(key);
      }
    }
    const answers = (await pipe.exec()) ?? [];
    let i = 0;
    for (const q of sources.queues) {
      for (const [state] of QUEUE_STATES) {
        const [err, n] = answers[i++] ?? [null, 0];
        if (!err) this.set({ queue: q, state }, Number(n));
      }
    }
  },
});

/** Ready = Postgres answers and (when the process uses it) Redis answers, each within 2 s. */
export async function readiness(s: { database: Database; redis?: Redis }): Promise<{ ok: boolean; checks: Record<string, string> }> {
  const within = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
  const checks: Record<string, string> = {};
  try {
    await within(s.database.rows(sql`select 1`));
    checks.postgres = 'ok';
  } catch (err) {
    checks.postgres = (err as Error).message === 'timeout' ? 'timeout' : 'down';
  }
  if (s.redis) {
    try {
      await within(s.redis.ping());
      checks.redis = 'ok';
    } catch (err) {
      checks.redis = (err as Error).message === 'timeout' ? 'timeout' : 'down';
    }
  }
  return { ok: Object.values(checks).every((v) => v === 'ok'), checks };
}
