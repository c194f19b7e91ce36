/**
 * Who may have which report, and the short answers about children that need no picture: a
 * parent's own children this month, and one student's month for their teacher or the office.
 * Every staff read of a child's record, and every refusal, is audited (ids only).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Db } from '../core/db/client.js';
import { pgArrayLiteral } from '../core/db/batch.js';
import { classes, students } from '../core/db/schema.js';
import { officeMembership, type Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { classesFor } from '../attendance/service.js';

/** What a person asking for a school report (not a roll-up) may have. */
export type ReportScopeChoice =
  | { kind: 'school'; schoolId: number }
  | { kind: 'classes'; schoolId: number; classIds: number[] }
  | { kind: 'children' }
  | { kind: 'denied' };

/**
 * The scope of `/report [class] …`: a class the asker teaches or whose school office they are in;
 * without a class, the office's whole school, else a teacher's own classes, else a parent's
 * children. A refused class is audited.
 */
export async function reportScopeFor(db: Db, actor: Actor, input: { classToken?: string; today: string }): Promise<ReportScopeChoice> {
  const office = officeMembership(actor);
  const teacherOf = actor.staff.length > 0 ? await classesFor(db, actor, input.today) : [];
  if (input.classToken) {
    const cls = teacherOf.find((c) => c.name === input.classToken && (c.own || officeMembership(actor, c.schoolId)));
    if (!cls) {
      await audit(db, { actor: actorOf(actor.telegramUserId), action: 'report.request', entity: 'class', entityId: input.classToken, outcome: 'denied' });
      return { kind: 'denied' };
    }
    return { kind: 'classes', schoolId: cls.schoolId, classIds: [cls.id] };
  }
  if (office) return { kind: 'school', schoolId: office.schoolId };
  const own = teacherOf.filter((c) => c.own);
  if (own.length > 0) {
    const schoolId = own[0]!.schoolId;
    return { kind: 'classes', schoolId, classIds: own.filter((c) => c.schoolId === schoolId).map((c) => c.id) };
  }
  if (actor.childIds.length > 0) return { kind: 'children' };
  return { kind: 'denied' };
}

export interface MonthCounts {
  present: number;
  late: number;
  absent: number;
  excused: number;
  /** days marked */
  days: number;
}

export interface ChildMonth extends MonthCounts {
  nameKm: string;
  nameEn: string | null;
  className: string | null;
}

const countColumns = (status: string) => {
  const s = sql.raw(status);
  return sql`count(${s}) filter (where ${s} = 'present')::int as present,
             count(${s}) filter (where ${s} = 'late')::int as late,
             count(${s}) filter (where ${s} = 'absent')::int as absent,
             count(${s}) filter (where ${s} = 'excused')::int as excused,
             count(${s})::int as days`;
};

const countsOf = (r: Record<string, unknown> | undefined): MonthCounts => ({
  present: Number(r?.present ?? 0),
  late: Number(r?.late ?? 0),
  absent: Number(r?.absent ?? 0),
  excused: Number(r?.excused ?? 0),
  days: Number(r?.days ?? 0),
});

/** A parent's own children (the actor's), between two days: one small query, no picture. */
export async function childrenMonth(database: Database, actor: Actor, period: { from: string; to: string }): Promise<ChildMonth[]> {
  if (actor.childIds.length === 0) return [];
  const rows = await database.rows<Record<string, unknown> & { name_km: string; name_en: string | null; class_name: string | null }>(
    sql`select s.name_km, s.name_en, c.name as class_name, ${countColumns('a.status')}
          from students s
          left join classes c on c.id = s.class_id
          left join attendance a on a.student_id = s.id and a.day between ${period.from}::date and ${period.to}::date
         where s.id = any(${pgArrayLiteral(actor.childIds)}::bigint[])
         group by s.id, c.name
         order by s.name_km`,
  );
  return rows.map((r) => ({ nameKm: r.name_km, nameEn: r.name_en, className: r.class_name, ...countsOf(r) }));
}

export interface StudentFound {
  id: number;
  schoolId: number;
  nameKm: string;
  nameEn: string | null;
  className: string | null;
}

/**
 * The student with this code whom the actor may read: of their own class, or of a school whose
 * office they are in; null (and audited) otherwise.
 */
export async function studentForStaff(db: Db, actor: Actor, code: string, today: string): Promise<StudentFound | null> {
  const schoolIds = [...new Set(actor.staff.map((m) => m.schoolId))];
  const [student] = schoolIds.length
    ? await db
        .select({ id: students.id, schoolId: students.schoolId, classId: students.classId, nameKm: students.nameKm, nameEn: students.nameEn, className: classes.name })
        .from(students)
        .leftJoin(classes, eq(classes.id, students.classId))
        .where(and(eq(students.studentCode, code), inArray(students.schoolId, schoolIds)))
    : [];
  const office = student && officeMembership(actor, student.schoolId);
  const own = student && !office && (await classesFor(db, actor, today)).some((c) => c.own && c.id === student.classId);
  if (!student || (!office && !own)) {
    // ids only: the code as typed is the user's text (it may be a phone number or a name)
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: student?.schoolId ?? null, action: 'student.read', entity: 'student', entityId: student?.id, outcome: 'denied' });
    return null;
  }
  return { id: student.id, schoolId: student.schoolId, nameKm: student.nameKm, nameEn: student.nameEn, className: student.className };
}

/** One student's marks between two days, read by staff (audited). */
export async function studentMonth(database: Database, actor: Actor, student: StudentFound, period: { from: string; to: string; period: string }): Promise<MonthCounts> {
  await audit(database.db, { actor: actorOf(actor.telegramUserId), schoolId: student.schoolId, action: 'student.read', entity: 'student', entityId: student.id, details: { period: period.period } });
  const [r] = await database.rows<Record<string, unknown>>(
    sql`select ${countColumns('status')}
          from attendance where student_id = ${student.id} and day between ${period.from}::date and ${period.to}::date`,
  );
  return countsOf(r);
}

export interface RosterLine {
  roll: number | null;
  nameKm: string;
  nameEn: string | null;
  code: string;
}

/** Whose class list with student codes was asked for: a class the actor teaches or whose school office they are in. */
export type ClassRoster =
  | { kind: 'list'; className: string; lines: RosterLine[] }
  | { kind: 'choose'; classNames: string[] }
  | { kind: 'denied' };

/**
 * A class's students with their codes (what `/student` and `/card` take), for its teacher or the
 * office. Without a class: the teacher's only own class, else the classes to choose from. Every
 * read and refusal is audited (ids only).
 */
export async function classRosterFor(db: Db, actor: Actor, input: { classToken?: string; today: string }): Promise<ClassRoster> {
  const readable = (await classesFor(db, actor, input.today)).filter((c) => c.own || officeMembership(actor, c.schoolId));
  const own = readable.filter((c) => c.own);
  const token = input.classToken?.toUpperCase();
  const cls = token ? readable.find((c) => c.name.toUpperCase() === token) : own.length === 1 ? own[0] : undefined;
  if (!cls) {
    if (!token && readable.length > 0) return { kind: 'choose', classNames: (own.length > 0 ? own : readable).map((c) => c.name) };
    await audit(db, { actor: actorOf(actor.telegramUserId), action: 'class.roster.read', entity: 'class', outcome: 'denied' });
    return { kind: 'denied' };
  }
  const lines = await db
    .select({ roll: students.rollNo, nameKm: students.nameKm, nameEn: students.nameEn, code: students.studentCode })
    .from(students)
    .where(and(eq(students.classId, cls.id), eq(students.active, true)))
    .orderBy(students.rollNo, students.nameKm);
  await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: cls.schoolId, action: 'class.roster.read', entity: 'class', entityId: cls.id, details: { students: lines.length } });
  return { kind: 'list', className: cls.name, lines };
}
