/**
 * Making and delivering teaching-hours reports (in the worker): the school's month as a chart
 * and a workbook kept in hours_reports (the outbox holds a reference; the sender uploads once and
 * reuses Telegram's file id), a teacher's own month as text, the province's month, and the
 * automatic report on the first school day of a month.
 */
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { InputFile } from 'grammy';
import { rowsOf, type Database, type Db } from '../core/db/client.js';
import type { Locale } from '../core/db/schema.js';
import { addDays, schoolClock } from '../core/clock.js';
import { formatNumber, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import type { PayloadResolver } from '../core/queue/sender.js';
import { formatMonth } from '../reports/render.js';
import { schoolDaysBetween } from './calendar.js';
import { hoursReport, hoursRollup, ownHours, type HoursReport, type SchoolShare, type TeacherHours } from './hours.js';
import { renderHoursChart, shareText } from './hours-render.js';
import { renderHoursWorkbook, renderRollupWorkbook } from './hours-workbook.js';
import { schoolRecipients } from './leave-flow.js';
import { REASONS } from './buttons.js';
import { hoursReports } from './schema.js';
import { schoolOf } from './timetable.js';

type T = Notifier['t'];

export function hoursSummary(report: HoursReport, locale: Locale, t: T): string {
  const n = (x: number) => formatNumber(locale, x);
  const school = locale === 'km' ? report.school.nameKm : report.school.nameEn;
  return [
    t(locale, 'teaching-hours-title', { school, month: formatMonth(locale, report.month) }),
    t(locale, 'teaching-hours-totals', {
      planned: n(report.totals.planned),
      delivered: n(report.totals.delivered),
      share: shareText(locale, t, report.totals.delivered, report.totals.planned),
      notTaught: n(report.totals.notTaught),
      unconfirmed: n(report.totals.unconfirmed),
      covers: n(report.totals.covers),
    }),
  ].join('\n');
}

/** A teacher's own month, as text. */
export function ownHoursText(report: HoursReport, mine: TeacherHours | undefined, locale: Locale, t: T): string {
  const n = (x: number) => formatNumber(locale, x);
  const head = t(locale, 'teaching-hours-own-title', { month: formatMonth(locale, report.month) });
  if (!mine) return `${head}\n${t(locale, 'teaching-hours-own-none')}`;
  const reasons = REASONS.filter((r) => mine.notTaught[r] > 0).map((r) => `${t(locale, `teaching-reason-${r}`)} ${n(mine.notTaught[r])}`);
  return [
    head,
    t(locale, 'teaching-hours-own-line', {
      planned: n(mine.planned),
      delivered: n(mine.delivered),
      share: shareText(locale, t, mine.delivered + mine.coverGiven, mine.planned),
      hours: n(Math.round((mine.deliveredMinutes / 60) * 10) / 10),
    }),
    t(locale, 'teaching-hours-own-cover', { given: n(mine.coverGiven), received: n(mine.coverReceived), leave: n(mine.leaveDays) }),
    ...(reasons.length > 0 ? [t(locale, 'teaching-hours-own-missed', { reasons: reasons.join(', ') })] : []),
    ...(mine.unconfirmed > 0 ? [t(locale, 'teaching-hours-own-unconfirmed', { count: n(mine.unconfirmed) })] : []),
  ].join('\n');
}

/** Computes, renders and stores a school's month; old copies of the same school and month go. */
export async function makeHoursReport(db: Db, input: { schoolId: number; month: string; locale: Locale; today: string }, notifier: Notifier): Promise<{ id: number; summary: string; report: HoursReport }> {
  const report = await hoursReport(db, { schoolId: input.schoolId, month: input.month, today: input.today });
  const [png, xlsx] = await Promise.all([renderHoursChart(report, input.locale, notifier.t), renderHoursWorkbook(report, input.locale, notifier.t)]);
  const summary = hoursSummary(report, input.locale, notifier.t);
  const [row] = await db.insert(hoursReports).values({ schoolId: input.schoolId, month: input.month, scope: 'school', locale: input.locale, summary, png, xlsx }).returning({ id: hoursReports.id });
  await db.delete(hoursReports).where(and(eq(hoursReports.schoolId, input.schoolId), lt(hoursReports.createdAt, sql`now() - interval '7 days'`)));
  return { id: row!.id, summary, report };
}

export function hoursMessages(id: number, summary: string, chatId: number, schoolId: number | null, key: string, month: string, withPicture: boolean): OutgoingMessage[] {
  const base = { schoolId, chatId, capability: 'teaching', entity: 'hours-report', entityId: id };
  return [
    ...(withPicture ? [{ ...base, dedupeKey: `${key}:photo`, method: 'sendPhoto' as const, priority: 6, payload: { photo: { hoursReport: id, part: 'png' }, caption: summary.slice(0, 1024) } }] : [{ ...base, dedupeKey: `${key}:text`, priority: 6, payload: { text: summary.slice(0, 4000) } }]),
    { ...base, dedupeKey: `${key}:xlsx`, method: 'sendDocument', priority: 7, payload: { document: { hoursReport: id, part: 'xlsx', name: `teaching-hours-${month}.xlsx` } } },
  ];
}

/** Files of a stored hours report: uploaded once, then sent by Telegram's file id. */
export function hoursFileResolver(db: Db): PayloadResolver {
  return async (method, payload) => {
    const field = method === 'sendPhoto' ? 'photo' : method === 'sendDocument' ? 'document' : null;
    const ref = field ? (payload[field] as { hoursReport?: number; part?: 'png' | 'xlsx'; name?: string } | undefined) : undefined;
    if (!field || !ref || typeof ref !== 'object' || typeof ref.hoursReport !== 'number') return null;
    const [row] = await db.select().from(hoursReports).where(eq(hoursReports.id, ref.hoursReport));
    if (!row) throw new Error(`hours report ${ref.hoursReport} is gone`);
    const part = ref.part === 'xlsx' || !row.png ? 'xlsx' : 'png';
    const fileId = part === 'png' ? row.pngFileId : row.xlsxFileId;
    const file = fileId ?? new InputFile(part === 'png' ? row.png! : row.xlsx, ref.name ?? `teaching-hours-${row.month}.${part}`);
    return {
      payload: { ...payload, [field]: file },
      onSent: async (result) => {
        if (fileId) return;
        const r = result as { photo?: Array<{ file_id: string }>; document?: { file_id: string } };
        const id = part === 'png' ? r.photo?.at(-1)?.file_id : r.document?.file_id;
        if (id) await db.update(hoursReports).set(part === 'png' ? { pngFileId: id } : { xlsxFileId: id }).where(eq(hoursReports.id, row.id));
      },
    };
  };
}

export function rollupSummary(rows: SchoolShare[], month: string, place: string, locale: Locale, t: T): string {
  const n = (x: number) => formatNumber(locale, x);
  const planned = rows.reduce((s, r) => s + r.planned, 0);
  const delivered = rows.reduce((s, r) => s + r.delivered, 0);
  const toCall = rows.filter((r) => r.call !== null);
  const lines = [
    t(locale, 'teaching-rollup-title', { place, month: formatMonth(locale, month) }),
    t(locale, 'teaching-rollup-totals', { schools: n(rows.length), planned: n(planned), delivered: n(delivered), share: shareText(locale, t, delivered, planned) }),
    t(locale, 'teaching-rollup-call', { count: n(toCall.length) }),
    ...toCall
      .sort((a, b) => (a.share ?? -1) - (b.share ?? -1))
      .slice(0, 10)
      .map((r) => `• ${r.code} ${locale === 'km' ? r.nameKm : r.nameEn}: ${r.share === null ? t(locale, 'teaching-call-no-timetable') : `${shareText(locale, t, r.delivered, r.planned)} — ${t(locale, `teaching-call-${r.call}`)}`}`),
  ];
  return lines.join('\n');
}

/** The province's month for a director: the text with the schools to call, and the workbook. */
export async function makeRollup(db: Db, input: { provinceId: number | null; month: string; locale: Locale; today: string }, notifier: Notifier): Promise<{ id: number; summary: string; rows: SchoolShare[] }> {
  const rows = await hoursRollup(db, input);
  const [place] = rowsOf<{ name_km: string; name_en: string }>(await db.execute(sql`select name_km, name_en from provinces where id = ${input.provinceId}::int`));
  const placeName = place ? (input.locale === 'km' ? place.name_km : place.name_en) : notifier.t(input.locale, 'teaching-rollup-nation');
  const summary = rollupSummary(rows, input.month, placeName, input.locale, notifier.t);
  const xlsx = await renderRollupWorkbook(rows, input.locale, notifier.t);
  const scope = input.provinceId === null ? 'nation' : `province:${input.provinceId}`;
  const [row] = await db.insert(hoursReports).values({ schoolId: null, month: input.month, scope, locale: input.locale, summary, xlsx }).returning({ id: hoursReports.id });
  await db.delete(hoursReports).where(and(isNull(hoursReports.schoolId), lt(hoursReports.createdAt, sql`now() - interval '7 days'`)));
  return { id: row!.id, summary, rows };
}

/** The month before the one `day` is in. */
export function previousMonth(day: string): string {
  return addDays(`${day.slice(0, 7)}-01`, -1).slice(0, 7);
}

/**
 * Every morning: when today is the school's first school day of the month, last month's report
 * goes to the principal and each teacher gets their own month (once: dedupe keys per month).
 */
export async function monthlyHours(database: Database, input: { schoolId: number; now: Date }, notifier: Notifier): Promise<{ sent: number } | { skipped: string }> {
  const db = database.db;
  const school = await schoolOf(db, input.schoolId);
  if (!school) return { skipped: 'no-school' };
  const today = schoolClock(school.timezone, input.now).day;
  const sofar = await schoolDaysBetween(db, input.schoolId, `${today.slice(0, 7)}-01`, today);
  if (sofar[0] !== today) return { skipped: 'not-first-school-day' };
  const month = previousMonth(today);
  const principals = await schoolRecipients(db, input.schoolId, ['principal']);
  const messages: OutgoingMessage[] = [];
  const byLocale = new Map<Locale, { id: number; summary: string; report: HoursReport }>();
  const made = async (locale: Locale) => {
    let r = byLocale.get(locale);
    if (!r) byLocale.set(locale, (r = await makeHoursReport(db, { schoolId: input.schoolId, month, locale, today }, notifier)));
    return r;
  };
  for (const p of principals) {
    const locale = p.locale ?? notifier.defaultLocale;
    const r = await made(locale);
    messages.push(...hoursMessages(r.id, r.summary, p.chatId, input.schoolId, `hours:${month}:${input.schoolId}:${p.staffId}`, month, true));
  }
  const report = (byLocale.values().next().value as { report: HoursReport } | undefined)?.report ?? (await hoursReport(db, { schoolId: input.schoolId, month, today }));
  const teachers = rowsOf<{ staff_id: number; chat_id: string; locale: Locale | null }>(
    await db.execute(sql`select st.id as staff_id, st.telegram_user_id as chat_id, ta.locale from staff st
                           left join telegram_accounts ta on ta.telegram_user_id = st.telegram_user_id
                          where st.school_id = ${input.schoolId} and st.active and st.telegram_user_id is not null`),
  );
  for (const teacher of teachers) {
    const mine = ownHours(report, Number(teacher.staff_id));
    if (!mine || (mine.planned === 0 && mine.coverGiven === 0)) continue;
    const locale = teacher.locale ?? notifier.defaultLocale;
    messages.push({ dedupeKey: `hours-own:${month}:${teacher.staff_id}`, schoolId: input.schoolId, capability: 'teaching', entity: 'hours', entityId: Number(teacher.staff_id), chatId: Number(teacher.chat_id), priority: 7, payload: { text: ownHoursText(report, mine, locale, notifier.t) } });
  }
  const ids = await addToOutbox(db, messages);
  return { sent: ids.length };
}
