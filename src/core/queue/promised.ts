/**
 * Promised jobs: a job the bot added for a user (a report, cards, an export) is first written to
 * Postgres (promised_jobs), then to its queue; the worker marks it done. Redis may lose the job
 * (restart, flush, or it was down when the job was added): `repromise` adds every undone job to
 * its queue again under the same job id, so a job Redis still has is not added twice.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { promisedJobs } from '../db/schema.js';

export const PROMISED_JOB_OPTIONS = { removeOnComplete: { age: 300 }, removeOnFail: 100 } as const;

export async function recordPromise(db: Db, job: { jobId: string; queue: string; name: string; data: unknown }): Promise<void> {
  await db
    .insert(promisedJobs)
    .values({ jobId: job.jobId, queue: job.queue, name: job.name, data: job.data as object })
    .onConflictDoNothing({ target: promisedJobs.jobId });
}

/** Called by the worker when a job ran to its end (a job not promised changes nothing). */
export async function markPromiseDone(db: Db, jobId: string): Promise<void> {
  await db.update(promisedJobs).set({ doneAt: sql`now()` }).where(and(eq(promisedJobs.jobId, jobId), isNull(promisedJobs.doneAt)));
}

/**
 * Adds undone promised jobs older than `olderThanSeconds` (0: all) back to their queues; with
 * `onlyMissing`, only those Redis no longer has. Jobs older than a day are let go (the user has
 * long asked again). Returns how many were added.
 */
export async function repromise(
  db: Db,
  connection: Redis,
  prefix: string,
  opts: { olderThanSeconds?: number; onlyMissing?: boolean; known?: readonly string[] } = {},
): Promise<number> {
  const rows = await db
    .select()
    .from(promisedJobs)
    .where(
      and(
        isNull(promisedJobs.doneAt),
        lt(promisedJobs.createdAt, sql`now() - make_interval(secs => ${opts.olderThanSeconds ?? 0})`),
        sql`${promisedJobs.createdAt} > now() - interval '1 day'`,
      ),
    )
    .limit(1000);
  const queues = new Map<string, Queue>();
  let added = 0;
  try {
    for (const r of rows) {
      if (opts.known && !opts.known.includes(r.queue)) continue;
      let queue = queues.get(r.queue);
      if (!queue) {
        queue = new Queue(r.queue, { connection, prefix });
        queues.set(r.queue, queue);
      }
      if (opts.onlyMissing && (await queue.getJob(r.jobId))) continue;
      await queue.add(r.name, r.data, { jobId: r.jobId, ...PROMISED_JOB_OPTIONS });
      added++;
    }
  } finally {
    await Promise.all([...queues.values()].map((q) => q.close()));
  }
  return added;
}
