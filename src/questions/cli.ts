/** `teach` (subject teachers of a class) and `questions` (answer time and per-parent limits). */
import { CliUsageError, requireOption, type CliCommand } from '../core/cli.js';
import { getSchool } from '../schools/service.js';
import { getQuestionRules, setQuestionRules } from './service-rules.js';
import { addClassTeacher, listClassTeachers, removeClassTeacher } from './teaching.js';

export const teachCli: CliCommand = {
  name: 'teach',
  usage: '--school CODE --class 7A [--staff CODE [--subject NAME] [--remove]]',
  summary: "subject teachers of a class (parents may write to them); without --staff, lists the class's teachers",
  options: { school: { type: 'string' }, class: { type: 'string' }, staff: { type: 'string' }, subject: { type: 'string' }, remove: { type: 'boolean' } },
  async run(ctx, { values }) {
    const { db } = ctx.database;
    const schoolCode = requireOption(values, 'school');
    const v = values as { class?: string; staff?: string; subject?: string; remove?: boolean };
    const school = await getSchool(db, schoolCode);
    if (!school) throw new CliUsageError(`no school with code ${schoolCode}`);
    if (!v.class) throw new CliUsageError('--class is required');
    if (v.staff) {
      const r = v.remove
        ? await removeClassTeacher(db, { schoolId: school.id, className: v.class, staffCode: v.staff, actor: 'cli' })
        : await addClassTeacher(db, { schoolId: school.id, className: v.class, staffCode: v.staff, subject: v.subject, actor: 'cli' });
      if (!r.ok) {
        ctx.out.error(r.reason === 'unknown-class' ? `no class ${v.class} at ${schoolCode} this year` : `no active staff ${v.staff} at ${schoolCode}`);
        return false;
      }
    } else if (v.remove) throw new CliUsageError('--remove needs --staff');
    const list = await listClassTeachers(db, school.id, v.class);
    if (!list) {
      ctx.out.error(`no class ${v.class} at ${schoolCode} this year`);
      return false;
    }
    ctx.out.line(`Class ${list.className}:`);
    for (const t of list.teachers) ctx.out.line(`  ${t.staffCode}\t${t.homeroom ? 'homeroom' : t.subject || 'subject teacher'}\t${t.nameKm}${t.linked ? '' : '\t(not on Telegram)'}`);
    if (list.teachers.length === 0) ctx.out.line('  (none)');
    return true;
  },
};

export const questionsCli: CliCommand = {
  name: 'questions',
  usage: '--school CODE [--within HOURS] [--per-hour N] [--per-day N]',
  summary: "parents' questions: hours before an unanswered one goes to the principal, and questions per parent",
  options: { school: { type: 'string' }, within: { type: 'string' }, 'per-hour': { type: 'string' }, 'per-day': { type: 'string' } },
  async run(ctx, { values: v }) {
    const { db } = ctx.database;
    const schoolCode = requireOption(v, 'school');
    const school = await getSchool(db, schoolCode);
    if (!school) throw new CliUsageError(`no school with code ${schoolCode}`);
    const number = (name: string, max: number) => {
      const x = v[name];
      if (typeof x !== 'string') return undefined;
      const n = Number(x);
      if (!Number.isInteger(n) || n < 1 || n > max) throw new CliUsageError(`--${name} takes a whole number 1-${max}`);
      return n;
    };
    const changes = { answerWithinHours: number('within', 168), maxPerHour: number('per-hour', 100), maxPerDay: number('per-day', 500) };
    const rules = Object.values(changes).some((x) => x !== undefined)
      ? await setQuestionRules(db, { schoolId: school.id, ...changes, actor: 'cli' })
      : await getQuestionRules(db, school.id);
    ctx.out.line(`${school.code}: unanswered questions go to the principal after ${rules.answerWithinHours} h; each parent may send ${rules.maxPerHour} per hour, ${rules.maxPerDay} per day`);
    return true;
  },
};
