/**
 * Making and delivering reports. Runs in the worker (reports/jobs.ts), never in an update
 * handler: the bot only asks for a report, the worker computes, renders, stores and queues it.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { InputFile } from 'grammy';
import { readerOf, type Database, type Db } from '../core/db/client.js';
import { classes, schools, staff, staffRoles, telegramAccounts, type Locale } from '../core/db/schema.js';
import { addDays } from '../core/clock.js';
import { displayName, formatDay, formatNumber, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import type { PayloadResolver } from '../core/queue/sender.js';
import { audit } from '../core/auth/audit.js';
import type { SchoolReport } from './model.js';
import { buildSchoolReport, schoolDays, type ReportScope } from './queries.js';
import { renderReportChart } from './render.js';
import { renderReportWorkbook } from './workbook.js';
import { reports } from './schema.js';

export type ReportKind = SchoolReport['kind'];

export interface ReportRequest {
  schoolId: number;
  kind: ReportKind;
  from: string;
  to: string;
  period: string;
  /** 'school' or 'class:<id>,<id>' */
  scope: string;
  classIds?: number[];
  locale: Locale;
  requestedBy: string;
  /** the school's today, to decide what "not submitted" means and whether a stored copy is final */
  today: string;
}

export function percent(locale: Locale, rate: number | null): string {
  if (rate === null) return '—';
  return `${formatNumber(locale, Math.round(rate * 1000) / 10)}%`;
}

export function reportSummary(report: SchoolReport, locale: Locale, t: Notifier['t']): string {
  const n = (x: number) => formatNumber(locale, x);
  const name = report.classLabel ? `${displayName(locale, report.school)} · ${t(locale, 'reports-class-label', { classes: report.classLabel })}` : displayName(locale, report.school);
  const periodText = report.kind === 'daily' ? formatDay(locale, report.from) : `${formatDay(locale, report.from)} – ${formatDay(locale, report.to)}`;
  const chronic = report.students.filter((s) => s.chronic).length;
  const missingClasses = new Set(report.notSubmitted.map((m) => `${m.className}/${m.shift}`)).size;
  return [
    t(locale, 'reports-summary-title', { school: name, period: periodText }),
    t(locale, 'reports-summary-rate', {
      rate: percent(locale, report.rate),
      rateF: percent(locale, report.totals.totalF ? (report.totals.presentF + report.totals.lateF) / report.totals.totalF : null),
      days: n(report.schoolDays.length),
    }),
    t(locale, 'reports-summary-counts', {
      present: n(report.totals.present),
      absent: n(report.totals.absent),
      late: n(report.totals.late),
      excused: n(report.totals.excused),
    }),
    t(locale, 'reports-summary-flags', { chronic: n(chronic), missing: n(missingClasses) }),
  ].join('\n');
}

/** Which stored report: a school's (schoolId) or a roll-up across schools (schoolId null). */
export interface ReportKey {
  schoolId: number | null;
  kind: string;
  period: string;
  scope: string;
  locale: Locale;
}

export interface MadeReport {
  png: Buffer;
  xlsx: Buffer;
  summary: string;
  queryMs: number;
  renderMs: number;
}

/**
 * The stored report for this key, made only when there is none, or when the period is not over
 * yet (`final` false: today's numbers still move). Made reports replace the stored copy, and
 * with it Telegram's file ids of the old files.
 */
export async function storedOrMade(
  db: Db,
  key: ReportKey,
  opts: { final: boolean; requestedBy: string },
  make: () => Promise<MadeReport>,
): Promise<{ id: number; summary: string; reused: boolean }> {
  const sameKey = and(
    key.schoolId === null ? isNull(reports.schoolId) : eq(reports.schoolId, key.schoolId),
    eq(reports.kind, key.kind),
    eq(reports.period, key.period),
    eq(reports.scope, key.scope),
    eq(reports.locale, key.locale),
  );
  const [stored] = await db.select({ id: reports.id, summary: reports.summary }).from(reports).where(sameKey);
  if (stored && opts.final) return { ...stored, reused: true };
  const values = { ...key, ...(await make()), requestedBy: opts.requestedBy, pngFileId: null, xlsxFileId: null };
  // Two unique indexes: one for schools' reports, a partial one for roll-ups.
  const conflict =
    key.schoolId === null
      ? { target: [reports.kind, reports.period, reports.scope, reports.locale], targetWhere: sql`school_id is null` }
      : { target: [reports.schoolId, reports.kind, reports.period, reports.scope, reports.locale] };
  const [row] = await db
    .insert(reports)
    .values(values)
    .onConflictDoUpdate({ ...conflict, set: { ...values, createdAt: sql`now()` } })
    .returning({ id: reports.id });
  return { id: row!.id, summary: values.summary, reused: false };
}

/** A school's report for a request: computed, rendered and stored, or the stored copy. */
export async function obtainReport(database: Database, req: ReportRequest, notifier: Notifier): Promise<{ id: number; summary: string; reused: boolean }> {
  return storedOrMade(
    database.db,
    { schoolId: req.schoolId, kind: req.kind, period: req.period, scope: req.scope, locale: req.locale },
    { final: req.to < req.today, requestedBy: req.requestedBy },
    async () => {
      const t0 = performance.now();
      const scope: ReportScope = { schoolId: req.schoolId, from: req.from, to: req.to, kind: req.kind, period: req.period, classIds: req.classIds, today: req.today };
      const data = await buildSchoolReport(readerOf(database), scope);
      if (req.classIds) data.classLabel = [...new Set(data.classes.map((c) => c.className))].join(', ');
      const t1 = performance.now();
      const [png, xlsx] = await Promise.all([renderReportChart(data, req.locale, notifier.t), renderReportWorkbook(data, req.locale, notifier.t)]);
      return { png, xlsx, summary: reportSummary(data, req.locale, notifier.t), queryMs: Math.round(t1 - t0), renderMs: Math.round(performance.now() - t1) };
    },
  );
}

/** The picture (captioned with the summary) and the workbook of a stored report, for one chat. */
/** The classes of a class report, as its file name carries them (`7A-7B`). */
export async function classFileLabel(db: Db, classIds: number[] | undefined): Promise<string | undefined> {
  if (!classIds || classIds.length === 0) return undefined;
  const rows = await db.select({ name: classes.name }).from(classes).where(inArray(classes.id, classIds)).orderBy(classes.name);
  return rows.map((r) => r.name.replace(/[^A-Za-z0-9]+/g, '')).join('-') || undefined;
}

export function reportMessages(reportId: number, summary: string, chatId: number, schoolId: number | null, key: string, period: string, classLabel?: string): OutgoingMessage[] {
  // A report names many children (or none): it is about the report, not one child.
  const about = { capability: 'reports', entity: 'report', entityId: reportId, studentId: null };
  return [
    { dedupeKey: `${key}:photo`, schoolId, ...about, chatId, method: 'sendPhoto', priority: 6, payload: { photo: { report: reportId, part: 'png' }, caption: summary.slice(0, 1024) } },
    {
      dedupeKey: `${key}:xlsx`,
      schoolId,
      ...about,
      chatId,
      method: 'sendDocument',
      // after the picture, whose caption is the summary
      priority: 7,
      payload: { document: { report: reportId, part: 'xlsx', name: `report-${period}${classLabel ? `-${classLabel}` : ''}.xlsx` } },
    },
  ];
}

/** Files of a stored report: the first send uploads the bytes, later ones reuse Telegram's file_id. */
export function reportFileResolver(db: Db): PayloadResolver {
  return async (method, payload) => {
    const field = method === 'sendPhoto' ? 'photo' : method === 'sendDocument' ? 'document' : null;
    const ref = field ? (payload[field] as { report?: number; part?: 'png' | 'xlsx'; name?: string } | undefined) : undefined;
    if (!field || !ref || typeof ref !== 'object' || typeof ref.report !== 'number') return null;
    const [row] = await db.select().from(reports).where(eq(reports.id, ref.report));
    if (!row) throw new Error(`report ${ref.report} is gone`);
    const part = ref.part === 'xlsx' ? 'xlsx' : 'png';
    const fileId = part === 'png' ? row.pngFileId : row.xlsxFileId;
    const file = fileId ?? new InputFile(part === 'png' ? row.png : row.xlsx, ref.name ?? `report-${row.period}.${part}`);
    return {
      payload: { ...payload, [field]: file },
      onSent: async (result) => {
        if (fileId) return;
        const r = result as { photo?: Array<{ file_id: string }>; document?: { file_id: string } };
        const id = part === 'png' ? r.photo?.at(-1)?.file_id : r.document?.file_id;
        if (id) await db.update(reports).set(part === 'png' ? { pngFileId: id } : { xlsxFileId: id }).where(eq(reports.id, row.id));
      },
    };
  };
}

/** Principal and operators of a school who are on Telegram, with their language. */
export async function schoolLeaders(db: Db, schoolId: number): Promise<Array<{ telegramUserId: number; locale: Locale | null }>> {
  const rows = await db
    .selectDistinct({ telegramUserId: staff.telegramUserId, locale: telegramAccounts.locale })
    .from(staff)
    .innerJoin(staffRoles, eq(staffRoles.staffId, staff.id))
    .leftJoin(telegramAccounts, eq(telegramAccounts.telegramUserId, staff.telegramUserId))
    .where(and(eq(staff.schoolId, schoolId), eq(staff.active, true), sql`${staffRoles.role} in ('principal', 'operator')`, sql`${staff.telegramUserId} is not null`));
  return rows.map((r) => ({ telegramUserId: r.telegramUserId!, locale: r.locale }));
}

/**
 * The scheduled reports of one school: the day's report after the last shift, and on the first
 * school day of a month the report of the month before. Each leader gets each report once, even
 * if the job runs twice (outbox dedupe keys name school, period and recipient).
 */
export async function sendScheduledReports(
  database: Database,
  input: { schoolId: number; today: string; kind: 'daily' | 'monthly' },
  notifier: Notifier,
): Promise<{ sent: number; period: string | null }> {
  const { db } = database;
  const [school] = await db.select({ id: schools.id }).from(schools).where(eq(schools.id, input.schoolId));
  if (!school) return { sent: 0, period: null };
  let from: string;
  let to: string;
  let period: string;
  if (input.kind === 'daily') {
    const days = await schoolDays(database, input.schoolId, input.today, input.today);
    if (days.length === 0) return { sent: 0, period: null };
    from = to = period = input.today;
  } else {
    const monthStart = `${input.today.slice(0, 7)}-01`;
    const firstSchoolDay = (await schoolDays(database, input.schoolId, monthStart, addDays(monthStart, 14)))[0];
    if (firstSchoolDay !== input.today) return { sent: 0, period: null };
    const prevEnd = addDays(monthStart, -1);
    from = `${prevEnd.slice(0, 7)}-01`;
    to = prevEnd;
    period = prevEnd.slice(0, 7);
  }
  const leaders = await schoolLeaders(db, input.schoolId);
  const messages: OutgoingMessage[] = [];
  const byLocale = new Map<Locale, { id: number; summary: string }>();
  for (const leader of leaders) {
    const locale = leader.locale ?? notifier.defaultLocale;
    let report = byLocale.get(locale);
    if (!report) {
      report = await obtainReport(
        database,
        // The day's report is computed afresh (a copy made on request earlier in the day is stale);
        // last month's is final and reused.
        { schoolId: input.schoolId, kind: input.kind, from, to, period, scope: 'school', locale, requestedBy: 'system', today: input.today },
        notifier,
      );
      byLocale.set(locale, report);
    }
    messages.push(...reportMessages(report.id, report.summary, leader.telegramUserId, input.schoolId, `report:${input.kind}:${input.schoolId}:${period}:${leader.telegramUserId}`, period));
  }
  const inserted = await addToOutbox(db, messages);
  await audit(db, { actor: 'system', schoolId: input.schoolId, action: `report.${input.kind}`, details: { period, recipients: leaders.length, queued: inserted.length } });
  return { sent: inserted.length / 2, period };
}
