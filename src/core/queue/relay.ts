/**
 * Moves due outbox rows onto the outgoing queue. Safe to run in several processes (rows are
 * claimed with SKIP LOCKED) and safe to repeat (job id = row id). A row still pending long after
 * it was enqueued is enqueued again: that is how nothing is lost when Redis loses its data. A row
 * whose sender lease lapsed (the sender died mid-request: live senders renew it) is enqueued again
 * at once under a fresh job id, since the dead sender's job still holds the old one.
 */
import { inArray, sql } from 'drizzle-orm';
import { outbox } from '../db/schema.js';
import type { Queue } from 'bullmq';
import type { Database } from '../db/client.js';
import { safeError, type Logger } from '../logger.js';
import { outgoingJobId, type OutgoingJob } from './queues.js';

export interface RelayOptions {
  batchSize?: number;
  /** re-enqueue pending rows whose job may have been lost after this long */
  requeueAfterSeconds?: number;
}

export async function relayOnce(database: Database, queue: Queue<OutgoingJob>, opts: RelayOptions = {}): Promise<number> {
  const batchSize = opts.batchSize ?? 500;
  const requeueAfter = opts.requeueAfterSeconds ?? 300;
  return database.db.transaction(async (tx) => {
    const due = await database.rows<{ id: number; priority: number; created: string; attempts: number; lapsed: boolean }>(
      sql`select id, priority, floor(extract(epoch from created_at) * 1000)::bigint::text as created, attempts,
                 (locked_until is not null and locked_until < now()) as lapsed
          from outbox
          where status = 'pending' and not_before <= now()
            and (enqueued_at is null or enqueued_at < now() - make_interval(secs => ${requeueAfter})
                 or (locked_until < now() and enqueued_at < locked_until))
          order by priority, id
          limit ${batchSize}
          for update skip locked`,
      tx,
    );
    if (due.length === 0) return 0;
    await queue.addBulk(
      due.map((r) => ({
        name: 'send',
        data: { outboxId: Number(r.id) },
        opts: {
          jobId: r.lapsed ? `${outgoingJobId(Number(r.id), r.created)}-a${r.attempts}` : outgoingJobId(Number(r.id), r.created),
          // A lapsed row was already being sent: it goes before the rows still waiting.
          priority: r.lapsed ? 1 : Math.max(1, Number(r.priority)),
        },
      })),
    );
    const ids = due.map((r) => Number(r.id));
    await tx.update(outbox).set({ enqueuedAt: sql`now()` }).where(inArray(outbox.id, ids));
    return due.length;
  });
}

/**
 * Redis lost its data (restart, failover, flush): every pending row's job is gone with it, so all
 * of them are due again now, not after `requeueAfterSeconds`.
 */
export async function requeueAllPending(database: Database): Promise<number> {
  const rows = await database.rows<{ n: number }>(
    sql`with r as (update outbox set enqueued_at = null where status = 'pending' and enqueued_at is not null returning 1) select count(*)::int as n from r`,
  );
  return Number(rows[0]?.n ?? 0);
}

export interface Relay {
  /** run now instead of waiting for the next tick (called after a commit that wrote outbox rows) */
  kick(): void;
  stop(): Promise<void>;
}

export function startRelay(
  database: Database,
  queue: Queue<OutgoingJob>,
  log: Logger,
  opts: RelayOptions & { intervalMs?: number } = {},
): Relay {
  const interval = opts.intervalMs ?? 250;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  const tick = async () => {
    try {
      // drain: keep going while full batches come back
      while (!stopped && (await relayOnce(database, queue, opts)) >= (opts.batchSize ?? 500));
    } catch (err) {
      log.error({ err: safeError(err) }, 'outbox relay failed; will retry');
    }
  };
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = tick().finally(() => {
      running = null;
      if (again) {
        again = false;
        run();
      } else schedule();
    });
  };
  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, interval);
  };
  run();
  return {
    kick: () => run(),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
