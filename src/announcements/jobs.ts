/**
 * Announcement work in the worker: the delivery report. A job scheduler runs the check every
 * minute (so a report survives any crash or restart), and the sender's completed messages nudge
 * an earlier check, at most one every few seconds, so authors hear back soon after the last
 * message went. Both are safe to repeat: finishAnnouncements writes each report once.
 */
import { z } from 'zod';
import { safeError } from '../core/logger.js';
import type { JobContext, QueueSpec, WorkerPart } from '../core/capability.js';
import { startQueueWorker, type ScheduledWorker } from '../core/queue/scheduled.js';
import { finishAnnouncements } from './service-report.js';

export const ANNOUNCEMENTS_QUEUE = 'announcements';

const announcementJob = z.object({ kind: z.literal('finish') });
export type AnnouncementJob = z.infer<typeof announcementJob>;

async function finish(ctx: JobContext): Promise<{ reported: number }> {
  const n = await finishAnnouncements(ctx.database, ctx.notifier);
  if (n > 0) ctx.onOutbox?.();
  return { reported: n };
}

export const announcementsQueue: QueueSpec<AnnouncementJob> = {
  name: ANNOUNCEMENTS_QUEUE,
  payload: announcementJob,
  concurrency: 1,
  schedule: async (queue) => {
    await queue.upsertJobScheduler('announcements-finish', { every: 60_000 }, { name: 'finish', data: { kind: 'finish' }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    return 1;
  },
  run: (_job, ctx) => finish(ctx),
};

/** The sender's completed messages nudge a report check (debounced; one at a time). */
export function reportNudger(ctx: JobContext, delayMs = 3000): Required<WorkerPart> {
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let again = false;
  let closed = false;
  let current: Promise<unknown> | null = null;
  const nudge = () => {
    if (closed) return;
    // A nudge during a check is kept for after it: the last message may be what it reports on.
    if (running) {
      again = true;
      return;
    }
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      running = true;
      current = finish(ctx)
        .catch((err) => ctx.log.error({ err: safeError(err) }, 'announcement report check failed'))
        .finally(() => {
          running = false;
          if (again) {
            again = false;
            nudge();
          }
        });
    }, delayMs);
    timer.unref();
  };
  return {
    afterSend: nudge,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await current;
    },
  };
}

export interface AnnouncementJobs extends ScheduledWorker<AnnouncementJob> {
  /** something was sent: look for finished announcements soon (debounced) */
  nudge(): void;
}

/** The queue and the nudger together, as the worker runs them (tests start them alone). */
export async function startAnnouncementJobs(opts: JobContext & { nudgeDelayMs?: number }): Promise<AnnouncementJobs> {
  const jobs = await startQueueWorker(announcementsQueue, opts);
  const nudger = reportNudger(opts, opts.nudgeDelayMs);
  return {
    ...jobs,
    nudge: nudger.afterSend,
    async close() {
      await nudger.close();
      await jobs.close();
    },
  };
}
