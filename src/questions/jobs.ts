/**
 * Scheduled question work in the worker: every ten minutes, open questions past their school's
 * answer time go to the principal. One scheduler for all schools (each thread carries its own due
 * time, computed in its school's time zone when it reached the teacher).
 */
import type { Queue } from 'bullmq';
import type { Database } from '../core/db/client.js';
import type { Notifier } from '../core/i18n/index.js';
import type { Now } from '../core/clock.js';
import { startScheduledWorker, type JobDeps, type ScheduledWorker } from '../core/queue/scheduled.js';
import { escalateOverdue } from './service.js';

export const QUESTIONS_QUEUE = 'questions';

export type QuestionJob = { kind: 'escalate' };

export async function syncQuestionSchedules(queue: Queue<QuestionJob>): Promise<number> {
  await queue.upsertJobScheduler(
    'questions-escalate',
    { pattern: '*/10 * * * *', tz: 'Asia/Phnom_Penh' },
    { name: 'escalate', data: { kind: 'escalate' }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
  );
  return 1;
}

export async function runQuestionJob(database: Database, job: QuestionJob, notifier: Notifier, now: Now): Promise<unknown> {
  switch (job.kind) {
    case 'escalate':
      return escalateOverdue(database.db, now(), notifier);
  }
}

export type QuestionJobs = ScheduledWorker<QuestionJob>;

export async function startQuestionJobs(opts: JobDeps): Promise<QuestionJobs> {
  return startScheduledWorker<QuestionJob>({
    ...opts,
    name: QUESTIONS_QUEUE,
    concurrency: 1,
    sync: (queue) => syncQuestionSchedules(queue),
    run: (job) => runQuestionJob(opts.database, job, opts.notifier, opts.now),
  });
}
