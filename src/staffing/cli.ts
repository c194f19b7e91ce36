/** `records export` and `records import`: the staff-records workbook from the command line. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliUsageError, requireOption, type CliCommand, type CliContext } from '../core/cli.js';
import { getSchool } from '../schools/service.js';
import { importRecords, recordsOf } from './records.js';
import { recordsWorkbook } from './workbook.js';

async function schoolOrUsage(ctx: CliContext, code: string) {
  const school = await getSchool(ctx.database.db, code);
  if (!school) throw new CliUsageError(`no school with code ${code}`);
  return school;
}

const exportCli: CliCommand = {
  name: 'records export',
  usage: '--school CODE --out FILE.xlsx',
  summary: "the school's staff records (position, date of birth, qualification, training, employment, start, status)\nas a workbook to fill in; the same file imports back",
  options: { school: { type: 'string' }, out: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOrUsage(ctx, requireOption(values, 'school'));
    const out = requireOption(values, 'out');
    await writeFile(out, await recordsWorkbook(await recordsOf(ctx.database.db, school.id), ctx.locale, ctx.notifier.t));
    ctx.out.line(`Wrote ${out}.`);
    return true;
  },
};

const importCli: CliCommand = {
  name: 'records import',
  usage: '--school CODE FILE.xlsx',
  summary: 'staff records from the workbook (all rows or none; every problem with its cell)',
  options: { school: { type: 'string' } },
  positionals: true,
  async run(ctx, { values, positionals }) {
    const file = positionals[0];
    if (!file) throw new CliUsageError('give the workbook to import');
    const school = await schoolOrUsage(ctx, requireOption(values, 'school'));
    const bytes = await readFile(file).catch(() => {
      throw new CliUsageError(`cannot read ${file}`);
    });
    const r = await importRecords(ctx.database.db, { schoolId: school.id, bytes, actor: 'cli', t: ctx.notifier.t });
    if (!r.ok) {
      ctx.out.error(`${path.basename(file)}: ${r.problems.length} problem(s), nothing was imported:`);
      for (const p of r.problems) ctx.out.error(`  ${ctx.notifier.t(ctx.locale, `staffing-err-${p.code}`, { cell: p.cell || '—', value: p.value ?? '' })}`);
      return false;
    }
    ctx.out.line(`${path.basename(file)}: ${r.updated} records saved.`);
    return true;
  },
};

export const staffingCli: readonly CliCommand[] = [exportCli, importCli];
