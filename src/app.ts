/**
 * Wiring shared by main.ts (the long-running processes), the CLI, `npm run try`, tests and
 * benchmarks: open the database and run migrations, build the bot, start the worker, serve HTTP.
 * Everything a capability adds comes from the list in capabilities.ts: there is no
 * per-capability code here.
 */
import { randomBytes } from 'node:crypto';
import { Api } from 'grammy';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { CAPABILITIES } from './capabilities.js';
import type { Capability, JobContext, WorkerPart } from './core/capability.js';
import { checkCapabilities } from './core/capability-check.js';
import { migrateDatabase, openDatabase, type Database, type Db } from './core/db/client.js';
import { createI18n, type Notifier } from './core/i18n/index.js';
import type { Logger } from './core/logger.js';
import { createRedis } from './core/queue/redis.js';
import { createOutgoingQueue, type OutgoingJob } from './core/queue/queues.js';
import { requeueAllPending, startRelay, type Relay } from './core/queue/relay.js';
import { repromise } from './core/queue/promised.js';
import { startRedisWatch, type RedisWatch } from './core/queue/redis-watch.js';
import { startQueueWorker, withQueueOutsideWorker, type ScheduledWorker } from './core/queue/scheduled.js';
import { composeResolvers, startSender, type SendOutcome } from './core/queue/sender.js';
import { PAID_SENDER_OPTIONS } from './core/queue/paid-broadcast.js';
import { createBot } from './core/telegram/bot.js';
import { botIdOf, fleetBots, registerBots, schoolBotLookup } from './core/telegram/fleet.js';
import type { AppDeps } from './core/telegram/context.js';
import type { HttpRoute } from './core/telegram/webhook.js';
import type { Drain } from './core/telegram/drain.js';
import { systemNow } from './core/clock.js';

export { CAPABILITIES };

export async function openAppDatabase(config: Config): Promise<Database> {
  // Updates, the outbox and the sender: keyed statements planned once per connection. Reports,
  // roll-ups and the read API read through a pool of their own that plans per value — on the
  // replica when there is one, else on the primary (openDatabase's genericPlans says why).
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR, genericPlans: true });
  await migrateDatabase(database);
  return withReader(database, config.DATABASE_READ_URL ?? config.DATABASE_URL);
}

/**
 * Adds the read pool (DATABASE_READ_URL: a replica, or the primary itself) that reports,
 * roll-ups and the read API use. Closing the database closes both.
 */
export async function withReader(database: Database, readUrl: string | undefined): Promise<Database> {
  if (!readUrl || database.kind !== 'postgres') return database;
  const reader = await openDatabase({ databaseUrl: readUrl, applicationName: 'sis-read' });
  const closePrimary = database.close;
  return Object.assign(database, {
    reader,
    close: async () => {
      await reader.close();
      await closePrimary();
    },
  });
}

export function createNotifier(config: Pick<Config, 'DEFAULT_LOCALE'>): Notifier {
  const i18n = createI18n(config.DEFAULT_LOCALE, () => undefined);
  return { t: (locale, key, vars) => i18n.t(locale, key, vars), defaultLocale: config.DEFAULT_LOCALE };
}

/** The bot's dependencies; `notifier` and `now` get their production defaults. */
export function createAppDeps(
  input: Omit<AppDeps, 'notifier' | 'now' | 'jobs' | 'cardSecret' | 'recordsKey'> & Partial<Pick<AppDeps, 'notifier' | 'now' | 'jobs' | 'cardSecret' | 'recordsKey'>>,
): AppDeps {
  return {
    ...input,
    // Tests and benchmarks only: a deployment passes the configured secret (see qr/secret.ts),
    // or cards printed by one process would not scan in another.
    cardSecret: input.cardSecret ?? randomBytes(32),
    recordsKey: input.recordsKey ?? randomBytes(32),
    notifier: input.notifier ?? createNotifier({ DEFAULT_LOCALE: input.defaultLocale }),
    now: input.now ?? systemNow,
    jobs: input.jobs ?? {
      add: async () => {
        throw new Error('no job queue configured');
      },
    },
  };
}

/** The names of every capability's queues (the bot may add jobs to these only). */
export function queueNames(list: readonly Capability[] = CAPABILITIES): string[] {
  return list.flatMap((c) => (c.queues ?? []).map((q) => q.name));
}

export interface WorkerHandles {
  queue: Queue<OutgoingJob>;
  relay: Relay;
  sender: Worker<OutgoingJob, SendOutcome>;
  /** every capability queue's worker, by queue name */
  queues: ReadonlyMap<string, ScheduledWorker<unknown>>;
  /** notices a Redis that lost its data and refills it from Postgres */
  redisWatch: RedisWatch;
  close(): Promise<void>;
}

/** Every capability's payload resolvers as one (the sender's: what an outbox row turns into). */
export function capabilityResolvers(list: readonly Capability[], db: Db, notifier: Notifier, config?: Config) {
  return composeResolvers(...list.flatMap((c) => (c.resolvers ? [c.resolvers(db, notifier, config)] : [])));
}

export async function startWorkers(
  config: Config,
  database: Database,
  redis: Redis,
  log: Logger,
  api?: Api,
  list: readonly Capability[] = CAPABILITIES,
): Promise<WorkerHandles> {
  checkCapabilities(list);
  const queue = createOutgoingQueue(redis, config.QUEUE_PREFIX);
  const relay = startRelay(database, queue, log.child({ part: 'relay' }));
  // A fleet (BOT_TOKENS): the other bots' APIs, and which school each serves. One token: neither.
  const others = fleetBots(config).filter((b) => !b.isDefault);
  if (others.length > 0) await registerBots(database.db, others);
  const fleet = new Map(others.map((b) => [b.id, new Api(b.token, { apiRoot: config.TELEGRAM_API_ROOT })]));
  const notifier = createNotifier(config);
  const sender = startSender({
    fleet,
    // paid broadcast rows get their own, faster window (and the jobs in flight to fill it) only
    // where a Stars budget allows them
    ...(config.PAID_BROADCAST_STARS_PER_DAY > 0 ? PAID_SENDER_OPTIONS : {}),
    botOfSchool: fleet.size > 0 ? schoolBotLookup(database.db) : undefined,
    database,
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    api: api ?? new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT }),
    log: log.child({ part: 'sender' }),
    ratePerSecond: config.SEND_RATE_PER_SECOND,
    resolvePayload: capabilityResolvers(list, database.db, notifier, config),
  });
  const ctx: JobContext = {
    database,
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    log,
    notifier,
    now: systemNow,
    config,
    onOutbox: () => relay.kick(),
  };
  // Start-up follows the list; a capability's queues, then its worker part.
  const started: Array<{ close(): Promise<void> }> = [];
  const queues = new Map<string, ScheduledWorker<unknown>>();
  const parts: WorkerPart[] = [];
  for (const c of list) {
    const cctx = { ...ctx, log: log.child({ part: c.id }) };
    for (const spec of c.queues ?? []) {
      const w = await startQueueWorker(spec, cctx);
      queues.set(spec.name, w);
      started.push(w);
    }
    if (c.worker) {
      const part = await c.worker(cctx);
      parts.push(part);
      if (part.close) started.push({ close: () => part.close!() });
    }
  }
  sender.on('completed', () => {
    for (const p of parts) p.afterSend?.();
  });
  const known = queueNames(list);
  const redisWatch = startRedisWatch({
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    log: log.child({ part: 'redis-watch' }),
    onLost: async () => {
      const requeued = await requeueAllPending(database);
      relay.kick();
      let schedulers = 0;
      for (const w of queues.values()) schedulers += await w.resync();
      const promised = await repromise(database.db, redis, config.QUEUE_PREFIX, { known });
      log.info({ requeued, schedulers, promised }, 'redis refilled from postgres');
    },
    sweep: async () => {
      const promised = await repromise(database.db, redis, config.QUEUE_PREFIX, { known, olderThanSeconds: 30, onlyMissing: true });
      if (promised > 0) log.info({ promised }, 'promised jobs Redis did not have were added again');
    },
  });
  void redisWatch.check();
  return {
    queue,
    relay,
    sender,
    queues,
    redisWatch,
    async close() {
      // Order matters: stop the producers (in reverse of start-up), stop feeding the queue, let
      // the sender finish its jobs, then the queue.
      await redisWatch.stop();
      for (const s of [...started].reverse()) await s.close();
      await relay.stop();
      await sender.close();
      await queue.close();
    },
  };
}

/**
 * Re-syncs every capability's job schedulers of one school from outside the worker (the CLI
 * changed the school or its times); false when Redis cannot be reached (the worker re-syncs at its
 * next start and every hour anyway).
 */
export async function syncSchoolSchedulers(config: Config, db: Db, schoolId: number, list: readonly Capability[] = CAPABILITIES): Promise<boolean> {
  let ok = true;
  for (const c of list) {
    for (const spec of c.queues ?? []) {
      if (!spec.schedule) continue;
      ok = (await withQueueOutsideWorker(config.REDIS_URL, config.QUEUE_PREFIX, spec.name, (queue) => spec.schedule!(queue, db, schoolId))) && ok;
      if (!ok) return false;
    }
  }
  return ok;
}

/** Every capability's HTTP routes (the Mini App, …), served beside the webhook. */
export function httpRoutes(deps: AppDeps, config: Config, list: readonly Capability[] = CAPABILITIES): HttpRoute[] {
  return list.flatMap((c) => c.http?.({ deps, config }) ?? []);
}

export function buildBot(config: Config, deps: AppDeps, redis?: Redis, list: readonly Capability[] = CAPABILITIES, drain?: Drain, token: string = config.BOT_TOKEN) {
  return createBot({
    token,
    // a fleet bot's conversations apart from the default bot's (whose keys stay as they were)
    fleetBotId: token === config.BOT_TOKEN ? undefined : botIdOf(token),
    apiRoot: config.TELEGRAM_API_ROOT,
    deps,
    redis,
    keyPrefix: config.QUEUE_PREFIX,
    crossProcessOrder: config.BOT_MODE === 'webhook',
    capabilities: list,
    drain,
  });
}

export { createRedis };
