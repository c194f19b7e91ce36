/** `npm run cli -- invite …`: single-use invite codes and links, printed for paper or a message. */
import { schoolBotUsername } from '../core/telegram/fleet.js';
import { and, asc, eq } from 'drizzle-orm';
import { CliUsageError, requireOption, type CliCommand, type CliContext } from '../core/cli.js';
import { classes, staff, students } from '../core/db/schema.js';
import { currentYearOf } from '../core/db/years.js';
import { getSchool } from '../schools/service.js';
import { createInvite, deepLink, INVITE_KINDS, type InviteKind } from './invites.js';

export async function printInvites(
  ctx: CliContext,
  opts: { school: string; role: string; student?: string; class?: string; staff?: string; days?: string },
): Promise<boolean> {
  const { db } = ctx.database;
  const school = await getSchool(db, opts.school);
  if (!school) throw new CliUsageError(`no school with code ${opts.school}`);
  const kind = INVITE_KINDS.find((k) => k === opts.role) as InviteKind | undefined;
  if (!kind) throw new CliUsageError(`--role must be one of ${INVITE_KINDS.join(', ')}`);
  const ttlDays = opts.days ? Number(opts.days) : undefined;
  if (ttlDays !== undefined && !(Number.isInteger(ttlDays) && ttlDays > 0 && ttlDays <= 365)) throw new CliUsageError('--days must be 1-365');
  // a school served by another bot of the fleet: its links open that bot
  const botUsername = (await schoolBotUsername(db, school.id)) ?? ctx.config.BOT_USERNAME;
  const link = (code: string) => deepLink(botUsername, code);

  if (kind === 'parent') {
    let targets: Array<{ id: number; code: string; nameKm: string; className: string | null }>;
    if (opts.student) {
      targets = await db
        .select({ id: students.id, code: students.studentCode, nameKm: students.nameKm, className: classes.name })
        .from(students)
        .leftJoin(classes, eq(classes.id, students.classId))
        .where(and(eq(students.schoolId, school.id), eq(students.studentCode, opts.student)));
      if (targets.length === 0) throw new CliUsageError(`no student ${opts.student} at ${opts.school}`);
    } else if (opts.class) {
      targets = await db
        .select({ id: students.id, code: students.studentCode, nameKm: students.nameKm, className: classes.name })
        .from(students)
        .innerJoin(classes, eq(classes.id, students.classId))
        .innerJoin(...currentYearOf(classes))
        .where(and(eq(students.schoolId, school.id), eq(classes.name, opts.class.toUpperCase()), eq(students.active, true)))
        .orderBy(asc(students.rollNo));
      if (targets.length === 0) throw new CliUsageError(`no students in class ${opts.class} at ${opts.school}`);
    } else {
      throw new CliUsageError('a parent invite needs --student CODE or --class NAME');
    }
    ctx.out.line('student_code\tclass\tname_km\tcode\tlink\texpires');
    for (const t of targets) {
      const inv = await createInvite(db, { schoolId: school.id, kind, studentId: t.id, createdBy: 'cli', ttlDays });
      ctx.out.line([t.code, t.className ?? '', t.nameKm, inv.code, link(inv.code), inv.expiresAt.toISOString().slice(0, 10)].join('\t'));
    }
  } else {
    let staffId: number | undefined;
    if (opts.staff) {
      const [row] = await db.select({ id: staff.id }).from(staff).where(and(eq(staff.schoolId, school.id), eq(staff.staffCode, opts.staff)));
      if (!row) throw new CliUsageError(`no staff ${opts.staff} at ${opts.school}`);
      staffId = row.id;
    }
    const inv = await createInvite(db, { schoolId: school.id, kind, staffId, createdBy: 'cli', ttlDays });
    ctx.out.line(`${kind} invite for ${school.code} (single use, until ${inv.expiresAt.toISOString().slice(0, 10)}):`);
    ctx.out.line(`  link: ${link(inv.code)}`);
    ctx.out.line(`  code: ${inv.code}`);
  }
  if (!botUsername) ctx.out.line('(set BOT_USERNAME to print complete t.me links)');
  return true;
}

export const inviteCli: CliCommand = {
  name: 'invite',
  usage: `--school CODE --role ${INVITE_KINDS.join('|')}\n       [--student CODE | --class 7A] [--staff CODE] [--days N]`,
  summary: 'single-use invite codes and t.me links (parents: per student or a whole class)',
  options: { school: { type: 'string' }, role: { type: 'string' }, student: { type: 'string' }, class: { type: 'string' }, staff: { type: 'string' }, days: { type: 'string' } },
  run: (ctx, { values }) =>
    printInvites(ctx, {
      school: requireOption(values, 'school'),
      role: requireOption(values, 'role'),
      student: values.student as string | undefined,
      class: values.class as string | undefined,
      staff: values.staff as string | undefined,
      days: values.days as string | undefined,
    }),
};
