/**
 * The webhook queue and its relay. The relay (a worker part, every second) hands due deliveries
 * to BullMQ: new ones, and ones whose job Redis lost (still pending a minute after they were
 * due); job id = delivery and attempt, so adding one twice is harmless. A failed attempt adds its
 * next attempt itself, as a delayed job, and records when it is due in Postgres.
 */
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import type { JobContext, QueueSpec, WorkerPart } from '../core/capability.js';
import type { Database } from '../core/db/client.js';
import { safeError } from '../core/logger.js';
import { rowId } from '../core/queue/payloads.js';
import { deliverOne, deliverySettings } from './deliver.js';
import { webhookSecretKey } from './secret.js';

export const WEBHOOK_QUEUE = 'webhooks';

const payload = z.object({ kind: z.literal('deliver'), deliveryId: rowId });
export type WebhookJob = z.infer<typeof payload>;

export const deliveryJobId = (id: number, attempts: number) => `wh-${id}-${attempts}`;

export const webhookQueue: QueueSpec<WebhookJob> = {
  name: WEBHOOK_QUEUE,
  payload,
  concurrency: 8,
  async run(job, ctx) {
    // the key comes from the worker's configuration, as the records key does (RECORDS_KEY, else BOT_TOKEN)
    if (!ctx.config) throw new Error('webhook deliveries need the configuration: its RECORDS_KEY (or BOT_TOKEN) opens their secrets');
    const r = await deliverOne({ database: ctx.database, log: ctx.log, notifier: ctx.notifier, settings: deliverySettings(ctx.config), secretKey: webhookSecretKey(ctx.config) }, job.deliveryId);
    if (r.outcome === 'retry') {
      await ctx.queue.add('deliver', { kind: 'deliver', deliveryId: job.deliveryId }, { jobId: deliveryJobId(job.deliveryId, r.attempts), delay: r.inMs, removeOnComplete: { age: 3600 }, removeOnFail: 1000 });
    }
    return r.outcome;
  },
};

const LOG_BATCH = 5000;

/**
 * Prunes the delivery log: finished deliveries older than `days` go (pending ones never), in
 * batches so a big backlog never holds one long lock. Returns how many.
 */
export async function pruneDeliveryLog(database: Database, days: number): Promise<number> {
  let total = 0;
  for (;;) {
    const gone = await database.rows<{ id: number }>(sql`
      delete from webhook_deliveries where id in (
        select id from webhook_deliveries
         where status <> 'pending' and created_at < now() - make_interval(days => ${days})
         limit ${LOG_BATCH} for update skip locked)
      returning id`);
    total += gone.length;
    if (gone.length < LOG_BATCH) return total;
  }
}

const logPayload = z.object({ kind: z.literal('prune-log') });

/** Daily, deployment-wide (not per school): the delivery log keeps WEBHOOKS_LOG_DAYS. */
export const webhookLogQueue: QueueSpec<z.infer<typeof logPayload>> = {
  name: 'webhooks-log',
  payload: logPayload,
  concurrency: 1,
  schedule: async (queue, _db, schoolId) => {
    if (schoolId !== undefined) return 0;
    await queue.upsertJobScheduler('prune-log', { pattern: '45 2 * * *', tz: 'Asia/Phnom_Penh' }, { name: 'prune-log', data: { kind: 'prune-log' } });
    return 1;
  },
  run: async (_job, ctx) => {
    const pruned = await pruneDeliveryLog(ctx.database, ctx.config?.WEBHOOKS_LOG_DAYS ?? 90);
    ctx.log.info({ pruned }, 'webhook delivery log pruned');
    return { pruned };
  },
};

/** One relay pass; returns how many deliveries were handed to the queue. */
export async function relayDeliveries(database: Database, queue: Pick<Queue<WebhookJob>, 'addBulk'>, batch = 500): Promise<number> {
  return database.db.transaction(async (tx) => {
    const due = await database.rows<{ id: number; attempts: number }>(
      sql`select d.id, d.attempts from webhook_deliveries d join webhooks w on w.id = d.webhook_id and w.active
           where d.status = 'pending' and d.next_attempt_at <= now()
             and (d.locked_until is null or d.locked_until < now())
             and (d.enqueued_at is null or (d.next_attempt_at < now() - interval '60 seconds' and d.enqueued_at < now() - interval '60 seconds'))
           order by d.next_attempt_at limit ${batch} for update of d skip locked`,
      tx,
    );
    if (due.length === 0) return 0;
    await queue.addBulk(due.map((d) => ({ name: 'deliver', data: { kind: 'deliver' as const, deliveryId: Number(d.id) }, opts: { jobId: deliveryJobId(Number(d.id), Number(d.attempts)), removeOnComplete: { age: 3600 }, removeOnFail: 1000 } })));
    await tx.execute(sql`update webhook_deliveries set enqueued_at = now() where id in ${sql.raw(`(${due.map((d) => Number(d.id)).join(',')})`)}`);
    return due.length;
  });
}

/** The relay as a part of the worker process. */
export function webhookRelay(ctx: JobContext & { queue: Pick<Queue<WebhookJob>, 'addBulk'>; intervalMs?: number }): WorkerPart {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = relayDeliveries(ctx.database, ctx.queue)
      .catch((err) => ctx.log.error({ err: safeError(err) }, 'webhook relay failed; will retry'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, ctx.intervalMs ?? 1000);
      });
  };
  let timer: NodeJS.Timeout = setTimeout(tick, 0);
  return {
    async close() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
