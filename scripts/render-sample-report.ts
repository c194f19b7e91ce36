/**
 * A realistic SchoolReport built from simulated marks (so every total adds up), used by the
 * report tests and to look at the renderers' output:
 *
 *   npx tsx scripts/render-sample-report.ts [outDir=/tmp] [daily|monthly|range] [classes=8]
 *
 * writes report-km.png, report-en.png, report-km.xlsx and report-en.xlsx and prints timings.
 *
 * The school has classes in two shifts with Khmer names; class 3A never submitted; in a period
 * report 8A missed two days; two students are chronic absentees (a four-day run, and 3 absences
 * spread over the month). Every other student is absent at most once.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom } from './bench/types.js';
import type { Breakdown, ClassLine, DayLine, MissingLine, SchoolReport, StudentLine } from '../src/reports/model.js';

type Status = 'present' | 'absent' | 'late' | 'excused';
type Shift = ClassLine['shift'];

const FAMILY = [
  ['សុខ', 'Sok'], ['ចាន់', 'Chan'], ['គឹម', 'Kim'], ['ស្រេង', 'Sreng'], ['ហេង', 'Heng'], ['លី', 'Ly'],
  ['ពៅ', 'Pov'], ['ជា', 'Chea'], ['អ៊ុំ', 'Um'], ['ឈឿន', 'Chhoeun'], ['ទេព', 'Tep'], ['សៀង', 'Seang'],
] as const;
const GIVEN_F = [
  ['ស្រីមុំ', 'Sreymom'], ['សុភា', 'Sophea'], ['ម៉ាលី', 'Maly'], ['ស្រីនាង', 'Sreyneang'], ['សុជាតា', 'Socheata'],
  ['ចាន់ធី', 'Chanthy'], ['បុប្ផា', 'Bopha'], ['រស្មី', 'Reaksmey'], ['សៀវម៉េង', 'Sievmeng'], ['ធីតា', 'Thida'],
] as const;
const GIVEN_M = [
  ['សេរីវុធ', 'Sereyvuth'], ['ដារ៉ា', 'Dara'], ['សុវណ្ណ', 'Sovann'], ['វណ្ណៈ', 'Vanna'], ['បូរ៉ា', 'Bora'],
  ['ពិសិដ្ឋ', 'Piseth'], ['វិចិត្រ', 'Vichet'], ['រតនា', 'Rathana'], ['ភក្តី', 'Pheakdey'], ['សំណាង', 'Samnang'],
] as const;
const TEACHERS = ['អ៊ុំ ម៉ាលី', 'ពៅ វណ្ណៈ', 'សុខ ចាន់ធី', 'លី ពិសិដ្ឋ', 'ហេង បុប្ផា', 'ជា រតនា', 'ទេព សំណាង', 'គឹម ធីតា'];


function daysOf(kind: SchoolReport['kind']): { from: string; to: string; period: string; days: string[] } {
  if (kind === 'daily') return { from: '2026-11-19', to: '2026-11-19', period: '2026-11-19', days: ['2026-11-19'] };
  const from = kind === 'monthly' ? '2026-11-01' : '2026-11-02';
  const to = kind === 'monthly' ? '2026-11-30' : '2026-11-14';
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    const iso = d.toISOString().slice(0, 10);
    // Monday to Saturday, without Independence Day (9 November)
    if (d.getUTCDay() !== 0 && iso !== '2026-11-09') days.push(iso);
  }
  return { from, to, period: kind === 'monthly' ? '2026-11' : `${from}..${to}`, days };
}

function classNames(count: number): Array<{ name: string; shift: Shift }> {
  const base: Array<{ name: string; shift: Shift }> = [
    { name: '7A', shift: 'morning' },
    { name: '7B', shift: 'morning' },
    { name: '8A', shift: 'morning' },
    { name: '9A', shift: 'morning' },
    { name: '1A', shift: 'afternoon' },
    { name: '2A', shift: 'afternoon' },
    { name: '3A', shift: 'afternoon' },
    { name: '4B', shift: 'afternoon' },
  ];
  const out = base.slice(0, count);
  for (let i = out.length; i < count; i++) {
    const grade = 1 + (i % 9);
    out.push({ name: `${grade}${String.fromCharCode(67 + Math.floor(i / 9))}`, shift: grade >= 7 ? 'morning' : 'afternoon' });
  }
  return out.sort((a, b) => (a.shift === b.shift ? a.name.localeCompare(b.name) : a.shift === 'morning' ? -1 : 1));
}

const zero = (): Breakdown => ({ present: 0, absent: 0, late: 0, excused: 0, total: 0, presentF: 0, absentF: 0, lateF: 0, excusedF: 0, totalF: 0 });

function add(b: Breakdown, status: Status, sex: 'M' | 'F') {
  b[status] += 1;
  b.total += 1;
  if (sex === 'F') {
    b[`${status}F`] += 1;
    b.totalF += 1;
  }
}

export interface SampleOptions {
  kind?: SchoolReport['kind'];
  /** number of classes (8 by default; more are generated for timing) */
  classes?: number;
  seed?: number;
}

export function sampleReport(opts: SampleOptions = {}): SchoolReport {
  const kind = opts.kind ?? 'monthly';
  const rnd = seededRandom(opts.seed ?? 7);
  const { from, to, period, days } = daysOf(kind);
  const classes: ClassLine[] = [];
  const students: StudentLine[] = [];
  const daily: DayLine[] = [];
  const notSubmitted: MissingLine[] = [];
  const totals = zero();
  let serial = 0;

  classNames(opts.classes ?? 8).forEach(({ name, shift }, classIndex) => {
    const neverSubmitted = name === '3A';
    // in a period report, 8A did not submit its first two days
    const submitted = neverSubmitted ? [] : name === '8A' && days.length > 2 ? days.slice(2) : days;
    for (const day of days) {
      if (!submitted.includes(day)) notSubmitted.push({ day, className: name, shift, teacher: neverSubmitted ? null : TEACHERS[classIndex % TEACHERS.length]! });
    }
    const size = 28 + Math.floor(rnd() * 14);
    const counts = zero();
    let studentsF = 0;
    const byDay = new Map(submitted.map((d) => [d, { present: 0, absent: 0, late: 0, excused: 0 }]));
    for (let s = 0; s < size; s++) {
      serial += 1;
      const sex: 'M' | 'F' = rnd() < 0.5 ? 'F' : 'M';
      if (sex === 'F') studentsF += 1;
      const family = FAMILY[Math.floor(rnd() * FAMILY.length)]!;
      const givenList = sex === 'F' ? GIVEN_F : GIVEN_M;
      const given = givenList[Math.floor(rnd() * givenList.length)]!;
      // the two chronic absentees: 7A's third student (a run of 4) and 1A's fifth (3 scattered)
      const chronicRun = name === '7A' && s === 2;
      const chronicSpread = name === '1A' && s === 4;
      let absentOnce = false;
      const line: StudentLine = {
        code: `PP-0042-S${String(serial).padStart(5, '0')}`,
        nameKm: `${family[0]} ${given[0]}`,
        nameEn: s % 11 === 10 ? null : `${family[1]} ${given[1]}`,
        sex,
        className: name,
        present: 0,
        absent: 0,
        late: 0,
        excused: 0,
        days: 0,
        rate: null,
        maxConsecutiveAbsent: 0,
        chronic: false,
      };
      let run = 0;
      submitted.forEach((day, i) => {
        let status: Status;
        if (chronicRun && i >= 3 && i < 7) status = 'absent';
        else if (chronicRun && days.length === 1) status = 'absent';
        else if (chronicSpread && (i === 1 || i === 8 || i === 15)) status = 'absent';
        else {
          const r = rnd();
          if (r < 0.025 && !absentOnce && !chronicRun && !chronicSpread) {
            status = 'absent';
            absentOnce = true;
          } else if (r < 0.07) status = 'late';
          else if (r < 0.1) status = 'excused';
          else status = 'present';
        }
        line[status] += 1;
        line.days += 1;
        run = status === 'absent' ? run + 1 : 0;
        line.maxConsecutiveAbsent = Math.max(line.maxConsecutiveAbsent, run);
        add(counts, status, sex);
        add(totals, status, sex);
        byDay.get(day)![status] += 1;
      });
      line.rate = line.days > 0 ? (line.present + line.late) / line.days : null;
      line.chronic = line.maxConsecutiveAbsent >= 3 || (line.days > 0 && line.absent / line.days >= 0.1);
      students.push(line);
    }
    for (const [day, c] of byDay) daily.push({ day, className: name, shift, ...c });
    classes.push({
      className: name,
      shift,
      students: size,
      studentsF,
      submittedDays: submitted.length,
      schoolDays: days.length,
      counts,
      rate: counts.total > 0 ? (counts.present + counts.late) / counts.total : null,
    });
  });

  daily.sort((a, b) => a.day.localeCompare(b.day));
  notSubmitted.sort((a, b) => a.day.localeCompare(b.day));
  return {
    kind,
    school: { code: 'PP-0042', nameKm: 'សាលាបឋម និងអនុវិទ្យាល័យ ព្រែកលៀប', nameEn: 'Prek Leap Primary and Lower Secondary School' },
    from,
    to,
    period,
    schoolDays: days,
    classes,
    totals,
    rate: totals.total > 0 ? (totals.present + totals.late) / totals.total : null,
    students,
    daily,
    notSubmitted,
  };
}

async function main() {
  const [outDir = '/tmp', kindArg = 'daily', classesArg = '8'] = process.argv.slice(2);
  const kind = (['daily', 'monthly', 'range'].includes(kindArg) ? kindArg : 'daily') as SchoolReport['kind'];
  const { createI18n } = await import('../src/core/i18n/index.js');
  const { renderReportChart } = await import('../src/reports/render.js');
  const { renderReportWorkbook } = await import('../src/reports/workbook.js');
  const i18n = createI18n('km', () => undefined);
  const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => i18n.t(locale, key, vars);
  const report = sampleReport({ kind, classes: Number(classesArg) });
  for (const locale of ['km', 'en'] as const) {
    let start = performance.now();
    const png = await renderReportChart(report, locale, t);
    const chartMs = performance.now() - start;
    start = performance.now();
    const xlsx = await renderReportWorkbook(report, locale, t);
    const bookMs = performance.now() - start;
    await writeFile(path.join(outDir, `report-${locale}.png`), png);
    await writeFile(path.join(outDir, `report-${locale}.xlsx`), xlsx);
    console.log(`${locale}: chart ${chartMs.toFixed(0)} ms (${png.length} bytes), workbook ${bookMs.toFixed(0)} ms (${xlsx.length} bytes)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
