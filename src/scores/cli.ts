/** `scores plan` and `scores subject`: the grading setup from the command line. */
import { CliUsageError, requireOption, type CliCommand, type CliContext } from '../core/cli.js';
import { getSchool } from '../schools/service.js';
import { acceptDefaultPlan, setSubjectMax, subjectsOf } from './service-setup.js';

async function schoolOrUsage(ctx: CliContext, code: string) {
  const school = await getSchool(ctx.database.db, code);
  if (!school) throw new CliUsageError(`no school with code ${code}`);
  return school;
}

const planCli: CliCommand = {
  name: 'scores plan',
  usage: '--school CODE [--rules kh-practice|vn-c22]',
  summary: "accepts the default grading plan for the school's current year (Cambodian subjects and maxima,\nmonthly tests and semester exams, or Circular 22's regular/mid/end marks); prints the plan",
  options: { school: { type: 'string' }, rules: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOrUsage(ctx, requireOption(values, 'school'));
    const rules = typeof values.rules === 'string' ? values.rules : 'kh-practice';
    const r = await acceptDefaultPlan(ctx.database.db, school.id, 'cli', rules);
    if (!r.ok) {
      ctx.out.error(r.reason === 'no-year' ? 'the school has no current year (import its roster first)' : `unknown rule set ${rules}`);
      return false;
    }
    ctx.out.line(`${r.created ? 'Accepted' : 'Kept'} plan ${r.plan.id} (${r.plan.ruleSetCode}); ${r.subjects} subjects added.`);
    for (const a of r.plan.assessments) ctx.out.line(`  term ${a.term}  ${a.code.padEnd(6)} ${a.kind}${a.dueOn ? `  due ${a.dueOn}` : ''}`);
    return true;
  },
};

const subjectCli: CliCommand = {
  name: 'scores subject',
  usage: '--school CODE [--grade N --code maths --max 100]',
  summary: "lists the school's graded subjects, or sets one subject's maximum score for a grade",
  options: { school: { type: 'string' }, grade: { type: 'string' }, code: { type: 'string' }, max: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOrUsage(ctx, requireOption(values, 'school'));
    if (values.max !== undefined) {
      const r = await setSubjectMax(ctx.database.db, school.id, Number(requireOption(values, 'grade')), requireOption(values, 'code'), Number(values.max), 'cli');
      if (r === 'not-found') ctx.out.error('no such subject');
      if (r === 'bad-max') ctx.out.error('the maximum is not between 0 and 1000');
      if (r === 'has-scores') ctx.out.error('scores are already entered for this subject: its maximum stays');
      return r === 'ok';
    }
    for (const s of await subjectsOf(ctx.database.db, school.id, values.grade ? Number(values.grade) : undefined)) ctx.out.line(`grade ${s.grade}  ${s.code.padEnd(14)} /${s.maxScore}  ${s.nameEn} · ${s.nameKm}`);
    return true;
  },
};

export const scoresCli: readonly CliCommand[] = [planCli, subjectCli];
