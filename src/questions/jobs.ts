/**
 * Scheduled question work in the worker: every ten minutes, open questions past their school's
 * answer time go to the principal. One scheduler for all schools (each thread carries its own due
 * time, computed in its school's time zone when it reached the teacher).
 */
import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { Database } from '../core/db/client.js';
import type { Notifier } from '../core/i18n/index.js';
import type { Now } from '../core/clock.js';
import type { QueueSpec } from '../core/capability.js';
import { escalateOverdue } from './service-escalation.js';

export const QUESTIONS_QUEUE = 'questions';

const questionJob = z.object({ kind: z.literal('escalate') });
export type QuestionJob = z.infer<typeof questionJob>;

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

export const questionsQueue: QueueSpec<QuestionJob> = {
  name: QUESTIONS_QUEUE,
  payload: questionJob,
  concurrency: 1,
  schedule: (queue) => syncQuestionSchedules(queue),
  run: (job, ctx) => runQuestionJob(ctx.database, job, ctx.notifier, ctx.now),
};
