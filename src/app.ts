/**
 * Wiring shared by main.ts (the long-running processes) and the CLI: open the database and run
 * migrations, connect Redis, build the bot with every feature, start the queue's workers.
 */
import { Api } from 'grammy';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { migrateDatabase, openDatabase, type Database } from './core/db/client.js';
import { createI18n } from './core/i18n/index.js';
import type { Logger } from './core/logger.js';
import { createRedis } from './core/queue/redis.js';
import { createOutgoingQueue, type OutgoingJob } from './core/queue/queues.js';
import { startRelay, type Relay } from './core/queue/relay.js';
import { startSender, type SendOutcome } from './core/queue/sender.js';
import { createBot } from './core/telegram/bot.js';
import type { AppDeps } from './core/telegram/context.js';
import { systemNow } from './core/clock.js';
import { fallbackFeature, onboardingFeature } from './onboarding/bot.js';
import { attendanceFeature } from './attendance/bot.js';
import { startAttendanceJobs, type AttendanceJobs } from './attendance/jobs.js';
import { reportsFeature } from './reports/bot.js';
import { startReportJobs, type ReportJobs } from './reports/jobs.js';
import { reportFileResolver } from './reports/service.js';
import { announcementsFeature } from './announcements/bot.js';
import { startAnnouncementJobs, type AnnouncementJobs } from './announcements/jobs.js';
import type { Notifier } from './roster/service.js';

/** Every feature, in the order its handlers run. The fallback stays last. */
export const FEATURES = [onboardingFeature, announcementsFeature, attendanceFeature, reportsFeature, fallbackFeature];

export async function openAppDatabase(config: Config): Promise<Database> {
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
  await migrateDatabase(database);
  return database;
}

export function createNotifier(config: Pick<Config, 'DEFAULT_LOCALE'>): Notifier {
  const i18n = createI18n(config.DEFAULT_LOCALE, () => undefined);
  return { t: (locale, key, vars) => i18n.t(locale, key, vars), defaultLocale: config.DEFAULT_LOCALE };
}

/** The bot's dependencies; `notifier` and `now` get their production defaults. */
export function createAppDeps(input: Omit<AppDeps, 'notifier' | 'now' | 'jobs'> & Partial<Pick<AppDeps, 'notifier' | 'now' | 'jobs'>>): AppDeps {
  return {
    ...input,
    notifier: input.notifier ?? createNotifier({ DEFAULT_LOCALE: input.defaultLocale }),
    now: input.now ?? systemNow,
    jobs: input.jobs ?? {
      add: async () => {
        throw new Error('no job queue configured');
      },
    },
  };
}

export interface WorkerHandles {
  queue: Queue<OutgoingJob>;
  relay: Relay;
  sender: Worker<OutgoingJob, SendOutcome>;
  attendance: AttendanceJobs;
  reports: ReportJobs;
  announcements: AnnouncementJobs;
  close(): Promise<void>;
}

export async function startWorkers(config: Config, database: Database, redis: Redis, log: Logger, api?: Api): Promise<WorkerHandles> {
  const queue = createOutgoingQueue(redis, config.QUEUE_PREFIX);
  const relay = startRelay(database, queue, log.child({ part: 'relay' }));
  const sender = startSender({
    database,
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    api: api ?? new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT }),
    log: log.child({ part: 'sender' }),
    ratePerSecond: config.SEND_RATE_PER_SECOND,
    resolvePayload: reportFileResolver(database.db),
  });
  // Capabilities' scheduled work shares one set of dependencies.
  const jobDeps = {
    database,
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    notifier: createNotifier(config),
    now: systemNow,
    onOutbox: () => relay.kick(),
  };
  const attendance = await startAttendanceJobs({ ...jobDeps, log: log.child({ part: 'attendance-jobs' }) });
  const reports = await startReportJobs({ ...jobDeps, log: log.child({ part: 'report-jobs' }) });
  const announcements = await startAnnouncementJobs({ ...jobDeps, log: log.child({ part: 'announcement-jobs' }) });
  // Each message sent may be an announcement's last: check for finished ones soon (debounced).
  sender.on('completed', () => announcements.nudge());
  return {
    queue,
    relay,
    sender,
    attendance,
    reports,
    announcements,
    async close() {
      // Order matters: stop the producers, stop feeding the queue, let the sender finish its
      // jobs, then the queue.
      await announcements.close();
      await reports.close();
      await attendance.close();
      await relay.stop();
      await sender.close();
      await queue.close();
    },
  };
}

export function buildBot(config: Config, deps: AppDeps, redis?: Redis) {
  return createBot({
    token: config.BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT,
    deps,
    redis,
    features: FEATURES,
  });
}

export { createRedis };
