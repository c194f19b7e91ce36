/**
 * Announcement work in the worker: the delivery report. A job scheduler runs the check every
 * minute (so a report survives any crash or restart), and the sender's completed messages nudge
 * an earlier check, at most one every few seconds, so authors hear back soon after the last
 * message went. Both are safe to repeat: finishAnnouncements writes each report once.
 */
import { safeError } from '../core/logger.js';
import { startScheduledWorker, type JobDeps, type ScheduledWorker } from '../core/queue/scheduled.js';
import { finishAnnouncements } from './service.js';

export const ANNOUNCEMENTS_QUEUE = 'announcements';

export type AnnouncementJob = { kind: 'finish' };

export interface AnnouncementJobs extends ScheduledWorker<AnnouncementJob> {
  /** something was sent: look for finished announcements soon (debounced) */
  nudge(): void;
}

export async function startAnnouncementJobs(opts: JobDeps & { nudgeDelayMs?: number }): Promise<AnnouncementJobs> {
  const finish = async () => {
    const n = await finishAnnouncements(opts.database, opts.notifier);
    if (n > 0) opts.onOutbox?.();
    return { reported: n };
  };
  const jobs = await startScheduledWorker<AnnouncementJob>({
    ...opts,
    name: ANNOUNCEMENTS_QUEUE,
    concurrency: 1,
    sync: async (queue) => {
      await queue.upsertJobScheduler('announcements-finish', { every: 60_000 }, { name: 'finish', data: { kind: 'finish' }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
      return 1;
    },
    run: () => finish(),
  });
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let again = false;
  let closed = false;
  let current: Promise<unknown> | null = null;
  const delay = opts.nudgeDelayMs ?? 3000;
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
      current = finish()
        .catch((err) => opts.log.error({ err: safeError(err) }, 'announcement report check failed'))
        .finally(() => {
          running = false;
          if (again) {
            again = false;
            nudge();
          }
        });
    }, delay);
    timer.unref();
  };
  return {
    ...jobs,
    nudge,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await current;
      await jobs.close();
    },
  };
}
