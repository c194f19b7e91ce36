/**
 * Scheduled scanning work, run by the worker process:
 * - cutoff: one BullMQ job scheduler per school that has scanning on and per shift, at the
 *   school's cutoff time in its own time zone (see cutoff.ts); schools that turn scanning off
 *   lose their schedulers at the next sync;
 * - partitions: every night the month partitions of `checkins` for this month and the next.
 */
import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf, type Database, type Db } from '../core/db/client.js';
import type { SchoolShifts, Shift } from '../core/db/schema.js';
import type { QueueSpec } from '../core/capability.js';
import { rowId, shiftSchema } from '../core/queue/payloads.js';
import type { Notifier } from '../core/i18n/index.js';
import { addDays, schoolClock, type Now } from '../core/clock.js';
import { runCutoff, scanTimes } from './cutoff.js';
import type { AlertMode } from './schema.js';

export const SCANS_QUEUE = 'scans';

/** `sync`: the office changed a school's settings in the bot; its schedulers follow at once. */
const scanJob = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cutoff'), schoolId: rowId, shift: shiftSchema }),
  z.object({ kind: z.literal('partitions') }),
  z.object({ kind: z.literal('sync'), schoolId: rowId }),
]);
export type ScanJob = z.infer<typeof scanJob>;

export async function ensureCheckinPartitions(db: Db, day: string): Promise<string[]> {
  const next = addDays(`${day.slice(0, 7)}-01`, 32);
  const [row] = rowsOf<{ a: string; b: string }>(await db.execute(sql`select checkins_partition(${day}::date) as a, checkins_partition(${next}::date) as b`));
  return [row!.a, row!.b];
}

export function cutoffSchedulerId(schoolId: number, shift: Shift): string {
  return `cutoff-${schoolId}-${shift}`;
}

/** Creates, updates or removes the cutoff schedulers of one school (or all schools). */
export async function syncScanSchedules(db: Db, queue: Queue<ScanJob>, schoolId?: number): Promise<number> {
  const list = rowsOf<{ id: number; timezone: string; shifts: SchoolShifts; enabled: boolean | null; late_after: Partial<Record<Shift, string>> | null; cutoff_at: Partial<Record<Shift, string>> | null; alert_mode: AlertMode | null }>(
    await db.execute(sql`
      select s.id, s.timezone, s.shifts, ss.enabled, ss.late_after, ss.cutoff_at, ss.alert_mode
        from schools s left join scan_settings ss on ss.school_id = s.id
       where ${schoolId === undefined ? sql`true` : sql`s.id = ${schoolId}`}`),
  );
  let n = 0;
  for (const school of list) {
    const settings = school.enabled === null ? undefined : { enabled: school.enabled, lateAfter: school.late_after ?? {}, cutoffAt: school.cutoff_at ?? {}, alertMode: school.alert_mode ?? 'confirm' };
    for (const shift of ['morning', 'afternoon'] as const) {
      const times = scanTimes(school.shifts, settings, shift);
      const id = cutoffSchedulerId(school.id, shift);
      if (!times.enabled) {
        await queue.removeJobScheduler(id);
        continue;
      }
      const [h, m] = times.cutoffAt.split(':').map(Number);
      await queue.upsertJobScheduler(
        id,
        { pattern: `${m} ${h} * * *`, tz: school.timezone },
        { name: 'cutoff', data: { kind: 'cutoff', schoolId: school.id, shift }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
      n++;
    }
  }
  await queue.upsertJobScheduler('partitions', { pattern: '7 0 * * *', tz: 'Asia/Phnom_Penh' }, { name: 'partitions', data: { kind: 'partitions' } });
  return n;
}

export async function runScanJob(database: Database, job: ScanJob, notifier: Notifier, now: Now, queue?: Queue<ScanJob>): Promise<unknown> {
  if (job.kind === 'sync') return queue ? syncScanSchedules(database.db, queue, job.schoolId) : 0;
  if (job.kind === 'partitions') {
    const today = schoolClock('Asia/Phnom_Penh', now()).day;
    // digests name children of a morning: a week later nobody reads them again
    await database.db.execute(sql`delete from arrival_digest_items where day < ${addDays(today, -7)}::date`);
    await database.db.execute(sql`delete from arrival_digest_families where day < ${addDays(today, -7)}::date`);
    return ensureCheckinPartitions(database.db, today);
  }
  return runCutoff(database.db, { schoolId: job.schoolId, shift: job.shift, now: now(), notifier });
}

export const scansQueue: QueueSpec<ScanJob> = {
  name: SCANS_QUEUE,
  payload: scanJob,
  concurrency: 2,
  schedule: (queue, db, schoolId) => syncScanSchedules(db, queue, schoolId),
  prepare: async (ctx) => {
    await ensureCheckinPartitions(ctx.database.db, schoolClock('Asia/Phnom_Penh', ctx.now()).day);
  },
  run: (job, ctx) => runScanJob(ctx.database, job, ctx.notifier, ctx.now, ctx.queue),
};
