/** `scores plan`, `scores subject` and `scores subjects export|import`: the grading setup from the command line. */
import { readFile, writeFile } from 'node:fs/promises';
import { CliUsageError, requireOption, type CliCommand, type CliContext } from '../core/cli.js';
import { getSchool } from '../schools/service.js';
import { formatNumber } from '../core/i18n/index.js';
import { acceptDefaultPlan, setSubjectMax, subjectsOf } from './service-setup.js';
import { saveSchoolSubjectsEdit, subjectRows } from './service-subjects.js';
import { checkSchoolSubjectsFile, rowProblems } from './service-subjects-file.js';
import { fileProblemLines, previewLines, type Tr } from './subjects-view.js';
import { COLUMNS, headerLabels, subjectsWorkbook } from './subjects-workbook.js';

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

/**
 * The workbook of the bot's 📥 Excel, and the same file read back through the same service: its
 * problems by row, the preview, and (without --dry-run) the save, audited per change as 'cli'.
 * Messages in --lang, as the bot says them.
 */
const subjectsCli: CliCommand = {
  name: 'scores subjects',
  usage: 'export --school CODE FILE.xlsx | import --school CODE [--dry-run] FILE.xlsx',
  summary: "writes the school's subjects as the bot's workbook (grade, code, names, maximum, in use), or reads\none back: problems by row, the changes, saved unless --dry-run (a row left out changes nothing)",
  options: { school: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  positionals: true,
  async run(ctx, { values, positionals }) {
    const [action, file, extra] = positionals;
    if (!file || extra !== undefined || (action !== 'export' && action !== 'import')) throw new CliUsageError('say export or import, then one .xlsx file');
    const school = await schoolOrUsage(ctx, requireOption(values, 'school'));
    const labels = ctx.notifier.t.bind(ctx.notifier);
    const t: Tr = (key, vars) => labels(ctx.locale, key, vars);
    const db = ctx.database.db;
    if (action === 'export') {
      if (values['dry-run']) throw new CliUsageError('--dry-run is for import');
      const rows = await subjectRows(db, school.id);
      await writeFile(file, await subjectsWorkbook(rows, ctx.locale, labels));
      ctx.out.line(`Wrote ${rows.length} subjects of ${school.code} to ${file}.`);
      return true;
    }
    const r = await checkSchoolSubjectsFile(db, school.id, { name: file, bytes: await readFile(file) }, labels);
    if (!r.ok) {
      if (r.reason === 'headers') ctx.out.error(t('scores-subjects-xlsx-headers', { columns: headerLabels(ctx.locale, labels).join(', '), missing: r.missing.map((c) => headerLabels(ctx.locale, labels)[COLUMNS.indexOf(c)]!).join(', ') }));
      else if (r.reason === 'problems') {
        ctx.out.error(t('scores-subjects-xlsx-problems', { file, count: formatNumber(ctx.locale, new Set(r.problems.map((p) => p.line)).size) }));
        for (const line of fileProblemLines(r.problems, ctx.locale, t)) ctx.out.error(line);
      } else if (r.reason === 'unchanged') {
        ctx.out.line(t('scores-subjects-xlsx-unchanged'));
        return true;
      } else ctx.out.error(t(`scores-subjects-xlsx-${r.reason === 'not-subjects' ? 'headers-none' : r.reason}`, { columns: headerLabels(ctx.locale, labels).join(', ') }));
      return false;
    }
    ctx.out.line(t('scores-subjects-preview'));
    for (const line of previewLines(r.preview, ctx.locale, t)) ctx.out.line(line);
    if (values['dry-run']) {
      ctx.out.line(t('scores-subjects-xlsx-dry-run'));
      return true;
    }
    const saved = await saveSchoolSubjectsEdit(db, school.id, 'cli', r.edits.text);
    if (!saved.ok) {
      ctx.out.error(t('scores-subjects-stale'));
      if (saved.reason === 'problems') for (const line of fileProblemLines(rowProblems(saved.problems, r.edits.rows), ctx.locale, t)) ctx.out.error(line);
      return false;
    }
    const p = saved.preview;
    ctx.out.line(t('scores-subjects-saved', { count: formatNumber(ctx.locale, p.added.length + p.changed.length + p.removed.length) }));
    return true;
  },
};

export const scoresCli: readonly CliCommand[] = [planCli, subjectCli, subjectsCli];
