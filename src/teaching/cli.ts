/**
 * `timetable import`, `timetable workbook`, `teaching settings`, `teaching run` and `hours report`:
 * the same services the bot and the worker call, for the server's administrator and for trying
 * the demo school without waiting for the clock.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliUsageError, requireOption, type CliCommand, type CliContext } from '../core/cli.js';
import { isRealDay, schoolClock } from '../core/clock.js';
import { getSchool } from '../schools/service.js';
import { evening, shiftEnd } from './daily.js';
import { demoTimetableWorkbook } from './demo.js';
import { hoursSummary, makeHoursReport, monthlyHours } from './hours-service.js';
import { renderHoursWorkbook } from './hours-workbook.js';
import { problemLines } from './problems.js';
import { getTeachingSettings, setTeachingSettings, SettingsError } from './settings.js';
import { importTimetable } from './timetable.js';
import { schoolTimetableWorkbook } from './timetable-workbook.js';

async function schoolOrUsage(ctx: CliContext, code: string) {
  const school = await getSchool(ctx.database.db, code);
  if (!school) throw new CliUsageError(`no school with code ${code}`);
  return school;
}

function dayOption(v: Record<string, string | boolean | undefined>, name: string): string | undefined {
  const d = v[name];
  if (d === undefined) return undefined;
  if (typeof d !== 'string' || !isRealDay(d)) throw new CliUsageError(`--${name} takes a date YYYY-MM-DD`);
  return d;
}

const timetableImportCli: CliCommand = {
  name: 'timetable import',
  usage: '--school CODE [--from YYYY-MM-DD] [--to YYYY-MM-DD] FILE.xlsx',
  summary: 'the school timetable from its Excel grid (one sheet per class), checked for clashes and the weekly cap;\nholds from --from (default today) to --to (default: until the next import)',
  options: { school: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  positionals: true,
  async run(ctx, { values, positionals }) {
    const file = positionals[0];
    if (!file) throw new CliUsageError('give the workbook to import');
    const school = await schoolOrUsage(ctx, requireOption(values, 'school'));
    const bytes = await readFile(file).catch(() => {
      throw new CliUsageError(`cannot read ${file}`);
    });
    const validFrom = dayOption(values, 'from') ?? schoolClock(school.timezone).day;
    const r = await importTimetable(ctx.database.db, { schoolId: school.id, fileName: path.basename(file), bytes, validFrom, validTo: dayOption(values, 'to'), actor: 'cli', t: ctx.notifier.t });
    if (!r.ok) {
      ctx.out.error(`${path.basename(file)}: ${r.problems.length} problem(s), nothing was imported:`);
      for (const line of await problemLines(ctx.database.db, school.id, r.problems, ctx.locale, ctx.notifier.t)) ctx.out.error(`  ${line}`);
      return false;
    }
    const s = r.summary;
    ctx.out.line(`${path.basename(file)}: ${s.classes} classes, ${s.lessons} lessons, ${s.teachers} teachers; holds from ${s.validFrom}${s.validTo ? ` to ${s.validTo}` : ''}.`);
    if (s.withoutTimetable.length) ctx.out.line(`Classes without a sheet (no lessons now): ${s.withoutTimetable.join(', ')}`);
    return true;
  },
};

const timetableWorkbookCli: CliCommand = {
  name: 'timetable workbook',
  usage: '--school CODE --out FILE.xlsx [--demo [--conflict]]',
  summary: "the school's timetable as its Excel grid (or an empty grid of its classes) to edit and import;\n--demo: the demo school's sample timetable (--conflict: with one clash, to see the check)",
  options: { school: { type: 'string' }, out: { type: 'string' }, demo: { type: 'boolean' }, conflict: { type: 'boolean' } },
  async run(ctx, { values }) {
    const out = requireOption(values, 'out');
    const school = await schoolOrUsage(ctx, requireOption(values, 'school'));
    const bytes = values.demo
      ? await demoTimetableWorkbook(ctx.locale, ctx.notifier.t, { withConflict: Boolean(values.conflict) })
      : (await schoolTimetableWorkbook(ctx.database.db, school.id, schoolClock(school.timezone).day, ctx.locale, ctx.notifier.t)).bytes;
    await writeFile(out, bytes);
    ctx.out.line(`Wrote ${out}.`);
    return true;
  },
};

const settingsCli: CliCommand = {
  name: 'teaching settings',
  usage: '--school CODE [--weekly-cap LESSONS] [--evening HH:MM] [--grace MINUTES]',
  summary: 'the weekly cap of lessons per teacher, the evening reminder, and how long after it lessons can be confirmed',
  options: { school: { type: 'string' }, 'weekly-cap': { type: 'string' }, evening: { type: 'string' }, grace: { type: 'string' } },
  async run(ctx, { values: v }) {
    const school = await schoolOrUsage(ctx, requireOption(v, 'school'));
    const change: Record<string, unknown> = {};
    if (typeof v['weekly-cap'] === 'string') change.weeklyCap = Number(v['weekly-cap']);
    if (typeof v.evening === 'string') change.eveningAt = v.evening;
    if (typeof v.grace === 'string') change.graceMinutes = Number(v.grace);
    try {
      const s = Object.keys(change).length ? await setTeachingSettings(ctx.database.db, school.id, change, 'cli') : await getTeachingSettings(ctx.database.db, school.id);
      if (Object.keys(change).length && !(await ctx.syncSchool(school.id))) ctx.out.line('(Redis not reachable: the worker picks up the evening time at its next start or within the hour)');
      ctx.out.line(`${school.code}: weekly cap ${s.weeklyCap} lessons; evening reminder ${s.eveningAt}, confirmations until ${s.graceMinutes} min after it (${school.timezone})`);
      return true;
    } catch (err) {
      if (err instanceof SettingsError) throw new CliUsageError(err.message);
      throw err;
    }
  },
};

const runCli: CliCommand = {
  name: 'teaching run',
  usage: '--school CODE --job shift-end|evening|monthly [--shift morning|afternoon] [--at ISO-TIME]',
  summary: "runs one of the scheduled jobs now (or as at --at): messages go to the outbox, the worker sends them",
  options: { school: { type: 'string' }, job: { type: 'string' }, shift: { type: 'string' }, at: { type: 'string' } },
  async run(ctx, { values: v }) {
    const school = await schoolOrUsage(ctx, requireOption(v, 'school'));
    const at = typeof v.at === 'string' ? new Date(v.at) : new Date();
    if (Number.isNaN(at.getTime())) throw new CliUsageError('--at takes a time like 2026-11-23T11:00:00+07:00');
    const job = requireOption(v, 'job');
    let result: unknown;
    if (job === 'shift-end') {
      if (v.shift !== 'morning' && v.shift !== 'afternoon') throw new CliUsageError('--shift morning|afternoon');
      result = await shiftEnd(ctx.database.db, { schoolId: school.id, shift: v.shift, now: at, notifier: ctx.notifier });
    } else if (job === 'evening') result = await evening(ctx.database.db, { schoolId: school.id, now: at, notifier: ctx.notifier });
    else if (job === 'monthly') result = await monthlyHours(ctx.database, { schoolId: school.id, now: at }, ctx.notifier);
    else throw new CliUsageError('--job shift-end|evening|monthly');
    ctx.out.line(JSON.stringify(result));
    return true;
  },
};

const hoursCli: CliCommand = {
  name: 'hours report',
  usage: '--school CODE --month YYYY-MM [--out FILE.xlsx]',
  summary: 'teaching hours of a month: planned and delivered per teacher (the workbook to --out)',
  options: { school: { type: 'string' }, month: { type: 'string' }, out: { type: 'string' } },
  async run(ctx, { values: v }) {
    const school = await schoolOrUsage(ctx, requireOption(v, 'school'));
    const month = requireOption(v, 'month');
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new CliUsageError('--month takes YYYY-MM');
    const r = await makeHoursReport(ctx.database.db, { schoolId: school.id, month, locale: ctx.locale, today: schoolClock(school.timezone).day }, ctx.notifier);
    ctx.out.line(hoursSummary(r.report, ctx.locale, ctx.notifier.t));
    for (const t of r.report.teachers) ctx.out.line(`  ${t.staffCode}: planned ${t.planned}, delivered ${t.delivered} + cover ${t.coverGiven}, not taught ${Object.values(t.notTaught).reduce((a, b) => a + b, 0)}, unconfirmed ${t.unconfirmed}`);
    if (typeof v.out === 'string') {
      await writeFile(v.out, await renderHoursWorkbook(r.report, ctx.locale, ctx.notifier.t));
      ctx.out.line(`Wrote ${v.out}.`);
    }
    return true;
  },
};

export const teachingCli: readonly CliCommand[] = [timetableImportCli, timetableWorkbookCli, settingsCli, runCli, hoursCli];
