/**
 * createBot: the one seam. main.ts builds it with the real Bot API; tests build it with a fake
 * `fetch` (which also reaches inside conversations) and a real database.
 */
import { Bot, type Middleware } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, createConversation, type ConversationData, type VersionedState } from '@grammyjs/conversations';
import { limit } from '@grammyjs/ratelimiter';
import { sequentialize } from '@grammyjs/runner';
import type { Redis } from 'ioredis';
import { safeError } from '../logger.js';
import { updateErrors, updateSeconds, updateType } from '../metrics.js';
import { loadActor } from '../auth/actor.js';
import { createI18n } from '../i18n/index.js';
import { getLocale } from '../auth/accounts.js';
import type { Capability } from '../capability.js';
import { checkCapabilities } from '../capability-check.js';
import { buildCatalog } from './commands.js';
import type { AppDeps, BotContext, ConvContext } from './context.js';
import { postgresStorage } from './storage.js';
import { isOutage, type Drain } from './drain.js';
import { isLocale } from '../i18n/index.js';
import { chatLock } from './chat-lock.js';

export interface CreateBotOptions {
  token: string;
  deps: AppDeps;
  apiRoot?: string;
  /** test seam: replaces the HTTP client for every Bot API call, conversations included */
  fetch?: typeof fetch;
  /** skip getMe at init (tests, and processes that only send) */
  botInfo?: UserFromGetMe;
  /**
   * shared by all bot processes: the rate-limiter store, the duplicate-update check and the
   * per-chat lock (a chat's updates one at a time, in order, across processes); in memory when absent
   */
  redis?: Redis;
  /**
   * the deployment's Redis key prefix (QUEUE_PREFIX): the duplicate-update and flood-guard keys
   * live under it (braces of a cluster hash tag dropped: those keys spread over the cluster), so
   * two deployments or test runs sharing one Redis never see each other's update ids
   */
  keyPrefix?: string;
  /**
   * take the per-chat Redis lock (default true with `redis`). Only webhook mode can spread one
   * chat's updates over several processes; a polling bot is the only reader of its updates, so
   * the lock would cost two Redis round trips per update for nothing.
   */
  crossProcessOrder?: boolean;
  /** the capability list (src/capabilities.ts); checked before the bot is built */
  capabilities: readonly Capability[];
  /** per-user flood guard; default 12 updates per 4 s */
  rateLimit?: { max: number; windowMs: number };
  /** bump when a conversation's code changes incompatibly: old states are then dropped */
  conversationVersion?: number;
  /** counts running handlers, so shutdown can wait for them (main.ts) */
  drain?: Drain;
  /**
   * A bot of a fleet other than the default one (core/telegram/fleet.ts): its conversation state
   * is kept apart, under conv:<bot id>:<chat id>, so a person talking to two bots has two
   * independent flows. Unset for the default bot, whose keys stay conv:<chat id> (the states of
   * a deployment that had one bot survive adding a fleet).
   */
  fleetBotId?: number;
}

export function createBot(opts: CreateBotOptions): Bot<BotContext> {
  /** conversation state read with the actor, per update */
  const preloaded = new WeakMap<object, unknown>();
  const { capabilities } = opts;
  const keySpace = (opts.keyPrefix ?? 'sis').replace(/[{}]/g, '');
  const deps: AppDeps = opts.fleetBotId === undefined ? opts.deps : { ...opts.deps, fleetBotId: opts.fleetBotId };
  const conversationKey = opts.fleetBotId === undefined ? (chatId: number) => `conv:${chatId}` : (chatId: number) => `conv:${opts.fleetBotId}:${chatId}`;
  checkCapabilities(capabilities);
  const catalog = buildCatalog(capabilities);
  // Group and supergroup updates some capability handles; every other group update is dropped.
  const groupUpdateFilters = capabilities.flatMap((c) => (c.groupUpdates ? [c.groupUpdates.bind(c)] : []));
  const bot = new Bot<BotContext>(opts.token, {
    botInfo: opts.botInfo,
    client: {
      ...(opts.apiRoot ? { apiRoot: opts.apiRoot } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    },
  });
  // Replies to the user may hit a flood wait: retry them (bulk sends go through the queue instead).
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));

  const i18n = createI18n<BotContext>(deps.defaultLocale, (ctx) => ctx.actor?.locale ?? undefined);

  if (opts.drain) bot.use(opts.drain.middleware);
  // Latency of the whole handling by update type (/metrics), queueing behind the chat's earlier
  // updates included: that is what the user waits for.
  bot.use(async (ctx, next) => {
    const end = updateSeconds.startTimer({ type: updateType(ctx.update) });
    try {
      await next();
    } finally {
      end();
    }
  });
  // Updates of one chat are handled one after another (the runner is concurrent across chats).
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  // … and across processes (webhook mode behind a load balancer): see chat-lock.ts.
  if (opts.redis && opts.crossProcessOrder !== false) bot.use(chatLock(opts.redis, { scope: opts.token.split(':')[0]! }));
  bot.use(async (ctx, next) => {
    ctx.deps = deps;
    ctx.catalog = catalog;
    ctx.locale = deps.defaultLocale;
    ctx.log = deps.log.child({ update: ctx.update.update_id, user: ctx.from?.id });
    await next();
  });

  // One error boundary for everything below it: log without personal data, tell the user — in
  // their language even when their account could not be read (Postgres down): Telegram's
  // language_code then stands in for the stored choice.
  const guarded = bot.errorBoundary(async (err) => {
    const ctx = err.ctx;
    const outage = isOutage(err.error);
    ctx.log.error({ err: safeError(err.error), outage }, 'update failed');
    updateErrors.inc({ type: updateType(ctx.update) });
    try {
      const code = ctx.from?.language_code?.slice(0, 2);
      const locale = ctx.actor?.locale ?? (isLocale(code) ? code : deps.defaultLocale);
      const text = i18n.t(locale, outage ? 'core-error-unavailable' : 'core-error-generic');
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true }).catch(() => {});
      else if (ctx.chat) await ctx.reply(text);
    } catch {
      /* the user cannot be told; it is logged */
    }
  });

  // Telegram re-sends a webhook update it thinks was not answered, and grammY does not dedupe
  // update ids: an id is remembered for a day once its handling *succeeded*, so a retried update
  // is handled once, and one whose handling crashed is handled again when it comes back. While
  // Redis is away this is skipped (fail open: the user is answered, not kept waiting).
  if (opts.redis) {
    const redis = opts.redis;
    guarded.use(async (ctx, next) => {
      const key = `${keySpace}-upd:${ctx.me.id}:${ctx.update.update_id}`;
      const ready = redis.status === 'ready';
      if (ready && (await redis.exists(key).catch(() => 0)) === 1) {
        ctx.log.info('duplicate update ignored');
        return;
      }
      await next();
      if (redis.status === 'ready') await redis.set(key, '1', 'EX', 86_400).catch(() => {});
    });
  }

  // Private chats only, except the few group updates a capability asked for (its groupUpdates).
  guarded.use(async (ctx, next) => {
    if (ctx.chat && ctx.chat.type !== 'private') {
      const group = ctx.chat.type === 'group' || ctx.chat.type === 'supergroup';
      if (!group || !groupUpdateFilters.some((accepts) => accepts(ctx))) return;
    }
    await next();
  });

  // Flood guard per user: enough for quick taps through a class list, not for scripts. A
  // flooding user is told once per window, not once per message (that would flood them back).
  const warned = new Map<number, number>();
  const window = opts.rateLimit?.windowMs ?? 4000;
  const limiterOf = (store: Redis | 'MEMORY_STORE') =>
    limit<BotContext, Redis>({
      timeFrame: window,
      limit: opts.rateLimit?.max ?? 12,
      storageClient: store,
      keyPrefix: `${keySpace}-rl`,
      keyGenerator: (ctx) => ctx.from?.id.toString(),
      onLimitExceeded: async (ctx) => {
        const id = ctx.from?.id;
        if (id === undefined) return;
        const last = warned.get(id) ?? 0;
        if (Date.now() - last < window) {
          if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
          return;
        }
        warned.set(id, Date.now());
        if (warned.size > 10_000) warned.clear();
        // Runs before the actor is loaded (that is the point): one locale lookup per window.
        const locale = (await getLocale(deps.database.db, id).catch(() => null)) ?? deps.defaultLocale;
        const text = i18n.t(locale, 'core-error-too-fast');
        if (ctx.callbackQuery) {
          await ctx.answerCallbackQuery({ text }).catch(() => {});
          return;
        }
        await ctx.reply(text).catch(() => {});
      },
    });
  // The shared store while Redis answers; this process's memory while it does not.
  const sharedLimiter = opts.redis ? limiterOf(opts.redis) : null;
  const localLimiter = limiterOf('MEMORY_STORE');
  guarded.use((ctx, next) => (sharedLimiter && opts.redis?.status === 'ready' ? sharedLimiter(ctx, next) : localLimiter(ctx, next)));

  guarded.use(async (ctx, next) => {
    if (ctx.from) {
      ctx.actor = await loadActor(deps.database.db, ctx.from.id, {
        touch: true,
        storageKey: ctx.chatId === undefined ? undefined : conversationKey(ctx.chatId),
        onStored: (value) => preloaded.set(ctx, value),
      });
      ctx.locale = ctx.actor.locale ?? deps.defaultLocale;
    }
    await next();
  });
  guarded.use(i18n);

  // Conversation state lives in bot_storage under conv:<chat id> (conv:<bot id>:<chat id> for a
  // fleet bot). It is read together with the actor (one round trip per update instead of two)
  // and written through here.
  const conversationStore = postgresStorage<VersionedState<ConversationData>>(deps.database.db, '');
  guarded.use(
    conversations<BotContext, ConvContext>({
      storage: {
        type: 'context',
        version: opts.conversationVersion ?? 1,
        adapter: {
          read: async (ctx) => {
            if (preloaded.has(ctx)) return preloaded.get(ctx) as VersionedState<ConversationData> | undefined;
            return ctx.chatId === undefined ? undefined : conversationStore.read(conversationKey(ctx.chatId));
          },
          write: async (ctx, state) => {
            if (ctx.chatId !== undefined) await conversationStore.write(conversationKey(ctx.chatId), state);
            preloaded.set(ctx, state);
          },
          delete: async (ctx) => {
            if (ctx.chatId !== undefined) await conversationStore.delete(conversationKey(ctx.chatId));
            preloaded.set(ctx, undefined);
          },
        },
      },
      plugins: (conversation) => [
        // Inside a conversation the context is new: give it deps, i18n in the user's stored
        // language (read once through external so replays do not hit the database), and retries.
        async (ctx, next) => {
          ctx.deps = deps;
          ctx.catalog = catalog;
          ctx.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));
          await next();
        },
        i18n as unknown as Middleware<ConvContext>,
        async (ctx, next) => {
          const userId = ctx.from?.id;
          const locale = userId === undefined ? null : await conversation.external(() => getLocale(deps.database.db, userId));
          ctx.locale = locale ?? deps.defaultLocale;
          ctx.i18n.useLocale(ctx.locale);
          await next();
        },
      ],
    }),
  );

  // 1. A command ends any open flow (the user changed their mind); then every capability's flows,
  //    so what is meant for an open flow reaches it before any other handler.
  //    The user is told, so nothing they were writing is lost without a word.
  guarded.on('message:entities:bot_command', async (ctx, next) => {
    if (Object.keys(ctx.conversation.active()).length > 0) {
      await ctx.conversation.exitAll();
      await ctx.reply(ctx.t('core-flow-closed'));
    }
    await next();
  });
  // A home-menu entry pressed during a flow is the same change of mind as a command (it would
  // otherwise try to open a second flow on top of the first and fail).
  const homeData = new Set(capabilities.flatMap((c) => (c.homeButtons ?? []).map((b) => b.data)));
  guarded.on('callback_query:data', async (ctx, next) => {
    if (homeData.has(ctx.callbackQuery.data) && Object.keys(ctx.conversation.active()).length > 0) {
      await ctx.conversation.exitAll();
      await ctx.reply(ctx.t('core-flow-closed'));
    }
    await next();
  });
  for (const c of capabilities) for (const flow of c.flows ?? []) guarded.use(createConversation(flow.run, { id: flow.id }));

  // 2. `/start <payload>`: the capability whose deep link it is.
  const deepLinks = capabilities.flatMap((c) => (c.deepLink ? [c.deepLink] : []));
  if (deepLinks.length > 0) {
    guarded.command('start', async (ctx, next) => {
      const payload = ctx.match.trim();
      const link = payload ? deepLinks.find((d) => d.matches(payload)) : undefined;
      if (!link) return next();
      await link.open(ctx, payload);
    });
  }

  // 3. Every capability's own handlers (commands and callback namespaces are unique across the
  //    list, so their order does not matter); 4. the fallback, last.
  for (const c of capabilities) if (c.bot) guarded.use(c.bot(deps));
  for (const c of capabilities) if (c.fallback) guarded.use(c.fallback(deps));

  return bot;
}
