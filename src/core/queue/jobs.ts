/**
 * A way for the bot to hand work to the worker without knowing the worker's code: add a job to a
 * named queue. Capabilities own their queues and processors; the bot only needs this.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface JobAdder {
  add(queue: string, name: string, data: unknown, jobId?: string): Promise<void>;
  close(): Promise<void>;
}

export function createJobAdder(connection: Redis, prefix: string): JobAdder {
  const queues = new Map<string, Queue>();
  return {
    async add(queueName, name, data, jobId) {
      let queue = queues.get(queueName);
      if (!queue) {
        queue = new Queue(queueName, { connection, prefix });
        queues.set(queueName, queue);
      }
      // A job id per request: a double tap or a retried update makes one job.
      await queue.add(name, data, { ...(jobId ? { jobId: jobId.replaceAll(':', '-') } : {}), removeOnComplete: { age: 300 }, removeOnFail: 100 });
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
