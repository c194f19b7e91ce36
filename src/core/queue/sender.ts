/**
 * The sender worker: takes one outbox row per job and makes the Bot API call.
 *
 * - A short lease on the row (locked_until, kept alive by a heartbeat; send-lease.ts) means two
 *   workers, or a stalled job re-run by BullMQ, never send the same row at the same time; a row
 *   already marked sent is skipped. Telegram's answer is written down at once, and that write is
 *   retried until Postgres takes it (never turned into a resend); meanwhile an in-flight key in
 *   Redis keeps other senders off the row. The window for a duplicate is a process crash while
 *   requests are in flight: each request whose answer was lost (up to `concurrency`) is sent again
 *   when its lease lapses (seconds: the relay re-enqueues lapsed rows). Closing it fully would
 *   need an idempotency key Telegram does not offer.
 * - Telegram counts ~30 messages per rolling second. A rolling-window gate in Redis, taken right
 *   before each request, lets at most ratePerSecond requests be "in the window" (shared by every
 *   sender process). A request enters the window when it starts and, once Telegram has answered,
 *   its entry moves to the moment of the answer, where it stays for 1 s + sendGateMarginMs:
 *   Telegram counts arrivals, and a request that was slow to arrive (network, a busy event loop)
 *   would otherwise leave the window early and let the next one arrive less than 1 s after it —
 *   under CPU load that gave ~1 % 429s, each pausing the whole queue for a second. The answer comes
 *   after the arrival, so the window holds whatever the delays; the margin only covers rounding.
 *   BullMQ's own limiter is a fixed window counted when a job is taken (it released 30 at once,
 *   the next 30 exactly 1 s later: any jitter meant 31 in one rolling second); it stays as a
 *   ceiling and carries the 429 pause. A per-chat key in Redis spaces messages to one chat by 1 s
 *   (20/min for groups), and messages to one chat go in the order they were written.
 * - Paid broadcast rows (paidRatePerSecond) have a window of their own, and while they go out the
 *   jobs in flight follow that rate × the time a paid job takes (in-flight.ts, up to
 *   maxConcurrency): at 1,000/s a fixed 8 or 64 would cap the rate at in flight ÷ latency.
 * - 429: the whole queue pauses for retry_after and the job goes back to waiting.
 * - 403 (blocked, kicked, deactivated): the row and the account are marked unreachable; no retry.
 * - 400: the request itself is wrong; marked failed with Telegram's description; no retry.
 * - Network errors and 5xx: retried with exponential backoff; marked failed when attempts run out.
 */
import { randomUUID } from 'node:crypto';
import { Api, GrammyError, HttpError } from 'grammy';
import { DelayedError, Worker, type Job } from 'bullmq';
import { and, eq, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Database } from '../db/client.js';
import { outbox, telegramAccounts } from '../db/schema.js';
import { safeError, type Logger } from '../logger.js';
import { messagesSent, telegram429 } from '../metrics.js';
import { OUTGOING_QUEUE, type OutgoingJob } from './queues.js';
import { cancelIfNotEntitled } from './entitlement.js';
import { holdRow, untilWritten, type SendLeaseOptions } from './send-lease.js';
import { inFlightTuner } from './in-flight.js';

export interface SenderOptions {
  database: Database;
  connection: Redis;
  prefix: string;
  api: Api;
  log: Logger;
  /** messages per second overall */
  ratePerSecond?: number;
  concurrency?: number;
  /** min ms between two messages to one private chat */
  perChatIntervalMs?: number;
  /** min ms between two messages to one group (Telegram: 20 per minute) */
  perGroupIntervalMs?: number;
  /** Postgres lease on a row being sent (s; default 10): how soon a dead sender's rows come back */
  leaseSeconds?: number;
  /** Redis in-flight key TTL (ms; default 5000), renewed every third of it */
  inflightMs?: number;
  /** added to the 1 s a request stays in the send gate's window after its answer (ms; default 5) */
  sendGateMarginMs?: number;
  /**
   * The other bots of a fleet (core/telegram/fleet.ts), by bot id: a row of a school served by one
   * of them (or a row naming its bot) goes out through it, under a rate gate, 429 pause and
   * per-chat spacing of its own; everything else through `api` as before.
   */
  fleet?: ReadonlyMap<number, Api>;
  /**
   * Messages per second of paid broadcast (allow_paid_broadcast rows; Telegram: up to 1,000),
   * in a window of their own; unset (no Stars budget): paid rows share the bot's ordinary gate.
   */
  paidRatePerSecond?: number;
  /**
   * With paidRatePerSecond: while paid rows go out, the jobs in flight follow the paid rate ×
   * the time a paid job takes (in-flight.ts), between `concurrency` and this (default: concurrency,
   * i.e. fixed). In flight × latency would otherwise bound the paid rate.
   */
  maxConcurrency?: number;
  /** the bot serving a school (schools.bot_id), null for the default bot */
  botOfSchool?: (schoolId: number) => Promise<number | null>;
  /**
   * Turns references in a payload into uploads (files kept in Postgres are not copied into the
   * outbox) and hears Telegram's answer, so a capability can keep the file_id for next time.
   */
  resolvePayload?: PayloadResolver;
}

export type PayloadResolver = (
  method: string,
  payload: Record<string, unknown>,
) => Promise<{ payload: Record<string, unknown>; onSent?: (result: unknown) => Promise<void> } | null>;

/** Several capabilities' resolvers as one: the first that recognises the payload answers. */
export function composeResolvers(...resolvers: PayloadResolver[]): PayloadResolver {
  return async (method, payload) => {
    for (const resolve of resolvers) {
      const resolved = await resolve(method, payload);
      if (resolved) return resolved;
    }
    return null;
  };
}

/** 0 when a request may start now (and records it), else ms to wait. KEYS: window zset, 429 pause key. */
const SEND_GATE = `
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return pause end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

/** A request's entry in the window moves to the moment its answer came. KEYS: window zset. ARGV: member, window ms. */
const SEND_GATE_ANSWERED = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now, ARGV[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

export type SendOutcome = 'sent' | 'skipped' | 'unreachable' | 'failed';

/** How soon a row that waits for an earlier one to its chat asks again (ms) */
const EARLIER_FIRST_MS = 200;

export function startSender(opts: SenderOptions): Worker<OutgoingJob, SendOutcome> {
  const { database, api, log, connection, prefix } = opts;
  const { db } = database;
  const perChat = opts.perChatIntervalMs ?? 1000;
  const perGroup = opts.perGroupIntervalMs ?? 3000;
  const lease = opts.leaseSeconds ?? 10;
  const leaseOpts: SendLeaseOptions = { database, connection, prefix, leaseSeconds: lease, inflightMs: opts.inflightMs ?? 5000 };
  const rate = opts.ratePerSecond ?? 30;
  const gateWindowMs = 1000 + (opts.sendGateMarginMs ?? 5);
  const gateKey = `${prefix}:sendgate`;
  const pauseKey = `${prefix}:sendgate:pause`;
  const fleet = opts.fleet ?? new Map<number, Api>();
  // Each bot of a fleet has its own window and pause (Telegram counts per bot); the default
  // bot keeps the keys it always had.
  const gateOf = (botId: number | null) => (botId === null ? { gate: gateKey, pause: pauseKey } : { gate: `${gateKey}:${botId}`, pause: `${pauseKey}:${botId}` });
  const paidRate = opts.paidRatePerSecond ?? 0;
  const baseConcurrency = opts.concurrency ?? 8;
  const tuner =
    paidRate > 0 && (opts.maxConcurrency ?? 0) > baseConcurrency ? inFlightTuner({ ratePerSecond: paidRate, base: baseConcurrency, max: opts.maxConcurrency! }) : null;
  /** Through the rate gate; returns the member written and how long it waited (ms). */
  const throughGate = async (id: number, keys: { gate: string; pause: string; rate?: number }) => {
    const member = `${id}:${randomUUID()}`;
    let waited = 0;
    for (;;) {
      const wait = Number(await connection.eval(SEND_GATE, 2, keys.gate, keys.pause, gateWindowMs, keys.rate ?? rate, member));
      if (wait <= 0) return { member, waited };
      waited += wait;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  const runAt = (concurrency: number) => {
    if (worker.concurrency !== concurrency) worker.concurrency = concurrency;
  };

  const worker: Worker<OutgoingJob, SendOutcome> = new Worker<OutgoingJob, SendOutcome>(
    OUTGOING_QUEUE,
    async (job: Job<OutgoingJob>, token?: string) => {
      const startedAt = performance.now();
      if (tuner) runAt(tuner.current(Date.now()));
      const id = job.data.outboxId;
      const [row] = await db
        .update(outbox)
        .set({ lockedUntil: sql`now() + make_interval(secs => ${lease})`, attempts: sql`${outbox.attempts} + 1` })
        .where(
          and(
            eq(outbox.id, id),
            eq(outbox.status, 'pending'),
            sql`(${outbox.lockedUntil} is null or ${outbox.lockedUntil} < now())`,
          ),
        )
        .returning();
      if (!row) {
        // Sent (or given up) already: done. Still pending under another worker's lease (a stalled
        // job re-run early): come back when the lease ends instead of completing, or the relay's
        // re-enqueue would find this job id taken for as long as Redis keeps completed jobs.
        const [other] = await db.select({ status: outbox.status, lockedUntil: outbox.lockedUntil }).from(outbox).where(eq(outbox.id, id));
        if (other?.status !== 'pending' || !other.lockedUntil) return 'skipped';
        await job.moveToDelayed(Math.max(Date.now() + 100, other.lockedUntil.getTime() + 100), token);
        throw new DelayedError();
      }

      // Another sender still holds Telegram's answer for this row (it could not write it yet).
      const held = await holdRow(leaseOpts, id);
      if (!held) {
        await job.moveToDelayed(Date.now() + 1000, token);
        throw new DelayedError();
      }
      try {
        return await sendRow(job, token, row, held, startedAt);
      } finally {
        await held.release();
      }
    },
    {
      connection,
      prefix,
      concurrency: baseConcurrency,
      // a ceiling for all bots together: each bot's own gate keeps it at its rate
      limiter: { max: rate * (1 + fleet.size) + paidRate, duration: 1000 },
      // Idle fetchers block on Redis at most this long (s): after a 429 pause or a per-chat delay
      // the queue resumes within a second instead of the default five.
      drainDelay: 1,
    },
  );

  async function sendRow(
    job: Job<OutgoingJob>,
    token: string | undefined,
    row: typeof outbox.$inferSelect,
    held: { release(): Promise<void> },
    startedAt: number,
  ): Promise<SendOutcome> {
      const id = row.id;
      /** The row goes back, its lease and this attempt undone, and the job asks again in `ms`. */
      const notYet = async (ms: number, lastError?: string): Promise<never> => {
        await db.update(outbox).set({ lockedUntil: null, attempts: sql`${outbox.attempts} - 1`, ...(lastError ? { lastError } : {}) }).where(eq(outbox.id, id));
        await held.release();
        await job.moveToDelayed(Date.now() + ms, token);
        throw new DelayedError();
      };
      // Which bot sends it: the row's own, else its school's, else the default bot.
      const botId = row.botId ?? (row.schoolId !== null && opts.botOfSchool ? await opts.botOfSchool(row.schoolId) : null);
      const botApi = botId === null ? api : fleet.get(botId);
      if (!botApi) {
        // The school's bot has no token in this process: another bot would reach people who never
        // started it (403, marked unreachable). Keep the row for a worker that has the token.
        log.error({ outboxId: id, botId }, 'no token for the bot of this row (BOT_TOKENS); kept pending');
        return notYet(60_000, `no token for bot ${botId}`);
      }
      // A paid broadcast row (budgeted when it was queued: paid-broadcast.ts) has a window of its
      // own at the paid rate; the bot's 429 pause still holds it.
      const paidRow = paidRate > 0 && row.payload.allow_paid_broadcast === true;
      const keys = paidRow ? { ...gateOf(botId), gate: `${gateOf(botId).gate}:paid`, rate: paidRate } : gateOf(botId);

      // Per-chat order: an earlier message to this chat that is due and still pending goes first
      // (jobs run side by side, and the one that reaches the spacing key first would win: a
      // report's document before its chart). Only rows due in the last two minutes hold others,
      // so one stuck row never holds a chat back for long.
      const earlier = await database.rows(
        sql`select 1 from outbox where chat_id = ${row.chatId} and id < ${id} and status = 'pending'
             and not_before <= now() and not_before > now() - interval '2 minutes' limit 1`,
      );
      if (earlier.length > 0) return notYet(EARLIER_FIRST_MS);
      // Per-chat spacing: a private chat takes ~1 message/s, a group 20/min (per bot: each bot has its own chat with a user).
      const gap = row.chatId < 0 ? perGroup : perChat;
      const free = await connection.set(botId === null ? `${prefix}:chatgap:${row.chatId}` : `${prefix}:chatgap:${botId}:${row.chatId}`, '1', 'PX', gap, 'NX');
      if (free === null) return notYet(gap);
      // After the spacing (a row delayed for its chat asks again only when it may go), before a
      // payload is drawn: is the recipient still entitled (unlinked or left since: entitlement.ts)?
      if (await cancelIfNotEntitled(db, row)) return 'skipped';

      let answered: { result: unknown } | null = null;
      try {
        const resolved = (await opts.resolvePayload?.(row.method, row.payload)) ?? null;
        const { member, waited } = await throughGate(id, keys);
        const result = (await botApi.raw[row.method as 'sendMessage']({
          ...(resolved?.payload ?? row.payload),
          chat_id: row.chatId,
        } as never).finally(() => connection.eval(SEND_GATE_ANSWERED, 1, keys.gate, member, gateWindowMs).catch(() => {}))) as unknown as { message_id?: number } | true;
        answered = { result };
        await markSent(id, result);
        // how long this paid job held its slot, the gate's wait aside: the in-flight count follows it
        if (tuner && paidRow) runAt(tuner.paidJobTook(performance.now() - startedAt - waited, Date.now()));
        if (resolved?.onSent) await resolved.onSent(result).catch((err: unknown) => log.warn({ outboxId: id, err: safeError(err) }, 'after-send hook failed (the message was sent)'));
        return 'sent';
      } catch (err) {
        // Telegram took it: whatever failed after that must not lead to a resend.
        if (answered) throw err;
        if (err instanceof GrammyError) {
          if (err.error_code === 429) {
            const retryAfter = Number(err.parameters.retry_after ?? 1);
            telegram429.inc();
            await db.update(outbox).set({ lockedUntil: null, lastError: '429' }).where(eq(outbox.id, id));
            await connection.set(keys.pause, '1', 'PX', retryAfter * 1000);
            if (botId !== null) {
              // One bot of the fleet is told to wait: only its rows wait (its gate is paused).
              log.warn({ outboxId: id, retryAfter, botId }, 'telegram 429: pausing this bot');
              await held.release();
              await job.moveToDelayed(Date.now() + retryAfter * 1000, token);
              throw new DelayedError();
            }
            log.warn({ outboxId: id, retryAfter }, 'telegram 429: pausing the outgoing queue');
            await worker.rateLimit(retryAfter * 1000);
            throw Worker.RateLimitError();
          }
          if (err.error_code === 403) {
            await db.transaction(async (tx) => {
              await tx
                .update(outbox)
                .set({ status: 'unreachable', lockedUntil: null, lastError: err.description })
                .where(eq(outbox.id, id));
              await tx
                .update(telegramAccounts)
                .set({ unreachableAt: sql`now()` })
                .where(eq(telegramAccounts.telegramUserId, row.chatId));
            });
            log.info({ outboxId: id, chatId: row.chatId }, 'recipient unreachable (403)');
            return 'unreachable';
          }
          if (err.error_code === 400) {
            await db
              .update(outbox)
              .set({ status: 'failed', lockedUntil: null, lastError: err.description })
              .where(eq(outbox.id, id));
            log.warn({ outboxId: id, error: err.description }, 'telegram rejected the message (400)');
            return 'failed';
          }
        }
        // Transient: network error, 5xx, anything else. Release the lease and let BullMQ retry.
        const message = err instanceof HttpError ? `network: ${err.message}` : String((err as Error).message ?? err);
        const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        await db
          .update(outbox)
          .set({ lockedUntil: null, lastError: message.slice(0, 500), ...(lastTry ? { status: 'failed' as const } : {}) })
          .where(eq(outbox.id, id));
        throw err;
      }
  }

  /** Telegram's answer, written down before anything else: retried until Postgres takes it. */
  async function markSent(id: number, result: unknown): Promise<void> {
    const messageId = typeof result === 'object' && result && 'message_id' in result ? Number((result as { message_id: number }).message_id) : null;
    await untilWritten(
      () =>
        db
          .update(outbox)
          .set({ status: 'sent', sentAt: sql`now()`, telegramMessageId: messageId, lockedUntil: null, lastError: null })
          .where(eq(outbox.id, id)),
      {
        onRetry: (err, attempt) => {
          if (attempt === 1 || attempt % 20 === 0) log.warn({ outboxId: id, attempt, err: safeError(err) }, 'sent, but the row cannot be marked yet; retrying');
        },
      },
    );
  }
  worker.on('error', (err) => log.error({ err: safeError(err) }, 'sender worker error'));
  worker.on('completed', (_job, outcome) => messagesSent.inc({ outcome }));
  worker.on('failed', () => messagesSent.inc({ outcome: 'retry' }));
  return worker;
}
