/**
 * Scheduled attendance work, run by the worker process:
 * - reminders: one BullMQ job scheduler per school and shift, at the school's reminder time in
 *   the school's own time zone; the job reminds the teachers whose class has not submitted;
 * - partitions: every night the month partitions of `attendance` for this month and the next
 *   are created, so rows never fall into the DEFAULT partition.
 */
import { Queue } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf, type Database, type Db } from '../core/db/client.js';
import { schools, type Shift } from '../core/db/schema.js';
import type { QueueSpec } from '../core/capability.js';
import type { Notifier } from '../core/i18n/index.js';
import { addDays, schoolClock, type Now } from '../core/clock.js';
import { rowId, shiftSchema } from '../core/queue/payloads.js';
import { getSettings, remindMissing } from './service.js';

export const ATTENDANCE_QUEUE = 'attendance';

const attendanceJob = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('remind'), schoolId: rowId, shift: shiftSchema }),
  z.object({ kind: z.literal('partitions') }),
]);
export type AttendanceJob = z.infer<typeof attendanceJob>;

export async function ensurePartitions(db: Db, day: string): Promise<string[]> {
  const next = addDays(`${day.slice(0, 7)}-01`, 32);
  const rows = await db.execute(sql`select attendance_partition(${day}::date) as a, attendance_partition(${next}::date) as b`);
  const row = rowsOf<{ a: string; b: string }>(rows)[0]!;
  return [row.a, row.b];
}

export function remindSchedulerId(schoolId: number, shift: Shift): string {
  return `remind-${schoolId}-${shift}`;
}

/** Creates or updates the reminder schedulers of one school (or all schools). */
export async function syncSchedules(db: Db, queue: Queue<AttendanceJob>, schoolId?: number): Promise<number> {
  const list = await db
    .select({ id: schools.id, timezone: schools.timezone })
    .from(schools)
    .where(schoolId === undefined ? undefined : eq(schools.id, schoolId));
  let n = 0;
  for (const school of list) {
    const settings = await getSettings(db, school.id);
    for (const shift of ['morning', 'afternoon'] as const) {
      const [h, m] = settings.remindAt[shift].split(':').map(Number);
      await queue.upsertJobScheduler(
        remindSchedulerId(school.id, shift),
        { pattern: `${m} ${h} * * *`, tz: school.timezone },
        { name: 'remind', data: { kind: 'remind', schoolId: school.id, shift }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
      n++;
    }
  }
  await queue.upsertJobScheduler('partitions', { pattern: '5 0 * * *', tz: 'Asia/Phnom_Penh' }, { name: 'partitions', data: { kind: 'partitions' } });
  return n;
}

export async function runAttendanceJob(database: Database, job: AttendanceJob, notifier: Notifier, now: Now): Promise<unknown> {
  const { db } = database;
  if (job.kind === 'partitions') return ensurePartitions(db, schoolClock('Asia/Phnom_Penh', now()).day);
  const [school] = await db.select({ timezone: schools.timezone }).from(schools).where(eq(schools.id, job.schoolId));
  if (!school) return { skipped: 'no-school' };
  const day = schoolClock(school.timezone, now()).day;
  return remindMissing(db, { schoolId: job.schoolId, day, shift: job.shift, slot: 'auto', actor: 'system' }, notifier);
}

export const attendanceQueue: QueueSpec<AttendanceJob> = {
  name: ATTENDANCE_QUEUE,
  payload: attendanceJob,
  concurrency: 2,
  schedule: (queue, db, schoolId) => syncSchedules(db, queue, schoolId),
  prepare: async (ctx) => {
    await ensurePartitions(ctx.database.db, schoolClock('Asia/Phnom_Penh', ctx.now()).day);
  },
  run: (job, ctx) => runAttendanceJob(ctx.database, job, ctx.notifier, ctx.now),
};
