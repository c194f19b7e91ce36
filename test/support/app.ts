import { createBot } from '../../src/core/telegram/bot.js';
import { CAPABILITIES, createAppDeps, createNotifier } from '../../src/app.js';
import type { Capability } from '../../src/core/capability.js';
import { createLogger } from '../../src/core/logger.js';
import type { Composer } from 'grammy';
import type { Redis } from 'ioredis';
import type { AppDeps, BotContext } from '../../src/core/telegram/context.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { BOT_INFO, FakeTelegram, TestUser } from './telegram.js';

export interface QueuedJob {
  queue: string;
  name: string;
  data: unknown;
  jobId?: string;
}

export interface TestApp {
  /** jobs the bot handed to the worker (tests run them with the capability's job runner) */
  jobs: QueuedJob[];
  database: TestDatabase;
  tg: FakeTelegram;
  bot: ReturnType<typeof createBot>;
  deps: AppDeps;
  notifier: ReturnType<typeof createNotifier>;
  user(id: number, firstName?: string, languageCode?: string): TestUser;
  close(): Promise<void>;
}

export async function createTestApp(
  opts: { database?: TestDatabase; extraFeatures?: Array<(deps: AppDeps) => Composer<BotContext>>; capabilities?: readonly Capability[]; redis?: Redis; now?: () => Date; rateLimit?: { max: number; windowMs: number } } = {},
): Promise<TestApp> {
  const database = opts.database ?? (await createTestDatabase());
  const tg = new FakeTelegram();
  const jobs: QueuedJob[] = [];
  const deps: AppDeps = createAppDeps({
    jobs: {
      add: async (queue, name, data, jobId) => {
        if (!jobs.some((j) => j.jobId !== undefined && j.jobId === jobId)) jobs.push({ queue, name, data, jobId });
      },
    },
    database,
    log: createLogger(process.env.TEST_LOG ?? 'silent'),
    defaultLocale: 'km',
    botUsername: BOT_INFO.username,
    kickOutbox: () => {},
    now: opts.now,
  });
  const bot = createBot({
    token: '123456:TEST-TOKEN-abcdefghij',
    deps,
    fetch: tg.fetch,
    botInfo: BOT_INFO,
    // A test's own features run before the app's (each as a small capability of its own).
    capabilities: [...(opts.extraFeatures ?? []).map((bot, i): Capability => ({ id: `test-feature-${i}`, bot })), ...(opts.capabilities ?? CAPABILITIES)],
    redis: opts.redis,
    rateLimit: opts.rateLimit,
  });
  await bot.init();
  return {
    jobs,
    database,
    tg,
    bot,
    deps,
    notifier: createNotifier({ DEFAULT_LOCALE: 'km' }),
    user: (id, firstName, languageCode) => new TestUser(bot, tg, id, firstName, languageCode),
    close: () => database.drop(),
  };
}
