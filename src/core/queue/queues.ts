/**
 * The BullMQ queues. One outgoing-message queue carries every message the bot sends on its own
 * initiative; job id = outbox row id, so the relay can re-add a row safely.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const OUTGOING_QUEUE = 'outgoing';

export interface OutgoingJob {
  outboxId: number;
}

/**
 * The row id makes re-enqueueing a row harmless; the row's creation time keeps a restored or
 * recreated database (ids start again) from colliding with finished jobs Redis still remembers.
 * BullMQ job ids may not contain ':'.
 */
export function outgoingJobId(outboxId: number, createdMs: string | number): string {
  return `ob-${outboxId}-${createdMs}`;
}

export function createOutgoingQueue(connection: Redis, prefix: string): Queue<OutgoingJob> {
  return new Queue<OutgoingJob>(OUTGOING_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}
