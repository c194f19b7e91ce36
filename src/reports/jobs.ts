/**
 * Report work in the worker: reports asked for in the chat, and per school two job schedulers in
 * the school's time zone — the day's report after the afternoon shift ends, and every morning a
 * check whether it is the first school day of the month (then last month's report goes out).
 */
import type { Queue } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Db } from '../core/db/client.js';
import { schools, type Locale } from '../core/db/schema.js';
import { safeError } from '../core/logger.js';
import type { QueueSpec } from '../core/capability.js';
import type { Notifier } from '../core/i18n/index.js';
import { addToOutbox } from '../core/queue/outbox.js';
import { chatId, isoDay, localeSchema, rowId } from '../core/queue/payloads.js';
import { schoolClock, type Now } from '../core/clock.js';
import { classFileLabel, obtainReport, reportMessages, sendScheduledReports } from './service.js';
import { deliverRollup } from './rollup.js';

export const REPORTS_QUEUE = 'reports';

const reportRequest = z
  .object({
    schoolId: rowId,
    kind: z.enum(['daily', 'range', 'monthly']),
    from: isoDay,
    to: isoDay,
    // a day, a month, or `from..to` (reports/period.ts); it names the stored copy
    period: z.string().regex(/^\d{4}-\d{2}(-\d{2}(\.\.\d{4}-\d{2}-\d{2})?)?$/),
    scope: z.string().regex(/^(school|class:\d+(,\d+)*)$/),
    classIds: z.array(rowId).min(1).max(200).optional(),
    locale: localeSchema,
    requestedBy: z.string().max(40),
    today: isoDay,
  })
  .refine((r) => r.from <= r.to, 'from after to')
  // the scope names exactly the classes the job computes (it is part of the stored report's key)
  .refine((r) => r.scope === (r.classIds ? `class:${r.classIds.join(',')}` : 'school'), 'scope and classIds disagree');

const reportJob = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('request'), request: reportRequest, chatId, requestKey: z.string().max(200) }),
  z.object({ kind: z.literal('scheduled'), schoolId: rowId, report: z.enum(['daily', 'monthly']) }),
  z.object({
    kind: z.literal('rollup'),
    provinceId: rowId.nullable(),
    day: isoDay,
    today: isoDay,
    locale: localeSchema,
    chatId,
    requestedBy: z.string().max(40),
    key: z.string().max(200),
  }),
  z.object({ kind: z.literal('rollup-daily') }),
]);
export type ReportJob = z.infer<typeof reportJob>;

function addMinutes(hhmm: string, minutes: number): [number, number] {
  const [h, m] = hhmm.split(':').map(Number);
  const total = (h! * 60 + m! + minutes) % (24 * 60);
  return [Math.floor(total / 60), total % 60];
}

export async function syncReportSchedules(db: Db, queue: Queue<ReportJob>, schoolId?: number): Promise<number> {
  const list = await db
    .select({ id: schools.id, timezone: schools.timezone, shifts: schools.shifts })
    .from(schools)
    .where(schoolId === undefined ? undefined : eq(schools.id, schoolId));
  for (const school of list) {
    const lastEnd = school.shifts.afternoon?.end ?? school.shifts.morning?.end ?? '17:00';
    const [h, m] = addMinutes(lastEnd, 30);
    await queue.upsertJobScheduler(
      `report-daily-${school.id}`,
      { pattern: `${m} ${h} * * *`, tz: school.timezone },
      { name: 'scheduled', data: { kind: 'scheduled', schoolId: school.id, report: 'daily' }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
    await queue.upsertJobScheduler(
      `report-monthly-${school.id}`,
      { pattern: '30 6 * * *', tz: school.timezone },
      { name: 'scheduled', data: { kind: 'scheduled', schoolId: school.id, report: 'monthly' }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
  // The officials' roll-up of the day, after the afternoon shift everywhere.
  await queue.upsertJobScheduler('rollup-daily', { pattern: '0 18 * * *', tz: 'Asia/Phnom_Penh' }, { name: 'rollup-daily', data: { kind: 'rollup-daily' } });
  return list.length * 2 + 1;
}

export async function runReportJob(database: Database, job: ReportJob, notifier: Notifier, now: Now): Promise<unknown> {
  if (job.kind === 'request') {
    const r = await obtainReport(database, job.request, notifier);
    const label = await classFileLabel(database.db, job.request.classIds);
    await addToOutbox(database.db, reportMessages(r.id, r.summary, job.chatId, job.request.schoolId, job.requestKey, job.request.period, label));
    return { report: r.id, reused: r.reused };
  }
  if (job.kind === 'rollup') return deliverRollup(database, job, notifier);
  if (job.kind === 'rollup-daily') {
    const day = schoolClock('Asia/Phnom_Penh', now()).day;
    const people = await database.rows<{ province_id: number | null; telegram_user_id: string; locale: Locale | null }>(
      sql`select o.province_id, o.telegram_user_id, ta.locale from officials o
            left join telegram_accounts ta on ta.telegram_user_id = o.telegram_user_id
           where o.telegram_user_id is not null`,
    );
    for (const p of people) {
      const chatId = Number(p.telegram_user_id);
      await deliverRollup(
        database,
        { provinceId: p.province_id === null ? null : Number(p.province_id), day, today: day, locale: p.locale ?? notifier.defaultLocale, chatId, requestedBy: 'system', key: `rollup:daily:${day}:${chatId}` },
        notifier,
      );
    }
    return { recipients: people.length };
  }
  const [school] = await database.db.select({ timezone: schools.timezone }).from(schools).where(eq(schools.id, job.schoolId));
  if (!school) return { skipped: 'no-school' };
  return sendScheduledReports(database, { schoolId: job.schoolId, today: schoolClock(school.timezone, now()).day, kind: job.report }, notifier);
}

export const reportsQueue: QueueSpec<ReportJob> = {
  name: REPORTS_QUEUE,
  payload: reportJob,
  // Rendering is CPU work: one report at a time per worker process.
  concurrency: 1,
  schedule: (queue, db, schoolId) => syncReportSchedules(db, queue, schoolId),
  // The first report of a process pays for loading the font and starting the text engine and
  // exceljs (0.5-1 s); pay it now, not on a principal's request.
  prepare: async (ctx) => {
    void warmRenderers(ctx.notifier).catch((err) => ctx.log.warn({ err: safeError(err) }, 'renderer warm-up failed'));
  },
  run: (job, ctx) => runReportJob(ctx.database, job, ctx.notifier, ctx.now),
};

async function warmRenderers(notifier: Notifier): Promise<void> {
  const { renderReportChart } = await import('./render.js');
  const { renderReportWorkbook } = await import('./workbook.js');
  const zero = { present: 0, absent: 0, late: 0, excused: 0, total: 0, presentF: 0, absentF: 0, lateF: 0, excusedF: 0, totalF: 0 };
  const empty = {
    kind: 'daily' as const,
    school: { code: '-', nameKm: 'សាលា', nameEn: 'School' },
    from: '2026-01-05',
    to: '2026-01-05',
    period: '2026-01-05',
    schoolDays: ['2026-01-05'],
    classes: [],
    totals: zero,
    rate: null,
    students: [],
    daily: [],
    notSubmitted: [],
  };
  await Promise.all([renderReportChart(empty, notifier.defaultLocale, notifier.t), renderReportWorkbook(empty, notifier.defaultLocale, notifier.t)]);
}
