/**
 * Webhooks per API token: the ministry's systems hear of changes (attendance submitted, a school
 * adopting the system, records signed) as signed POSTs, retried with backoff, with a delivery log.
 * Events are written by the capabilities that make the changes (events.ts, in their transaction).
 */
import { Queue } from 'bullmq';
import type { Capability } from '../core/capability.js';
import { webhooksCli } from './cli.js';
import { WEBHOOK_QUEUE, webhookLogQueue, webhookQueue, webhookRelay, type WebhookJob } from './jobs.js';

export const webhooksCapability: Capability = {
  id: 'webhooks',
  queues: [webhookQueue, webhookLogQueue],
  worker(ctx) {
    const queue = new Queue<WebhookJob>(WEBHOOK_QUEUE, { connection: ctx.connection, prefix: ctx.prefix });
    const relay = webhookRelay({ ...ctx, queue });
    return {
      async close() {
        await relay.close!();
        await queue.close();
      },
    };
  },
  cli: webhooksCli,
};
