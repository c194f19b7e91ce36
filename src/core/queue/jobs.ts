/**
 * A way for the bot to hand work to the worker without knowing the worker's code: add a job to a
 * capability's queue. The queue's spec (core/capability.ts) is the one description both sides
 * use: its payload schema is checked here, before anything reaches Redis, and again when the
 * worker takes the job.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueSpec } from '../capability.js';
import type { Db } from '../db/client.js';
import { PROMISED_JOB_OPTIONS, recordPromise } from './promised.js';

export interface JobAdder {
  add(queue: string, name: string, data: unknown, jobId?: string): Promise<void>;
  close(): Promise<void>;
}

/** The problems of a job's data against its queue's schema, one line each; empty when valid. */
export function payloadProblems(spec: Pick<QueueSpec, 'name' | 'payload'>, data: unknown): string[] {
  const r = spec.payload.safeParse(data);
  return r.success ? [] : r.error.issues.map((i) => `${spec.name}: ${i.path.join('.') || 'job'}: ${i.message}`);
}

export class JobPayloadError extends Error {
  constructor(readonly problems: string[]) {
    super(`job payload not valid: ${problems.join('; ')}`);
  }
}

/**
 * Adds a job to a capability's queue, named after its `kind`. A job id per request makes a double
 * tap or a retried update one job.
 */
export async function addJob<J extends { kind: string }>(jobs: Pick<JobAdder, 'add'>, spec: QueueSpec<J>, data: J, jobId?: string): Promise<void> {
  const problems = payloadProblems(spec, data);
  if (problems.length > 0) throw new JobPayloadError(problems);
  await jobs.add(spec.name, data.kind, data, jobId);
}

export interface JobAdderOptions {
  /** the queue names of the capability list; a job for any other queue is refused */
  known?: readonly string[];
  /**
   * With a database, every job is a promise kept in Postgres first (core/queue/promised.ts): when
   * Redis cannot take it now (down, or slower than `redisTimeoutMs`) the add still succeeds and
   * the worker's sweep adds it once Redis is back.
   */
  db?: Db;
  redisTimeoutMs?: number;
}

export function createJobAdder(connection: Redis, prefix: string, knownOrOptions?: readonly string[] | JobAdderOptions): JobAdder {
  const opts: JobAdderOptions = Array.isArray(knownOrOptions) ? { known: knownOrOptions } : ((knownOrOptions as JobAdderOptions | undefined) ?? {});
  const { known, db } = opts;
  const queues = new Map<string, Queue>();
  return {
    async add(queueName, name, data, jobId) {
      if (known && !known.includes(queueName)) throw new Error(`no capability has a queue named "${queueName}"`);
      let queue = queues.get(queueName);
      if (!queue) {
        queue = new Queue(queueName, { connection, prefix });
        queues.set(queueName, queue);
      }
      const id = (jobId ?? (db ? randomUUID() : '')).replaceAll(':', '-');
      if (!db) {
        await queue.add(name, data, { ...(id ? { jobId: id } : {}), ...PROMISED_JOB_OPTIONS });
        return;
      }
      // The promise first: the job may run (and mark it done) as soon as Redis has it.
      await recordPromise(db, { jobId: id, queue: queueName, name, data });
      const adding = queue.add(name, data, { jobId: id, ...PROMISED_JOB_OPTIONS });
      // Kept in Postgres: Redis taking it late (or never: the sweep re-adds it) loses nothing.
      adding.catch(() => {});
      await Promise.race([adding, new Promise((resolve) => setTimeout(resolve, opts.redisTimeoutMs ?? 1500).unref())]);
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
