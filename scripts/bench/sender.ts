/**
 * `sender`: sustained send rate of the real outbox → relay → BullMQ → sender path against a fake
 * Bot API that enforces Telegram's limits (30 messages per rolling second, ~1/s per chat).
 *
 * N outbox rows to N distinct chats (BENCH_SENDER_N, default 3,000) are written with addToOutbox,
 * then the real startRelay and startSender (ratePerSecond 30, every other option at its default)
 * drain them through grammY's Api over HTTP. Measured from the first to the last message the fake
 * accepted. The pipeline runner is shared with `sender-restart` (which force-closes the worker
 * half-way and starts a new one).
 */
import { randomBytes } from 'node:crypto';
import { Api } from 'grammy';
import { sql } from 'drizzle-orm';
import type { Worker } from 'bullmq';
import { addToOutbox } from '../../src/core/queue/outbox.js';
import { createOutgoingQueue, type OutgoingJob } from '../../src/core/queue/queues.js';
import { relayOnce, startRelay } from '../../src/core/queue/relay.js';
import { startSender, type SenderOptions, type SendOutcome } from '../../src/core/queue/sender.js';
import { createRedis } from '../../src/core/queue/redis.js';
import { createLogger } from '../../src/core/logger.js';
import type { Database } from '../../src/core/db/client.js';
import { createTestDatabase } from '../../test/support/db.js';
import { startFakeBotApi, startFakeBotApiProcess, type FakeBotApiOptions, type FakeBotApiStats } from './fake-bot-api.js';
import { fmt, int, type Bench, type BenchResult, type Figure } from './types.js';

export const TELEGRAM_LIMIT = 30;
const TOKEN = '123456:BENCH-TOKEN-abcdefghijklmnop';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface PipelineOptions {
  n: number;
  /** force-close the sender (worker.close(true)) once this fraction of rows was accepted, then start a new one */
  restartAtFraction?: number;
  latencyMs?: number;
  jitterMs?: number;
  /** the Postgres pool of the run (default 5; production's is 10) */
  poolSize?: number;
  /** further limits of the fake API (e.g. paidPerSecond) */
  fake?: Omit<FakeBotApiOptions, 'latencyMs' | 'jitterMs' | 'onMessage'>;
  /** run the fake API in a process of its own (its CPU off the sender's event loop); default false */
  fakeInChild?: boolean;
  /** sender options beyond the defaults (e.g. paidRatePerSecond and concurrency, as app.ts sets them) */
  sender?: Pick<SenderOptions, 'paidRatePerSecond' | 'concurrency' | 'maxConcurrency'>;
  /** for experiments: replacements for src's startSender / startRelay with the same signatures */
  impl?: { startSender?: typeof startSender; startRelay?: typeof startRelay };
  /** enqueue every row (relay ticks until empty) before the sender starts; default false */
  relayFirst?: boolean;
  /** writes the outbox rows (exactly `n` of them) instead of n plain sendMessage rows */
  fill?: (database: Database) => Promise<void>;
  /** runs once the rows are drained and counted, before the database is dropped */
  afterDrain?: (database: Database) => Promise<void>;
}

export interface PipelineReport {
  n: number;
  fake: FakeBotApiStats;
  statuses: Record<string, number>;
  distinctMessageIds: number;
  /** ms from sender start to the first accepted message */
  firstAcceptedAfterMs: number | null;
  /** ms from sender start until the database showed no pending row (null on timeout) */
  drainMs: number | null;
  timedOut: boolean;
  /** accepted messages / s between the first and the last accepted message */
  rate: number;
  /** same, for the middle 80 % of messages (no ramp-up / tail) */
  steadyRate: number;
  /** most messages accepted in any 100 ms */
  maxPer100ms: number;
  /** gaps > 400 ms between two accepted messages, and their total */
  pauses: number;
  pausedMs: number;
  outcomes: Record<string, number>;
  restart?: { atAccepted: number; closeMs: number; gapMs: number | null };
  /** BullMQ job counts once the rows were drained */
  jobs: Record<string, number>;
  /** the most jobs a sender ran at once (its concurrency, sampled every 100 ms while draining) */
  maxConcurrency: number;
  /** CPU of this process (sender and relay, and the fake API unless it runs in a child) from start to drained, ms per row */
  cpuMsPerRow: number;
  env: string;
}

function analyse(times: number[]) {
  const n = times.length;
  if (n < 2) return { rate: 0, steadyRate: 0, maxPer100ms: n, pauses: 0, pausedMs: 0 };
  const rate = ((n - 1) * 1000) / Math.max(1, times[n - 1]! - times[0]!);
  const lo = Math.floor(n * 0.1);
  const hi = Math.ceil(n * 0.9) - 1;
  const steadyRate = hi > lo ? ((hi - lo) * 1000) / Math.max(1, times[hi]! - times[lo]!) : rate;
  let maxPer100ms = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    while (times[i]! - times[j]! >= 100) j++;
    maxPer100ms = Math.max(maxPer100ms, i - j + 1);
  }
  let pauses = 0;
  let pausedMs = 0;
  for (let i = 1; i < n; i++) {
    const gap = times[i]! - times[i - 1]!;
    if (gap > 400) {
      pauses++;
      pausedMs += gap;
    }
  }
  return { rate, steadyRate, maxPer100ms, pauses, pausedMs };
}

/** Runs the real pipeline once in its own database, Redis prefix and fake API; cleans up after itself. */
export async function runPipeline(opts: PipelineOptions): Promise<PipelineReport> {
  const { n } = opts;
  const log = createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent');
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  // the restart watches the fake's figures every 10 ms: in-process only
  if (opts.fakeInChild && opts.restartAtFraction !== undefined) throw new Error('restartAtFraction needs the in-process fake');
  const fakeOptions = { ...opts.fake, latencyMs: opts.latencyMs, jitterMs: opts.jitterMs };
  const fake: Awaited<ReturnType<typeof startFakeBotApi>> & { refresh?(): Promise<void> } = opts.fakeInChild
    ? await startFakeBotApiProcess(fakeOptions)
    : await startFakeBotApi(fakeOptions);
  const database = await createTestDatabase({ max: opts.poolSize });
  const redis = createRedis(REDIS_URL);
  const queue = createOutgoingQueue(redis, prefix);
  const workers: Array<Worker<OutgoingJob, SendOutcome>> = [];
  let relay: { stop(): Promise<void> } | null = null;
  const outcomes: Record<string, number> = {};
  try {
    if (opts.fill) await opts.fill(database);
    else {
      for (let from = 0; from < n; from += 1000) {
        const batch = Array.from({ length: Math.min(1000, n - from) }, (_, k) => {
          const i = from + k;
          return { dedupeKey: `bench:${i}`, chatId: 1_000_000 + i, payload: { text: `bench message ${i}` } };
        });
        await addToOutbox(database.db, batch);
      }
    }

    const api = new Api(TOKEN, { apiRoot: fake.url });
    const start = () => {
      const worker = (opts.impl?.startSender ?? startSender)({ database, connection: redis, prefix, api, log, ratePerSecond: TELEGRAM_LIMIT, ...opts.sender });
      worker.on('completed', (_job, result) => {
        outcomes[result] = (outcomes[result] ?? 0) + 1;
      });
      worker.on('failed', (_job, err) => {
        const key = `failed:${err.name}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      });
      workers.push(worker);
      return worker;
    };

    if (opts.relayFirst) while ((await relayOnce(database, queue)) > 0);
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    let sender = start();
    relay = (opts.impl?.startRelay ?? startRelay)(database, queue, log);

    let restart: PipelineReport['restart'];
    if (opts.restartAtFraction !== undefined) {
      const at = Math.floor(n * opts.restartAtFraction);
      const until = Date.now() + (n / TELEGRAM_LIMIT) * 3000 + 60_000;
      while (fake.stats().accepted < at && Date.now() < until) await sleep(10);
      const atAccepted = fake.stats().accepted;
      const c0 = Date.now();
      await sender.close(true);
      const closeMs = Date.now() - c0;
      const lastBefore = fake.stats().lastAcceptedAt;
      sender = start();
      restart = { atAccepted, closeMs, gapMs: null };
      // the gap in deliveries around the restart
      void (async () => {
        const until2 = Date.now() + 120_000;
        while (Date.now() < until2) {
          const s = fake.stats();
          if (s.lastAcceptedAt !== null && lastBefore !== null && s.lastAcceptedAt > c0 && s.accepted > atAccepted) {
            restart!.gapMs = s.lastAcceptedAt - lastBefore;
            return;
          }
          await sleep(10);
        }
      })();
    }

    const deadline = t0 + (n / TELEGRAM_LIMIT) * 2000 + 60_000;
    let drainMs: number | null = null;
    let maxConcurrency = 0;
    while (Date.now() < deadline) {
      maxConcurrency = Math.max(maxConcurrency, ...workers.map((w) => w.concurrency));
      const [row] = await database.rows<{ pending: number }>(sql`select count(*)::int as pending from outbox where status = 'pending'`);
      if (Number(row?.pending ?? 1) === 0) {
        drainMs = Date.now() - t0;
        break;
      }
      await sleep(100);
    }
    const cpu = process.cpuUsage(cpu0);
    // Let late answers / stalled re-runs show up as duplicates if there are any.
    await sleep(1500);

    await fake.refresh?.();
    const fakeStats = fake.stats();
    const statusRows = await database.rows<{ status: string; n: number }>(sql`select status, count(*)::int as n from outbox group by status`);
    const [ids] = await database.rows<{ d: number }>(sql`select count(distinct telegram_message_id)::int as d from outbox`);
    const [pg] = await database.rows<{ v: string }>(sql`select current_setting('server_version') as v`);
    const jobs = await queue.getJobCounts('active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed');
    const redisInfo = await redis.info('server');
    const redisVersion = /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? '?';
    await opts.afterDrain?.(database);

    return {
      n,
      fake: fakeStats,
      statuses: Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)])),
      distinctMessageIds: Number(ids?.d ?? 0),
      firstAcceptedAfterMs: fakeStats.firstAcceptedAt === null ? null : fakeStats.firstAcceptedAt - t0,
      drainMs,
      timedOut: drainMs === null,
      ...analyse(fakeStats.acceptedTimes),
      outcomes,
      restart,
      jobs,
      maxConcurrency,
      cpuMsPerRow: (cpu.user + cpu.system) / 1000 / n,
      env: `Node ${process.version}, Postgres ${pg?.v ?? '?'}, Redis ${redisVersion}`,
    };
  } finally {
    await relay?.stop();
    for (const w of workers) await w.close(true).catch(() => {});
    await queue.close().catch(() => {});
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit().catch(() => {});
    await database.drop();
    await fake.stop();
  }
}

/** The figures both sender benchmarks print. */
export function senderFigures(r: PipelineReport, limit = TELEGRAM_LIMIT, share = 0.95): Figure[] {
  const notSent = r.n - (r.statuses.sent ?? 0);
  const ratio = r.rate / limit;
  return [
    { label: 'send rate, first → last accepted', value: r.rate, unit: 'msg/s', target: `≥ ${fmt(limit * share)} (${fmt(share * 100, 0)} %)`, ok: ratio >= share },
    { label: 'steady rate (middle 80 %)', value: r.steadyRate, unit: 'msg/s' },
    { label: `ratio to the ${int(limit)}/s limit`, value: `${fmt(ratio * 100, 1)} %` },
    { label: 'time to drain (start → no pending row)', value: r.drainMs === null ? 'timed out' : fmt(r.drainMs / 1000, 1), unit: r.drainMs === null ? '' : 's' },
    { label: 'first message after start', value: r.firstAcceptedAfterMs === null ? '-' : int(r.firstAcceptedAfterMs), unit: 'ms' },
    { label: 'accepted by the fake API', value: r.fake.accepted, target: `= ${int(r.n)}`, ok: r.fake.accepted === r.n },
    {
      label: '429s received (global / per chat)',
      value: `${r.fake.tooManyRequests} (${r.fake.tooManyGlobal} / ${r.fake.tooManyPerChat}${r.fake.tooManyPaid ? ` / paid ${r.fake.tooManyPaid}` : ''})`,
      target: '= 0',
      ok: r.fake.tooManyRequests === 0,
    },
    { label: 'duplicates (same chat + text twice)', value: r.fake.duplicates, target: '= 0', ok: r.fake.duplicates === 0 },
    { label: "rows left not 'sent'", value: notSent, target: '= 0', ok: notSent === 0 },
    { label: 'distinct telegram_message_id', value: r.distinctMessageIds, target: `= ${int(r.n)}`, ok: r.distinctMessageIds === r.n },
    { label: 'most accepted in any 100 ms', value: r.maxPer100ms, unit: 'msg' },
    { label: 'pauses > 400 ms between messages', value: `${r.pauses} (${fmt(r.pausedMs / 1000, 1)} s)` },
    {
      label: 'job outcomes',
      value: Object.entries(r.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    },
    {
      label: 'queue jobs after drain',
      value: Object.entries(r.jobs)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    },
  ];
}

export function senderNotes(r: PipelineReport): string[] {
  const notes: string[] = [];
  const ev = r.fake.tooManyEvents;
  if (ev.length && r.fake.firstAcceptedAt !== null) {
    const first = r.fake.firstAcceptedAt;
    notes.push(
      `429s at (s after first message): ${ev
        .slice(0, 12)
        .map((e) => `${fmt((e.at - first) / 1000, 2)}${e.reason === 'chat' ? 'c' : ''}`)
        .join(', ')}${ev.length > 12 ? ', …' : ''}; retry_after ${[...new Set(ev.map((e) => e.retryAfter))].join('/')} s`,
    );
  }
  if (r.timedOut) notes.push('timed out before every row left pending');
  notes.push(r.env);
  return notes;
}

export function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

const bench: Bench = {
  name: 'sender',
  description: 'sustained send rate of outbox → relay → BullMQ → sender against a fake Bot API enforcing 30/s + 1/s per chat',
  async run(): Promise<BenchResult> {
    const n = envInt('BENCH_SENDER_N', 3000);
    const r = await runPipeline({ n });
    return {
      measured: 'messages/s accepted by the fake Bot API between the first and the last accepted message, 429s, duplicates and rows left',
      data: `${int(n)} outbox rows to ${int(n)} distinct private chats (sendMessage); relay + 1 sender (ratePerSecond 30, concurrency 8, real defaults); fake API: 30 per rolling second, 1/s per chat (burst 3), latency 30 ± 10 ms`,
      figures: senderFigures(r),
      primary: { label: 'send rate', value: r.rate, unit: 'msg/s' },
      baseline: { label: "Telegram's global limit", value: TELEGRAM_LIMIT, unit: 'msg/s', measuredInRun: false },
      target: '≥ 95 % of 30 msg/s, 0 429s, 0 duplicates, 0 rows left',
      notes: senderNotes(r),
    };
  },
};

export default bench;
