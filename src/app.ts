/**
 * Wiring shared by main.ts (the long-running processes) and the CLI: open the database and run
 * migrations, connect Redis, build the bot with every feature, start the queue's workers.
 */
import { randomBytes } from 'node:crypto';
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
import { composeResolvers, startSender, type SendOutcome } from './core/queue/sender.js';
import { createBot } from './core/telegram/bot.js';
import type { AppDeps } from './core/telegram/context.js';
import { systemNow } from './core/clock.js';
import { fallbackFeature, onboardingFeature } from './onboarding/bot.js';
import { attendanceFeature } from './attendance/bot.js';
import { startAttendanceJobs, type AttendanceJobs } from './attendance/jobs.js';
import { reportsFeature } from './reports/bot.js';
import { startReportJobs, type ReportJobs } from './reports/jobs.js';
import { reportFileResolver } from './reports/service.js';
import { cardLinkFeature, scanFeature } from './qr/scan-bot.js';
import { startScanJobs, type ScanJobs } from './qr/scan-jobs.js';
import { questionsFeature } from './questions/bot.js';
import { startQuestionJobs, type QuestionJobs } from './questions/jobs.js';
import { announcementsFeature } from './announcements/bot.js';
import { startAnnouncementJobs, type AnnouncementJobs } from './announcements/jobs.js';
import type { Notifier } from './roster/service.js';
import { qrCardsFeature } from './qr/bot.js';
import { cardFileResolver } from './qr/files.js';
import { startCardJobs, type CardJobs } from './qr/card-jobs.js';
import { cardSecret } from './qr/secret.js';

/**
 * Every feature, in the order its handlers run. The fallback stays last. cardLinkFeature comes
 * first: it takes `/start <card token>` before onboarding reads start payloads as invites.
 * Announcements (group commands) and questions come before attendance so a group command or a
 * teacher's typed answer is never read as a quick attendance line, and before scanning so a
 * teacher's photo there is not taken for a card.
 */
export const FEATURES = [
  cardLinkFeature,
  onboardingFeature,
  announcementsFeature,
  questionsFeature,
  attendanceFeature,
  reportsFeature,
  qrCardsFeature,
  scanFeature,
  fallbackFeature,
];

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
export function createAppDeps(
  input: Omit<AppDeps, 'notifier' | 'now' | 'jobs' | 'cardSecret'> & Partial<Pick<AppDeps, 'notifier' | 'now' | 'jobs' | 'cardSecret'>>,
): AppDeps {
  return {
    ...input,
    // Tests and benchmarks only: a deployment passes the configured secret (see qr/secret.ts),
    // or cards printed by one process would not scan in another.
    cardSecret: input.cardSecret ?? randomBytes(32),
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
  scans: ScanJobs;
  cards: CardJobs;
  questions: QuestionJobs;
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
    resolvePayload: composeResolvers(reportFileResolver(database.db), cardFileResolver(database.db)),
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
  const scans = await startScanJobs({ ...jobDeps, log: log.child({ part: 'scan-jobs' }) });
  const cards = await startCardJobs({ ...jobDeps, secret: cardSecret(config), log: log.child({ part: 'card-jobs' }) });
  const questions = await startQuestionJobs({ ...jobDeps, log: log.child({ part: 'question-jobs' }) });
  const announcements = await startAnnouncementJobs({ ...jobDeps, log: log.child({ part: 'announcement-jobs' }) });
  // Each message sent may be an announcement's last: check for finished ones soon (debounced).
  sender.on('completed', () => announcements.nudge());
  return {
    queue,
    relay,
    sender,
    attendance,
    reports,
    scans,
    cards,
    questions,
    announcements,
    async close() {
      // Order matters: stop the producers, stop feeding the queue, let the sender finish its
      // jobs, then the queue.
      await announcements.close();
      await questions.close();
      await cards.close();
      await scans.close();
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

export { cardSecret, createRedis };
