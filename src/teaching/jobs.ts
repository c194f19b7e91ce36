/**
 * Teaching's worker queue. Per school, job schedulers in the school's time zone: the end of each
 * shift (lesson books), the evening reminder (and the week to close), and a morning check for the
 * first school day of a month (last month's hours). Jobs asked for in the chat: a school's hours
 * report and a province's roll-up (rendering is CPU work, so it runs here, one at a time).
 */
import type { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Db } from '../core/db/client.js';
import { schools } from '../core/db/schema.js';
import type { QueueSpec } from '../core/capability.js';
import type { Notifier } from '../core/i18n/index.js';
import { addToOutbox } from '../core/queue/outbox.js';
import { chatId, localeSchema, rowId, shiftSchema } from '../core/queue/payloads.js';
import type { Now } from '../core/clock.js';
import { evening, shiftEnd } from './daily.js';
import { hoursMessages, makeHoursReport, makeRollup, monthlyHours } from './hours-service.js';
import { getTeachingSettings } from './settings.js';

export const TEACHING_QUEUE = 'teaching';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const teachingJob = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('shift-end'), schoolId: rowId, shift: shiftSchema }),
  z.object({ kind: z.literal('evening'), schoolId: rowId }),
  z.object({ kind: z.literal('monthly'), schoolId: rowId }),
  z.object({ kind: z.literal('hours'), schoolId: rowId, month, today: day, locale: localeSchema, chatId, key: z.string().max(200) }),
  z.object({ kind: z.literal('rollup'), provinceId: rowId.nullable(), month, today: day, locale: localeSchema, chatId, key: z.string().max(200) }),
]);
export type TeachingJob = z.infer<typeof teachingJob>;

const cron = (hhmm: string) => `${Number(hhmm.slice(3, 5))} ${Number(hhmm.slice(0, 2))} * * *`;

export async function syncTeachingSchedules(db: Db, queue: Queue<TeachingJob>, schoolId?: number): Promise<number> {
  const list = await db
    .select({ id: schools.id, timezone: schools.timezone, shifts: schools.shifts })
    .from(schools)
    .where(schoolId === undefined ? undefined : eq(schools.id, schoolId));
  let kept = 0;
  const opts = { removeOnComplete: 100, removeOnFail: 100 };
  for (const school of list) {
    for (const shift of ['morning', 'afternoon'] as const) {
      const id = `teaching-end-${school.id}-${shift}`;
      const end = school.shifts[shift]?.end;
      if (!end) {
        await queue.removeJobScheduler(id);
        continue;
      }
      await queue.upsertJobScheduler(id, { pattern: cron(end), tz: school.timezone }, { name: 'shift-end', data: { kind: 'shift-end', schoolId: school.id, shift }, opts });
      kept++;
    }
    const settings = await getTeachingSettings(db, school.id);
    await queue.upsertJobScheduler(`teaching-evening-${school.id}`, { pattern: cron(settings.eveningAt), tz: school.timezone }, { name: 'evening', data: { kind: 'evening', schoolId: school.id }, opts });
    await queue.upsertJobScheduler(`teaching-monthly-${school.id}`, { pattern: '45 6 * * *', tz: school.timezone }, { name: 'monthly', data: { kind: 'monthly', schoolId: school.id }, opts });
    kept += 2;
  }
  return kept;
}

export async function runTeachingJob(database: Database, job: TeachingJob, notifier: Notifier, now: Now): Promise<unknown> {
  const db = database.db;
  switch (job.kind) {
    case 'shift-end':
      return shiftEnd(db, { schoolId: job.schoolId, shift: job.shift, now: now(), notifier });
    case 'evening':
      return evening(db, { schoolId: job.schoolId, now: now(), notifier });
    case 'monthly':
      return monthlyHours(database, { schoolId: job.schoolId, now: now() }, notifier);
    case 'hours': {
      const r = await makeHoursReport(db, { schoolId: job.schoolId, month: job.month, locale: job.locale, today: job.today }, notifier);
      await addToOutbox(db, hoursMessages(r.id, r.summary, job.chatId, job.schoolId, job.key, job.month, true));
      return { report: r.id };
    }
    case 'rollup': {
      const r = await makeRollup(db, { provinceId: job.provinceId, month: job.month, locale: job.locale, today: job.today }, notifier);
      await addToOutbox(db, hoursMessages(r.id, r.summary, job.chatId, null, job.key, job.month, false));
      return { report: r.id, schools: r.rows.length };
    }
  }
}

export const teachingQueue: QueueSpec<TeachingJob> = {
  name: TEACHING_QUEUE,
  payload: teachingJob,
  concurrency: 1,
  schedule: (queue, db, schoolId) => syncTeachingSchedules(db, queue, schoolId),
  run: (job, ctx) => runTeachingJob(ctx.database, job, ctx.notifier, ctx.now),
};
