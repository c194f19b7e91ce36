/** `budget plan` and `budget line`: a school's plan per line and source, and its chart of lines. */
import { and, eq } from 'drizzle-orm';
import { CliUsageError, requireOption, type CliCommand, type CliContext } from '../core/cli.js';
import { audit } from '../core/auth/audit.js';
import { getSchool } from '../schools/service.js';
import { linesOf } from './lines.js';
import { budgetLines } from './schema.js';
import { setPlan } from './service.js';

async function schoolOrUsage(ctx: CliContext, code: string) {
  const school = await getSchool(ctx.database.db, code);
  if (!school) throw new CliUsageError(`no school with code ${code}`);
  return school;
}

const planCli: CliCommand = {
  name: 'budget plan',
  usage: '--school CODE --year YYYY --line CODE --source state|community|partner --riel AMOUNT',
  summary: "sets the plan of one budget line and source for a fiscal year, in riel",
  options: { school: { type: 'string' }, year: { type: 'string' }, line: { type: 'string' }, source: { type: 'string' }, riel: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOrUsage(ctx, requireOption(values, 'school'));
    const r = await setPlan(ctx.database.db, {
      schoolId: school.id,
      fiscalYear: Number(requireOption(values, 'year')),
      lineCode: requireOption(values, 'line'),
      source: requireOption(values, 'source'),
      amountRiel: Number(requireOption(values, 'riel').replace(/[,\s]/g, '')),
      by: 'cli',
    });
    if (!r.ok) throw new CliUsageError(`not set: ${r.reason}`);
    ctx.out.line('Plan set.');
    return true;
  },
};

const lineCli: CliCommand = {
  name: 'budget line',
  usage: '--school CODE --code CODE [--km NAME --en NAME] [--retire]',
  summary: "adds or renames a budget line of the school's chart (--retire hides it from new expenses)",
  options: { school: { type: 'string' }, code: { type: 'string' }, km: { type: 'string' }, en: { type: 'string' }, retire: { type: 'boolean' } },
  async run(ctx, { values }) {
    const db = ctx.database.db;
    const school = await schoolOrUsage(ctx, requireOption(values, 'school'));
    const code = requireOption(values, 'code');
    if (!/^[a-z0-9-]{1,32}$/.test(code)) throw new CliUsageError('a line code is 1-32 lowercase letters, digits or dashes');
    const lines = await linesOf(db, school.id);
    const existing = lines.find((l) => l.code === code);
    if (values.retire) {
      if (!existing) throw new CliUsageError(`no line ${code}`);
      await db.update(budgetLines).set({ active: false }).where(and(eq(budgetLines.schoolId, school.id), eq(budgetLines.code, code)));
    } else if (existing) {
      await db
        .update(budgetLines)
        .set({ active: true, ...(values.km ? { nameKm: String(values.km) } : {}), ...(values.en ? { nameEn: String(values.en) } : {}) })
        .where(and(eq(budgetLines.schoolId, school.id), eq(budgetLines.code, code)));
    } else {
      await db.insert(budgetLines).values({ schoolId: school.id, code, nameKm: requireOption(values, 'km'), nameEn: requireOption(values, 'en'), position: lines.length });
    }
    await audit(db, { actor: 'cli', schoolId: school.id, action: 'budget.line', details: { code, retire: Boolean(values.retire) } });
    ctx.out.line('Line saved.');
    return true;
  },
};

export const budgetCli: readonly CliCommand[] = [planCli, lineCli];
