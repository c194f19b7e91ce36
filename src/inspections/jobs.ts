/**
 * Inspections' worker queue: per school, a daily job scheduler (07:30, school time) that reminds
 * the office of every task still open, once a day per person, until each is closed.
 */
import type { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../core/db/client.js';
import { schools } from '../core/db/schema.js';
import type { QueueSpec } from '../core/capability.js';
import { rowId } from '../core/queue/payloads.js';
import { remindTasks } from './service.js';

const inspectionsJob = z.discriminatedUnion('kind', [z.object({ kind: z.literal('remind'), schoolId: rowId })]);
export type InspectionsJob = z.infer<typeof inspectionsJob>;

export async function syncInspectionSchedules(db: Db, queue: Queue<InspectionsJob>, schoolId?: number): Promise<number> {
  const list = await db.select({ id: schools.id, timezone: schools.timezone }).from(schools).where(schoolId === undefined ? undefined : eq(schools.id, schoolId));
  for (const school of list) {
    await queue.upsertJobScheduler(`inspections-remind-${school.id}`, { pattern: '30 7 * * *', tz: school.timezone }, { name: 'remind', data: { kind: 'remind', schoolId: school.id }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
  return list.length;
}

export const inspectionsQueue: QueueSpec<InspectionsJob> = {
  name: 'inspections',
  payload: inspectionsJob,
  concurrency: 1,
  schedule: (queue, db, schoolId) => syncInspectionSchedules(db, queue, schoolId),
  run: (job, ctx) => remindTasks(ctx.database.db, job.schoolId, ctx.now(), ctx.notifier),
};
