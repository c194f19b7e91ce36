/**
 * The province roll-up on national-scale data: 1,000 schools × 300 students × 22 school days
 * (≈ 6.6 M attendance rows) in one province; the roll-up of one day, per school: classes
 * submitted, families linked, attendance by sex, schools to call. Bare SQL beside the full
 * roll-up (SQL + chart + workbook), so the rendering share is visible.
 */
import { sql } from 'drizzle-orm';
import { createNotifier } from '../../src/app.js';
import { buildRollup, renderRollupWorkbook, rollupAsReport } from '../../src/reports/rollup.js';
import { renderReportChart } from '../../src/reports/render.js';
import { createTestDatabase } from '../../test/support/db.js';
import { seedSchools } from './synthetic.js';
import type { Bench, BenchResult } from './types.js';
import { fmt } from './types.js';

const SCHOOLS = Number(process.env.BENCH_ROLLUP_SCHOOLS ?? 1000);
const STUDENTS = 300;
const DAYS = 22;
const MONTH = '2026-10';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const bench: Bench = {
  name: 'rollup',
  description: `province roll-up of one day over ${SCHOOLS} schools × ${STUDENTS} students × ${DAYS} days`,
  async run(): Promise<BenchResult> {
    const database = await createTestDatabase({ max: 10 });
    try {
      const seed = await seedSchools(database, { schools: SCHOOLS, studentsPerSchool: STUDENTS, classSize: 40, month: MONTH, days: DAYS, shifts: 2, provinceCode: 'BP' });
      // Families on Telegram for some schools, so adoption varies.
      await database.db.execute(sql`update guardians set telegram_user_id = 300000000 + id where id % 3 <> 0`);
      await database.db.execute(sql`analyze guardians`);
      const [province] = await database.rows<{ id: number }>(sql`select id from provinces where code = 'BP'`);
      const provinceId = Number(province!.id);
      const day = seed.days[Math.floor(seed.days.length / 2)]!;
      const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });

      const sqlTimes: number[] = [];
      const fullTimes: number[] = [];
      let schools = 0;
      let pngBytes = 0;
      let xlsxBytes = 0;
      for (let i = 0; i < 4; i++) {
        const t0 = performance.now();
        const r = await buildRollup(database, { provinceId, day });
        const t1 = performance.now();
        const [png, xlsx] = await Promise.all([renderReportChart(rollupAsReport(r, 'km', notifier.t), 'km', notifier.t), renderRollupWorkbook(r, 'km', notifier.t)]);
        const t2 = performance.now();
        sqlTimes.push(t1 - t0);
        fullTimes.push(t2 - t0);
        schools = r.schools.length;
        pngBytes = png.length;
        xlsxBytes = xlsx.length;
      }
      const [rows] = await database.rows<{ n: number }>(sql`select count(*)::int as n from attendance`);
      const full = median(fullTimes.slice(1));
      const bare = median(sqlTimes.slice(1));
      return {
        measured: 'buildRollup (one statement over the day, grouped by school) and the full roll-up with chart and workbook; first run cold, then the median of three',
        data: `${schools} schools, ${Number(rows!.n).toLocaleString('en-US')} attendance rows over ${seed.days.length} school days (seeded in ${fmt(seed.seconds, 0)} s); roll-up of ${day}`,
        figures: [
          { label: 'SQL, cold', value: sqlTimes[0]!, unit: 'ms' },
          { label: 'SQL, warm median', value: bare, unit: 'ms' },
          { label: 'full roll-up, cold', value: fullTimes[0]!, unit: 'ms' },
          { label: 'full roll-up, warm median', value: full, unit: 'ms', target: '≤ 5000', ok: full <= 5000 },
          { label: 'schools in the roll-up', value: schools, target: `= ${SCHOOLS}`, ok: schools === SCHOOLS },
          { label: 'PNG / XLSX size', value: `${Math.round(pngBytes / 1024)} KiB / ${Math.round(xlsxBytes / 1024)} KiB` },
        ],
        primary: { label: 'full roll-up', value: full, unit: 'ms' },
        baseline: { label: 'bare SQL of the roll-up', value: bare, unit: 'ms', measuredInRun: true },
        target: 'province roll-up ≤ 5 s',
        notes: ['a 1,000-school chart is tall (one bar per school): the picture is for the province office, the workbook for the detail'],
      };
    } finally {
      await database.drop();
    }
  },
};

export default bench;
