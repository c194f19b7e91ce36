/**
 * A capability's worker queue: its job schedulers synced at start and every hour (schools added
 * or re-timed while the worker runs), a worker that runs its jobs and then wakes the outbox
 * relay (jobs write messages), and an orderly close.
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { safeError, type Logger } from '../logger.js';
import type { JobContext, QueueSpec } from '../capability.js';
import { jobSeconds } from '../metrics.js';
import { payloadProblems } from './jobs.js';
import { markPromiseDone } from './promised.js';

/** What a capability's scheduled jobs are given by the worker process. */
export type JobDeps = JobContext;

export interface ScheduledWorker<J> {
  queue: Queue<J>;
  worker: Worker<J>;
  /** creates the queue's schedulers again (Redis lost them); returns how many */
  resync(): Promise<number>;
  close(): Promise<void>;
}

export async function startScheduledWorker<J>(opts: {
  name: string;
  connection: Redis;
  prefix: string;
  log: Logger;
  concurrency: number;
  /** creates or updates the queue's job schedulers; returns how many */
  sync(queue: Queue<J>): Promise<number>;
  run(job: J): Promise<unknown>;
  onOutbox?: () => void;
  /** a job ran to its end (promised jobs are marked done here) */
  onDone?: (jobId: string) => Promise<void>;
}): Promise<ScheduledWorker<J>> {
  const queue = new Queue<J>(opts.name, { connection: opts.connection, prefix: opts.prefix });
  opts.log.info({ schedulers: await opts.sync(queue) }, `${opts.name} schedules synced`);
  const worker = new Worker<J>(
    opts.name,
    async (job: Job<J>) => {
      const end = jobSeconds.startTimer({ queue: opts.name });
      try {
        const result = await opts.run(job.data);
        end({ result: 'done' });
        opts.onOutbox?.();
        if (job.id && opts.onDone) await opts.onDone(job.id);
        return result;
      } catch (err) {
        end({ result: 'failed' });
        throw err;
      }
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency },
  );
  worker.on('error', (err) => opts.log.error({ err: safeError(err) }, `${opts.name} worker error`));
  const resync = setInterval(() => {
    opts.sync(queue).catch((err) => opts.log.error({ err: safeError(err) }, `${opts.name} schedule sync failed`));
  }, 3_600_000);
  resync.unref();
  return {
    queue,
    worker,
    resync: () => opts.sync(queue),
    async close() {
      clearInterval(resync);
      await worker.close();
      await queue.close();
    },
  };
}

/**
 * Starts one capability queue in the worker: `prepare`, then its schedulers and its worker. A job
 * whose data does not match the queue's schema fails at once (no retries) with its problems.
 */
export async function startQueueWorker<J>(spec: QueueSpec<J>, ctx: JobContext): Promise<ScheduledWorker<J>> {
  const log = ctx.log.child({ queue: spec.name });
  await spec.prepare?.({ ...ctx, log });
  let queueRef: Queue<J> | undefined;
  return startScheduledWorker<J>({
    name: spec.name,
    connection: ctx.connection,
    prefix: ctx.prefix,
    log,
    concurrency: spec.concurrency,
    onOutbox: ctx.onOutbox,
    onDone: (jobId) => markPromiseDone(ctx.database.db, jobId),
    sync: async (queue) => {
      queueRef = queue;
      return spec.schedule ? spec.schedule(queue, ctx.database.db) : 0;
    },
    run: async (data) => {
      const parsed = spec.payload.safeParse(data);
      if (!parsed.success) {
        const problems = payloadProblems(spec, data);
        log.error({ problems }, 'job refused: its data does not match the queue schema');
        throw new UnrecoverableError(problems.join('; '));
      }
      return spec.run(parsed.data, { ...ctx, log, queue: queueRef! });
    },
  });
}

/**
 * Runs `fn` on a capability's queue from outside the worker (the CLI changed a school's times, so
 * its schedulers follow at once). False when Redis cannot be reached: the worker re-syncs at its
 * next start or within the hour anyway.
 */
export async function withQueueOutsideWorker<J>(redisUrl: string, prefix: string, name: string, fn: (queue: Queue<J>) => Promise<unknown>): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: true });
  try {
    await connection.connect();
    const queue = new Queue<J>(name, { connection, prefix });
    await fn(queue);
    await queue.close();
    return true;
  } catch {
    return false;
  } finally {
    connection.disconnect();
  }
}
