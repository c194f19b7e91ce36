/**
 * Starts the bot, the worker, or both (`all`, the default for `npm start`).
 *   bot:    receives updates (long polling through @grammyjs/runner, or a webhook server)
 *   worker: outbox relay + sender (and, as capabilities arrive, report and reminder jobs)
 * SIGINT/SIGTERM stop everything in order: updates, workers, Redis, Postgres.
 */
import type { Server } from 'node:http';
import { run, type RunnerHandle } from '@grammyjs/runner';
import { ConfigError, loadConfig } from './config.js';
import { buildBot, createAppDeps, createRedis, httpRoutes, openAppDatabase, queueNames, startWorkers, type WorkerHandles } from './app.js';
import { logger, safeError } from './core/logger.js';
import { createHttpServer, createWebhookServer } from './core/telegram/webhook.js';
import { createJobAdder } from './core/queue/jobs.js';
import { cardSecret } from './qr/secret.js';
import { observeSharedState, readiness } from './core/metrics.js';
import { resolveRedis, type PrivateRedis } from './core/queue/local-redis.js';
import { OUTGOING_QUEUE } from './core/queue/queues.js';

type Mode = 'all' | 'bot' | 'worker';

async function main(): Promise<void> {
  const mode = (process.argv[2] ?? 'all') as Mode;
  if (!['all', 'bot', 'worker'].includes(mode)) {
    console.error(`Unknown mode "${mode}": use all, bot or worker`);
    process.exit(2);
  }
  let config;
  let privateRedis: PrivateRedis | undefined;
  try {
    // No REDIS_URL and nothing on 127.0.0.1:6379: a private redis-server for this process.
    const redisChoice = await resolveRedis();
    if (redisChoice.url === null) {
      console.error(redisChoice.hint);
      process.exit(2);
    }
    privateRedis = redisChoice.started;
    if (privateRedis) {
      const stop = privateRedis;
      process.once('exit', () => stop.process.kill('SIGTERM'));
      console.error(`No Redis on 127.0.0.1:6379: started a private redis-server at ${privateRedis.url} (data is not kept).`);
    }
    config = loadConfig({ ...process.env, REDIS_URL: redisChoice.url });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      console.error('See .env.example and README.md (Configuration).');
      process.exit(2);
    }
    throw err;
  }
  logger.level = config.LOG_LEVEL;
  const started = Date.now();
  const database = await openAppDatabase(config);
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.error({ err: err.message }, 'redis error'));

  let workers: WorkerHandles | undefined;
  let runner: RunnerHandle | undefined;
  let server: Server | undefined;

  if (mode !== 'bot') workers = await startWorkers(config, database, redis, logger);
  const jobs = createJobAdder(redis, config.QUEUE_PREFIX, queueNames());
  observeSharedState({ database, redis, prefix: config.QUEUE_PREFIX, queues: [OUTGOING_QUEUE, ...queueNames()] });
  const serverOptions = { ready: () => readiness({ database, redis }) };
  const listen = (s: Server) => {
    s.on('error', (err) => logger.error({ err: safeError(err), port: config.PORT }, 'HTTP server could not listen'));
    s.listen(config.PORT);
  };

  if (mode !== 'worker') {
    const deps = createAppDeps({
      database,
      log: logger,
      defaultLocale: config.DEFAULT_LOCALE,
      botUsername: config.BOT_USERNAME,
      kickOutbox: () => workers?.relay.kick(),
      jobs,
      cardSecret: cardSecret(config),
      webAppUrl: config.WEBAPP_URL,
    });
    const bot = buildBot(config, deps, redis);
    const routes = httpRoutes(deps, config);
    await bot.init();
    logger.info({ username: bot.botInfo.username, mode: config.BOT_MODE }, 'bot ready');
    if (config.BOT_MODE === 'webhook') {
      server = createWebhookServer(bot, { path: new URL(config.WEBHOOK_URL!).pathname, secretToken: config.WEBHOOK_SECRET! }, routes, serverOptions);
      listen(server);
      await bot.api.setWebhook(config.WEBHOOK_URL!, { secret_token: config.WEBHOOK_SECRET, drop_pending_updates: false });
    } else {
      await bot.api.deleteWebhook();
      // /healthz, /readyz and /metrics (and the Mini App's routes) in polling mode too.
      server = createHttpServer(routes, serverOptions);
      listen(server);
      runner = run(bot, {
        runner: { fetch: { allowed_updates: ['message', 'callback_query', 'my_chat_member'] } },
      });
    }
  }
  // A worker alone serves /healthz, /readyz and /metrics on PORT (set another PORT when the bot
  // runs on the same machine).
  if (!server) {
    server = createHttpServer([], serverOptions);
    listen(server);
  }
  logger.info({ mode, ms: Date.now() - started }, 'started');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    try {
      if (runner?.isRunning()) await runner.stop();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      await workers?.close();
      await jobs.close();
      await redis.quit();
      await database.close();
      await privateRedis?.stop();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err: safeError(err) }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  logger.fatal({ err: safeError(err) }, 'failed to start');
  process.exit(1);
});
