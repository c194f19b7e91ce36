/**
 * The monthly school report end to end, as the worker makes it (reports/service.ts obtainReport):
 * buildSchoolReport (the set-based SQL), then renderReportChart and renderReportWorkbook side by
 * side, for locale km, on a 2,000-student school (50 classes × 40, two shifts) with 22 school
 * days of marks (synthetic.ts). First run in a cold process, then the p50 of warm runs.
 * Baseline: the bare SQL (buildSchoolReport alone), measured in this run, so the share of the
 * rendering is visible. Each SQL statement is timed too (through a wrapped `rows`).
 */
import { sql, type SQL } from 'drizzle-orm';
import sharp from 'sharp';
import { createNotifier } from '../../src/app.js';
import type { Database, Executor } from '../../src/core/db/client.js';
import { buildSchoolReport, type ReportScope } from '../../src/reports/queries.js';
import { renderReportChart } from '../../src/reports/render.js';
import { renderReportWorkbook } from '../../src/reports/workbook.js';
import { createTestDatabase } from '../../test/support/db.js';
import { seedSchools } from './synthetic.js';
import type { Bench, BenchResult, Figure } from './types.js';
import { fmt, int } from './types.js';

const STUDENTS = Number(process.env.BENCH_REPORT_STUDENTS ?? 2000);
const CLASS_SIZE = 40;
const MONTH = '2026-10';
const DAYS = 22;
const WARM_RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 5);
const TARGET_MS = 1000;
/** optional neighbours in the same database (300 students each), so the month partition holds other schools too */
const OTHER_SCHOOLS = Number(process.env.BENCH_REPORT_OTHER_SCHOOLS ?? 0);
const LOCALE = 'km' as const;
/** the statements of buildSchoolReport, in the order it runs them */
const QUERY_NAMES = ['school', 'school days', 'classes', 'students', 'daily', 'not submitted'];

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1]!;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

const bench: Bench = {
  name: 'report-monthly',
  description: `monthly report (SQL + PNG chart + XLSX, km) of a ${int(STUDENTS)}-student school, ${DAYS} school days`,
  async run(): Promise<BenchResult> {
    const database = await createTestDatabase({ max: 10 });
    try {
      const seed = await seedSchools(database, { schools: 1, studentsPerSchool: STUDENTS, classSize: CLASS_SIZE, month: MONTH, days: DAYS, shifts: 2, provinceCode: 'PP' });
      const others = OTHER_SCHOOLS > 0
        ? await seedSchools(database, { schools: OTHER_SCHOOLS, firstSchool: 2, studentsPerSchool: 300, classSize: CLASS_SIZE, month: MONTH, days: DAYS, shifts: 2, provinceCode: 'PP' })
        : null;
      const schoolId = seed.schoolIds[0]!;
      const scope: ReportScope = { schoolId, from: `${MONTH}-01`, to: `${MONTH}-31`, kind: 'monthly', period: MONTH, today: '2026-11-01' };
      const { t } = createNotifier({ DEFAULT_LOCALE: LOCALE });

      // Every statement of buildSchoolReport goes through database.rows: time each one.
      let queryTimes: number[] = [];
      const traced: Database = {
        ...database,
        rows: async <T,>(q: SQL, ex?: Executor) => {
          const t0 = performance.now();
          const rows = await database.rows<T>(q, ex);
          queryTimes.push(performance.now() - t0);
          return rows;
        },
      };

      /** The worker's path: the data, then both files at once. */
      const full = async () => {
        const t0 = performance.now();
        const data = await buildSchoolReport(traced, scope);
        const t1 = performance.now();
        const [chart, book] = await Promise.all([timed(() => renderReportChart(data, LOCALE, t)), timed(() => renderReportWorkbook(data, LOCALE, t))]);
        const t2 = performance.now();
        return { ms: t2 - t0, sqlMs: t1 - t0, renderMs: t2 - t1, chartMs: chart.ms, bookMs: book.ms, data, png: chart.value, xlsx: book.value };
      };

      queryTimes = [];
      const cold = await full();
      const coldQueries = queryTimes;

      const fullMs: number[] = [];
      const fullSqlMs: number[] = [];
      const renderMs: number[] = [];
      const bareSqlMs: number[] = [];
      const chartAlone: number[] = [];
      const bookAlone: number[] = [];
      const perQuery: number[][] = QUERY_NAMES.map(() => []);
      let last = cold;
      for (let i = 0; i < WARM_RUNS; i++) {
        queryTimes = [];
        const bare = await timed(() => buildSchoolReport(traced, scope));
        bareSqlMs.push(bare.ms);
        queryTimes.forEach((ms, k) => perQuery[k]?.push(ms));
        last = await full();
        fullMs.push(last.ms);
        fullSqlMs.push(last.sqlMs);
        renderMs.push(last.renderMs);
        chartAlone.push((await timed(() => renderReportChart(bare.value, LOCALE, t))).ms);
        bookAlone.push((await timed(() => renderReportWorkbook(bare.value, LOCALE, t))).ms);
      }

      const report = last.data;
      const meta = await sharp(last.png).metadata();
      const [rows] = await database.rows<{ n: string }>(sql`select count(*) as n from attendance where school_id = ${schoolId} and day between ${scope.from}::date and ${scope.to}::date`);
      const fullP50 = p50(fullMs);
      const sqlP50 = p50(bareSqlMs);
      const chartP50 = p50(chartAlone);
      const bookP50 = p50(bookAlone);
      const chronic = report.students.filter((s) => s.chronic).length;

      const figures: Figure[] = [
        { label: 'full report p50 (warm)', value: fullP50, unit: 'ms', target: `≤ ${TARGET_MS}`, ok: fullP50 <= TARGET_MS },
        { label: 'full report max (warm)', value: Math.max(...fullMs), unit: 'ms' },
        { label: 'full report, first run (cold process)', value: cold.ms, unit: 'ms' },
        { label: '  of which SQL / render (cold)', value: `${fmt(cold.sqlMs, 0)} / ${fmt(cold.renderMs, 0)}`, unit: 'ms' },
        { label: 'bare SQL p50 (buildSchoolReport)', value: sqlP50, unit: 'ms' },
        ...QUERY_NAMES.map((name, k) => ({ label: `  SQL "${name}" p50`, value: p50(perQuery[k]!), unit: 'ms' })),
        { label: 'render p50 (chart ∥ workbook)', value: p50(renderMs), unit: 'ms' },
        { label: '  chart alone p50', value: chartP50, unit: 'ms' },
        { label: '  workbook alone p50', value: bookP50, unit: 'ms' },
        { label: 'rendering share of the full report', value: `${fmt((100 * (fullP50 - p50(fullSqlMs))) / fullP50, 0)} %` },
        { label: 'PNG size', value: `${fmt(last.png.length / 1024, 0)} KiB, ${meta.width}×${meta.height}` },
        { label: 'XLSX size', value: last.xlsx.length / 1024, unit: 'KiB' },
      ];

      return {
        measured:
          'one monthly report as the worker makes it: buildSchoolReport (6 SQL statements) then renderReportChart ∥ renderReportWorkbook (locale km), wall time; first run in a cold process, then the p50 of warm runs',
        data:
          `1 school, ${int(seed.students)} students (${int(report.students.length)} student lines), ${seed.classes} classes × ${CLASS_SIZE} in 2 shifts, ` +
          `${report.schoolDays.length} school days (${MONTH}, Mon–Sat, ${seed.holidays.length} later days holidays), ${int(Number(rows!.n))} attendance rows, ` +
          `${int(seed.submissions)} submissions (${seed.missingClassDays} class-days missing), ${int(report.daily.length)} daily lines, ` +
          `${chronic} chronic absentees; seeded in ${fmt(seed.seconds, 1)} s` +
          (others ? `; ${int(others.schoolIds.length)} other schools in the same partition (${int(others.attendanceRows)} rows, seeded in ${fmt(others.seconds, 0)} s)` : '') +
          `; ${WARM_RUNS} warm runs; Postgres ${database.kind}`,
        figures,
        primary: { label: 'full report p50', value: fullP50, unit: 'ms' },
        baseline: { label: 'bare SQL p50 (same report, same run)', value: sqlP50, unit: 'ms', measuredInRun: true },
        target: `full report (SQL + PNG + XLSX) ≤ ${fmt(TARGET_MS / 1000, 0)} s on this 2-core machine`,
        notes: [
          `cold run statements: ${QUERY_NAMES.map((n, k) => `${n} ${fmt(coldQueries[k] ?? Number.NaN, 0)}`).join(', ')} ms; chart ${fmt(cold.chartMs, 0)} ms, workbook ${fmt(cold.bookMs, 0)} ms (side by side)`,
          `warm runs (ms): full ${fullMs.map((v) => fmt(v, 0)).join(', ')}; bare SQL ${bareSqlMs.map((v) => fmt(v, 0)).join(', ')}`,
        ],
      };
    } finally {
      await database.drop();
    }
  },
};

export default bench;
