/**
 * Starts the bot, the worker, or both (`all`, the default for `npm start`).
 *   bot:    receives updates (long polling through @grammyjs/runner, or a webhook server)
 *   worker: outbox relay + sender (and, as capabilities arrive, report and reminder jobs)
 * SIGINT/SIGTERM stop everything in order: stop taking updates, wait for the running handlers,
 * then workers, Redis, Postgres. In polling mode fetched updates go through the inbox
 * (core/telegram/inbox.ts), so a process killed mid-update handles it at its next start.
 */
import { connectToTelegram } from './core/telegram/connect.js';
import type { Server } from 'node:http';
import type { RunnerHandle } from '@grammyjs/runner';
import { createBotRedis } from './core/queue/redis.js';
import { ConfigError, loadConfig } from './config.js';
import { buildBot, createAppDeps, createRedis, httpRoutes, openAppDatabase, queueNames, startWorkers, type WorkerHandles } from './app.js';
import { logger, safeError } from './core/logger.js';
import { createHttpServer, fleetWebhookRoutes, fleetWebhookUrl } from './core/telegram/webhook.js';
import { createJobAdder } from './core/queue/jobs.js';
import { cardSecret } from './qr/secret.js';
import { publicBaseUrl, recordsKey } from './records/key.js';
import { createDrain } from './core/telegram/drain.js';
import { runWithInbox } from './core/telegram/inbox.js';
import { fleetBots, registerBots } from './core/telegram/fleet.js';
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
  const runners: RunnerHandle[] = [];
  let server: Server | undefined;
  let closeBotRedis: () => Promise<void> = async () => {};
  const drain = createDrain();

  if (mode !== 'bot') workers = await startWorkers(config, database, redis, logger);
  const jobs = createJobAdder(redis, config.QUEUE_PREFIX, { known: queueNames(), db: database.db });
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
      recordsKey: recordsKey(config),
      webAppUrl: config.WEBAPP_URL,
      publicUrl: publicBaseUrl(config),
      arrivalDigestSeconds: config.ARRIVAL_DIGEST_SECONDS,
      paidBroadcastStarsPerDay: config.PAID_BROADCAST_STARS_PER_DAY,
    });
    // The bot's own Redis connection (fails fast, auto-pipelined): see createBotRedis.
    const botRedis = createBotRedis(config.REDIS_URL);
    botRedis.on('error', () => {});
    closeBotRedis = () => botRedis.quit().then(() => undefined, () => botRedis.disconnect());
    // The default bot, then the other bots of a fleet (BOT_TOKENS): each answers its own updates
    // with its own api; they share everything else.
    const fleet = fleetBots(config);
    const bots = fleet.map((b) => buildBot(config, b.isDefault ? deps : { ...deps, botUsername: b.username }, botRedis, undefined, drain, b.token));
    const bot = bots[0]!;
    const routes = httpRoutes(deps, config);
    for (const b of bots) await connectToTelegram(b, logger, { apiRoot: config.TELEGRAM_API_ROOT });
    if (bots.length > 1) await registerBots(database.db, bots.map((b) => ({ id: b.botInfo.id, username: b.botInfo.username })));
    logger.info({ username: bot.botInfo.username, fleet: bots.length, mode: config.BOT_MODE }, 'bot ready');
    if (config.BOT_MODE === 'webhook') {
      // Each bot of the fleet at a path of its own (core/telegram/webhook.ts: the default bot at
      // WEBHOOK_URL, the others at WEBHOOK_URL/<bot id>), each answered by its own bot.
      const hooks = fleet.map((b, i) => ({ bot: bots[i]!, id: b.id, isDefault: b.isDefault }));
      server = createHttpServer([...fleetWebhookRoutes(hooks, { webhookUrl: config.WEBHOOK_URL!, secretToken: config.WEBHOOK_SECRET! }), ...routes], serverOptions);
      listen(server);
      for (const h of hooks) await h.bot.api.setWebhook(fleetWebhookUrl(config.WEBHOOK_URL!, h), { secret_token: config.WEBHOOK_SECRET, drop_pending_updates: false });
    } else {
      // /healthz, /readyz and /metrics (and the Mini App's routes) in polling mode too.
      server = createHttpServer(routes, serverOptions);
      listen(server);
      for (const b of bots) {
        await b.api.deleteWebhook();
        runners.push(
          await runWithInbox(b, database.db, logger, {
            runner: { fetch: { allowed_updates: ['message', 'callback_query', 'my_chat_member'] } },
          }),
        );
      }
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
      await Promise.all(runners.filter((r) => r.isRunning()).map((r) => r.stop()));
      const closed = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : Promise.resolve();
      // Every update already taken gets its answer before anything it needs is closed.
      const left = await drain.wait(20_000);
      if (left > 0) logger.warn({ left }, 'handlers still running at shutdown');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
      await workers?.close();
      await jobs.close();
      await closeBotRedis();
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
