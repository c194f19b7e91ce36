/**
 * The roll-up for provincial directors and the national administrator: for one school day,
 * per school, whether it uses the system (classes submitted, families linked) and its attendance,
 * and which schools need a call. One set-based statement over the day's partition, by school.
 */
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { currentYearJoin } from '../core/db/years.js';
import { readerOf, type Database } from '../core/db/client.js';
import type { Locale } from '../core/db/schema.js';
import { displayName, formatDay, formatNumber, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { audit } from '../core/auth/audit.js';
import type { Breakdown, ClassLine, SchoolReport } from './model.js';
import { breakdownColumns, breakdownOf, rateOf } from './queries.js';
import { renderReportChart } from './render.js';
import { addAdoptionSheet, adoptionByProvince, adoptionLine, type ProvinceAdoption } from '../registry/adoption.js';
import { percent, reportMessages, storedOrMade } from './service.js';

export type CallReason = 'none-submitted' | 'few-submitted' | 'low-attendance' | 'few-families';

export interface RollupLine {
  code: string;
  nameKm: string;
  nameEn: string;
  classes: number;
  submitted: number;
  students: number;
  guardians: number;
  guardiansLinked: number;
  counts: Breakdown;
  rate: number | null;
  reasons: CallReason[];
}

export interface Rollup {
  day: string;
  /** null: national */
  province: { id: number; nameKm: string; nameEn: string } | null;
  schools: RollupLine[];
  /** registered / taking attendance / families linked, per province of the scope */
  adoption?: ProvinceAdoption[];
}

export async function buildRollup(database: Database, input: { provinceId: number | null; day: string }): Promise<Rollup> {
  const province = input.provinceId === null ? null : (await database.rows<{ id: number; nameKm: string; nameEn: string }>(sql`select id, name_km as "nameKm", name_en as "nameEn" from provinces where id = ${input.provinceId}`))[0] ?? null;
  const inScope = input.provinceId === null ? sql`true` : sql`s.province_id = ${input.provinceId}`;
  const rows = await database.rows<Record<string, string | number | null>>(
    sql`with sc as (select s.id, s.code, s.name_km, s.name_en from schools s where ${inScope}),
        cls as (select c.school_id, count(*)::int as n
                  from classes c ${currentYearJoin('c')}
                 where c.school_id in (select id from sc) group by c.school_id),
        sub as (select school_id, count(*)::int as n from class_submissions
                 where day = ${input.day}::date and school_id in (select id from sc) group by school_id),
        gd as (select school_id, count(*)::int as n, count(telegram_user_id)::int as linked from guardians
                where school_id in (select id from sc) group by school_id),
        st as (select school_id, count(*)::int as n from students where active and school_id in (select id from sc) group by school_id),
        att as (select a.school_id,
                       ${breakdownColumns('a.status', 'p.sex')}
                  from attendance a join students p on p.id = a.student_id
                 where a.day = ${input.day}::date and a.school_id in (select id from sc)
                 group by a.school_id)
        select sc.code, sc.name_km as "nameKm", sc.name_en as "nameEn",
               coalesce(cls.n, 0) as classes, coalesce(sub.n, 0) as submitted, coalesce(st.n, 0) as students,
               coalesce(gd.n, 0) as guardians, coalesce(gd.linked, 0) as "guardiansLinked",
               coalesce(att.present, 0) as present, coalesce(att.absent, 0) as absent, coalesce(att.late, 0) as late,
               coalesce(att.excused, 0) as excused, coalesce(att.total, 0) as total,
               coalesce(att."presentF", 0) as "presentF", coalesce(att."absentF", 0) as "absentF", coalesce(att."lateF", 0) as "lateF",
               coalesce(att."excusedF", 0) as "excusedF", coalesce(att."totalF", 0) as "totalF"
          from sc
          left join cls on cls.school_id = sc.id
          left join sub on sub.school_id = sc.id
          left join gd on gd.school_id = sc.id
          left join st on st.school_id = sc.id
          left join att on att.school_id = sc.id
         order by sc.code`,
  );
  const num = (v: unknown) => Number(v ?? 0);
  const adoption = await adoptionByProvince(database, input);
  return {
    day: input.day,
    province,
    adoption,
    schools: rows.map((r) => {
      const counts = breakdownOf(r);
      const line = {
        code: String(r.code),
        nameKm: String(r.nameKm),
        nameEn: String(r.nameEn),
        classes: num(r.classes),
        submitted: num(r.submitted),
        students: num(r.students),
        guardians: num(r.guardians),
        guardiansLinked: num(r.guardiansLinked),
        counts,
        rate: rateOf(counts),
      };
      return { ...line, reasons: callReasons(line) };
    }),
  };
}

/** Why a school needs a call from the province. */
export function callReasons(s: Omit<RollupLine, 'reasons'>): CallReason[] {
  const reasons: CallReason[] = [];
  if (s.classes > 0 && s.submitted === 0) reasons.push('none-submitted');
  else if (s.classes > 0 && s.submitted / s.classes < 0.5) reasons.push('few-submitted');
  if (s.rate !== null && s.rate < 0.85) reasons.push('low-attendance');
  if (s.guardians > 0 && s.guardiansLinked / s.guardians < 0.3) reasons.push('few-families');
  return reasons;
}

/**
 * Telegram refuses photos whose width + height exceed 10,000 px: the picture shows at most this
 * many schools, those needing attention first (no list, then the lowest attendance); the
 * workbook lists them all.
 */
export const CHART_MAX_SCHOOLS = 60;

function needFirst(a: RollupLine, b: RollupLine): number {
  const score = (s: RollupLine) => (s.submitted === 0 ? -1 : (s.rate ?? 0));
  return score(a) - score(b) || a.code.localeCompare(b.code);
}

/** The roll-up drawn with the school chart: one bar per school, no shift headings. */
export function rollupAsReport(r: Rollup, locale: Locale, t: Notifier['t']): SchoolReport {
  const label = r.province ? displayName(locale, r.province) : t(locale, 'reports-rollup-national');
  const shown = r.schools.length > CHART_MAX_SCHOOLS ? [...r.schools].sort(needFirst).slice(0, CHART_MAX_SCHOOLS) : r.schools;
  const classes: ClassLine[] = shown.map((s) => ({
    className: s.code,
    shift: 'morning',
    students: s.students,
    studentsF: 0,
    submittedDays: s.submitted > 0 ? 1 : 0,
    schoolDays: 1,
    counts: s.counts,
    rate: s.rate,
  }));
  const totals = r.schools.reduce<Breakdown>(
    (acc, s) => {
      const out = { ...acc };
      for (const k of Object.keys(acc) as Array<keyof Breakdown>) out[k] += s.counts[k];
      return out;
    },
    { present: 0, absent: 0, late: 0, excused: 0, total: 0, presentF: 0, absentF: 0, lateF: 0, excusedF: 0, totalF: 0 },
  );
  return {
    kind: 'daily',
    grouping: 'none',
    school: { code: r.province ? `P${r.province.id}` : 'NATIONAL', nameKm: label, nameEn: label },
    from: r.day,
    to: r.day,
    period: r.day,
    schoolDays: [r.day],
    classes,
    totals,
    rate: rateOf(totals),
    students: [],
    daily: [],
    notSubmitted: [],
  };
}

export async function renderRollupWorkbook(r: Rollup, locale: Locale, t: Notifier['t']): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'SIS';
  const ws = wb.addWorksheet(t(locale, 'reports-rollup-sheet'), { views: [{ state: 'frozen', ySplit: 1 }] });
  const header = ['code', 'name', 'classes', 'submitted', 'submitted-share', 'students', 'guardians', 'linked-share', 'present', 'late', 'excused', 'absent', 'rate', 'girls-rate', 'call'];
  ws.addRow(header.map((h) => t(locale, `reports-rollup-col-${h}`)));
  ws.getRow(1).font = { bold: true };
  for (const s of r.schools) {
    const girls = s.counts.totalF > 0 ? (s.counts.presentF + s.counts.lateF) / s.counts.totalF : null;
    const row = ws.addRow([
      s.code,
      displayName(locale, s),
      s.classes,
      s.submitted,
      s.classes > 0 ? s.submitted / s.classes : null,
      s.students,
      s.guardians,
      s.guardians > 0 ? s.guardiansLinked / s.guardians : null,
      s.counts.present,
      s.counts.late,
      s.counts.excused,
      s.counts.absent,
      s.rate,
      girls,
      s.reasons.map((reason) => t(locale, `reports-rollup-reason-${reason}`)).join('; '),
    ]);
    for (const c of [5, 8, 13, 14]) row.getCell(c).numFmt = '0.0%';
    if (s.reasons.length > 0) row.getCell(15).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFE0B2' } };
  }
  ws.columns.forEach((col, i) => (col.width = i === 1 ? 40 : i === 14 ? 50 : 14));
  if (r.adoption) addAdoptionSheet(wb, r.adoption, locale, t);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function rollupSummary(r: Rollup, locale: Locale, t: Notifier['t']): string {
  const n = (x: number) => formatNumber(locale, x);
  const using = r.schools.filter((s) => s.submitted > 0).length;
  const classes = r.schools.reduce((a, s) => a + s.classes, 0);
  const submitted = r.schools.reduce((a, s) => a + s.submitted, 0);
  const guardians = r.schools.reduce((a, s) => a + s.guardians, 0);
  const linked = r.schools.reduce((a, s) => a + s.guardiansLinked, 0);
  const report = rollupAsReport(r, locale, t);
  const calls = r.schools.filter((s) => s.reasons.length > 0);
  return [
    t(locale, 'reports-rollup-title', { area: report.school.nameKm, date: formatDay(locale, r.day) }),
    t(locale, 'reports-rollup-adoption', {
      using: n(using),
      schools: n(r.schools.length),
      classes: percent(locale, classes ? submitted / classes : null),
      families: percent(locale, guardians ? linked / guardians : null),
    }),
    ...(r.adoption ? [adoptionLine(r.adoption, locale, t)] : []),
    t(locale, 'reports-rollup-rate', { rate: percent(locale, report.rate) }),
    calls.length ? t(locale, 'reports-rollup-calls', { list: calls.slice(0, 15).map((s) => s.code).join(', '), count: n(calls.length) }) : t(locale, 'reports-rollup-no-calls'),
    ...(r.schools.length > CHART_MAX_SCHOOLS ? [t(locale, 'reports-rollup-chart-capped', { shown: n(CHART_MAX_SCHOOLS), schools: n(r.schools.length) })] : []),
  ].join('\n');
}

/** Computes (or, for a finished day, reuses) the roll-up and queues it for one recipient. */
export async function deliverRollup(
  database: Database,
  input: { provinceId: number | null; day: string; today: string; locale: Locale; chatId: number; requestedBy: string; key: string },
  notifier: Notifier,
): Promise<{ reportId: number; reused: boolean }> {
  const { db } = database;
  const scope = input.provinceId === null ? 'national' : `province:${input.provinceId}`;
  const { id, summary, reused } = await storedOrMade(
    db,
    { schoolId: null, kind: 'rollup', period: input.day, scope, locale: input.locale },
    { final: input.day < input.today, requestedBy: input.requestedBy },
    async () => {
      const t0 = performance.now();
      const r = await buildRollup(readerOf(database), { provinceId: input.provinceId, day: input.day });
      const t1 = performance.now();
      const [png, xlsx] = await Promise.all([renderReportChart(rollupAsReport(r, input.locale, notifier.t), input.locale, notifier.t), renderRollupWorkbook(r, input.locale, notifier.t)]);
      return { png, xlsx, summary: rollupSummary(r, input.locale, notifier.t), queryMs: Math.round(t1 - t0), renderMs: Math.round(performance.now() - t1) };
    },
  );
  const messages: OutgoingMessage[] = reportMessages(id, summary, input.chatId, null, input.key, input.day);
  await addToOutbox(db, messages);
  await audit(db, { actor: input.requestedBy, action: 'report.rollup', details: { scope, day: input.day, reused } });
  return { reportId: id, reused };
}
