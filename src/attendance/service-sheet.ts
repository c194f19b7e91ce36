/**
 * Who may mark which class, and the class sheet: the students, their marks (the shared draft, or
 * what was submitted, or the gate scans) and changes to the draft. No grammY: plain inputs, plain
 * results.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Tx } from '../core/db/client.js';
import { classes, type Shift } from '../core/db/schema.js';
import { currentYearOf } from '../core/db/years.js';
import { officeMembership, type Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { addDays, isoWeekday } from '../core/clock.js';
import { attendanceDrafts, classSubstitutes, type AttendanceStatus, type DraftMark, type ExcuseReason } from './schema.js';

export const STATUS_CYCLE: AttendanceStatus[] = ['present', 'absent', 'late', 'excused'];
/** how many days back an operator may still correct a list */
export const OPERATOR_CORRECTION_DAYS = 7;

/** who submitted: the class's teacher, the office on their behalf, or the gate-scan cutoff */
export type Via = 'teacher' | 'operator' | 'scan';

export type Denied = { ok: false; reason: 'forbidden' | 'not-found' | 'day-closed' | 'holiday' | 'future' };

export interface ClassAccess {
  ok: true;
  via: Via;
  /** null when the system submits (the scan cutoff) */
  staffId: number | null;
  classId: number;
  className: string;
  schoolId: number;
  shift: Shift;
  timezone: string;
}
// ---------------------------------------------------------------------------------------------
// Who may mark which class


/** Classes this actor marks on `day`: homeroom classes, classes given for the day, and for
 * operators and principals every class of their school. */
export async function classesFor(db: Db, actor: Actor, day: string) {
  const staffIds = actor.staff.map((m) => m.staffId);
  if (staffIds.length === 0) return [];
  const officeSchools = [...new Set(actor.staff.map((m) => m.schoolId))].filter((schoolId) => officeMembership(actor, schoolId));
  const subs = await db
    .select({ classId: classSubstitutes.classId })
    .from(classSubstitutes)
    .where(and(inArray(classSubstitutes.staffId, staffIds), eq(classSubstitutes.day, day)));
  const own = new Set([...actor.staff.flatMap((m) => m.homeroomClassIds), ...subs.map((s) => s.classId)]);
  const rows = await db
    .select({ id: classes.id, name: classes.name, shift: classes.shift, schoolId: classes.schoolId, grade: classes.grade, section: classes.section })
    .from(classes)
    .innerJoin(...currentYearOf(classes))
    .where(
      own.size > 0 && officeSchools.length > 0
        ? sql`(${inArray(classes.id, [...own])} or ${inArray(classes.schoolId, officeSchools)})`
        : own.size > 0
          ? inArray(classes.id, [...own])
          : officeSchools.length > 0
            ? inArray(classes.schoolId, officeSchools)
            : sql`false`,
    )
    .orderBy(classes.grade, classes.section);
  return rows.map((r) => ({ ...r, own: own.has(r.id) }));
}

/**
 * May this actor mark this class on this day, and as whom? One statement reads the class, its
 * school's time zone, whether the day is a school day and who substitutes that day.
 */
export async function accessClass(db: Db, actor: Actor, classId: number, day: string, today: string): Promise<ClassAccess | Denied> {
  const result = await db.execute(sql`
    select c.id, c.name, c.shift, c.school_id as "schoolId", c.homeroom_staff_id as homeroom, s.timezone,
           coalesce(
             (select k.kind = 'school-day' from school_calendar k where k.school_id = c.school_id and k.day = ${day}),
             coalesce((select w.week_days from attendance_settings w where w.school_id = c.school_id), '{1,2,3,4,5,6}'::smallint[])
               @> array[${isoWeekday(day)}]::smallint[]
           ) as "schoolDay",
           coalesce((select json_agg(x.staff_id) from class_substitutes x where x.class_id = c.id and x.day = ${day}), '[]'::json) as subs
      from classes c join schools s on s.id = c.school_id
     where c.id = ${classId}`);
  const [cls] = rowsOf<{ id: number; name: string; shift: Shift; schoolId: number; homeroom: number | null; timezone: string; schoolDay: boolean; subs: number[] | string }>(result);
  const deny = async (reason: Denied['reason']): Promise<Denied> => {
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: cls?.schoolId ?? null, action: 'attendance.access', entity: 'class', entityId: classId, outcome: 'denied', details: { reason, day } });
    return { ok: false, reason };
  };
  if (!cls) return deny('not-found');
  const subs = (typeof cls.subs === 'string' ? (JSON.parse(cls.subs) as number[]) : cls.subs).map(Number);
  const memberships = actor.staff.filter((m) => m.schoolId === cls.schoolId);
  const office = officeMembership(actor, cls.schoolId);
  const teacher = memberships.find((m) => (cls.homeroom !== null && m.staffId === cls.homeroom) || subs.includes(m.staffId));
  if (!teacher && !office) return deny('forbidden');
  if (day > today) return deny('future');
  // Teachers mark today only; the office may correct the last week.
  const via: Via = teacher && day === today ? 'teacher' : 'operator';
  if (via === 'operator' && (!office || day < addDays(today, -OPERATOR_CORRECTION_DAYS))) return deny('day-closed');
  if (!cls.schoolDay) return deny('holiday');
  return { ok: true, via, staffId: (via === 'teacher' ? teacher : office)!.staffId, classId, className: cls.name, schoolId: cls.schoolId, shift: cls.shift, timezone: cls.timezone };
}
// ---------------------------------------------------------------------------------------------
// The sheet: students and their marks

export interface SheetStudent {
  studentId: number;
  roll: number;
  nameKm: string;
  nameEn: string | null;
  sex: 'M' | 'F';
  mark: DraftMark;
  /** the guardian's answer to an alert, if any */
  response: string | null;
}

export interface Sheet {
  classId: number;
  className: string;
  day: string;
  shift: Shift;
  students: SheetStudent[];
  submission: { submittedAt: Date; via: string; version: number; submittedBy: string } | null;
  /** true when the marks shown are an unsubmitted draft */
  draft: boolean;
}

/**
 * A short fingerprint of what a sheet message shows (every student's mark, the submission it
 * corrects): its buttons carry it, so a button of an older message — another list opened since,
 * a typed line, a family's answer — is recognised and changes nothing (FNV-1a, 16 bits).
 */
export function sheetStamp(sheet: Pick<Sheet, 'students' | 'submission'>): number {
  const text = [sheet.submission?.version ?? 0, ...sheet.students.map((s) => `${s.studentId}:${s.mark.status}:${s.mark.arrivedAt ?? ''}:${s.mark.reason ?? ''}:${s.mark.note ?? ''}`)].join('|');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return (h ^ (h >>> 16)) & 0xffff;
}

export interface SavedMark {
  studentId: number;
  status: AttendanceStatus;
  arrivedAt: string | null;
  reason: ExcuseReason | null;
  note: string | null;
}

/** The sheet and, separately, what is saved for the day (submit compares the two). */
export async function readSheet(db: Db | Tx, access: Pick<ClassAccess, 'classId' | 'className' | 'shift'>, day: string): Promise<{ sheet: Sheet; saved: Map<number, SavedMark> }> {
  // One statement: taps and submits read the whole sheet, and round trips are what costs.
  const result = await db.execute(sql`
    select
      (select coalesce(json_agg(json_build_object('studentId', s.id, 'roll', s.roll_no, 'nameKm', s.name_km, 'nameEn', s.name_en, 'sex', s.sex)
                                order by s.roll_no, s.id), '[]'::json)
         from students s where s.class_id = ${access.classId} and s.active) as roster,
      (select d.marks from attendance_drafts d
        where d.class_id = ${access.classId} and d.day = ${day} and d.shift = ${access.shift}) as draft,
      (select coalesce(json_agg(json_build_object('studentId', a.student_id, 'status', a.status, 'arrivedAt', a.arrived_at,
                                                  'reason', a.excuse_reason, 'note', a.excuse_note)), '[]'::json)
         from attendance a where a.class_id = ${access.classId} and a.day = ${day} and a.shift = ${access.shift}) as saved,
      (select json_build_object('submittedAt', cs.submitted_at, 'via', cs.via, 'version', cs.version, 'submittedBy', cs.submitted_by)
         from class_submissions cs where cs.class_id = ${access.classId} and cs.day = ${day} and cs.shift = ${access.shift}) as submission,
      (select coalesce(json_agg(json_build_object('studentIds', al.student_ids, 'response', al.response)), '[]'::json)
         from absence_alerts al
        where al.day = ${day} and al.shift = ${access.shift} and al.response is not null
          and al.student_ids && array(select s.id from students s where s.class_id = ${access.classId})) as responses,
      (select coalesce(json_agg(json_build_object('studentId', k.student_id, 'late', k.late, 'time', k.arrived_time)), '[]'::json)
         from checkins k where k.class_id = ${access.classId} and k.day = ${day} and k.shift = ${access.shift}) as scans`);
  const row = rowsOf<Record<string, unknown>>(result)[0]!;
  const json = <T,>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  const roster = json<Array<{ studentId: number; roll: number | null; nameKm: string; nameEn: string | null; sex: 'M' | 'F' }>>(row.roster);
  const draft = row.draft === null || row.draft === undefined ? undefined : { marks: json<Record<string, DraftMark>>(row.draft) };
  const savedRows = json<SavedMark[]>(row.saved);
  const submission = json<{ submittedAt: string; via: string; version: number; submittedBy: string } | null>(row.submission ?? null);
  const responses = json<Array<{ studentIds: number[]; response: string }>>(row.responses);
  // Gate scans pre-fill a list nobody has marked yet: a late scan shows as late with its time.
  const lateScans = new Map(json<Array<{ studentId: number; late: boolean; time: string }>>(row.scans).filter((k) => k.late).map((k) => [Number(k.studentId), k.time]));

  const saved = new Map(savedRows.map((r) => [Number(r.studentId), { ...r, studentId: Number(r.studentId) }]));
  const responseOf = new Map<number, string>();
  for (const r of responses) for (const id of r.studentIds) responseOf.set(Number(id), r.response);

  const sheet: Sheet = {
    classId: access.classId,
    className: access.className,
    day,
    shift: access.shift,
    draft: Boolean(draft),
    submission: submission ? { ...submission, submittedAt: new Date(submission.submittedAt) } : null,
    students: roster.map((r, i) => {
      const studentId = Number(r.studentId);
      const fromDraft = draft?.marks[String(studentId)];
      const s = saved.get(studentId);
      const mark: DraftMark = fromDraft
        ? fromDraft
        : draft
          ? { status: 'present' }
          : s
            ? { status: s.status, ...(s.arrivedAt ? { arrivedAt: s.arrivedAt } : {}), ...(s.reason ? { reason: s.reason } : {}), ...(s.note ? { note: s.note } : {}) }
            : lateScans.has(studentId)
              ? { status: 'late', arrivedAt: lateScans.get(studentId)! }
              : { status: 'present' };
      return { studentId, roll: r.roll ?? i + 1, nameKm: r.nameKm, nameEn: r.nameEn, sex: r.sex, mark, response: responseOf.get(studentId) ?? null };
    }),
  };
  return { sheet, saved };
}

export async function loadSheet(db: Db | Tx, access: Pick<ClassAccess, 'classId' | 'className' | 'shift'>, day: string): Promise<Sheet> {
  return (await readSheet(db, access, day)).sheet;
}

export function countMarks(sheet: Pick<Sheet, 'students'>) {
  const counts = { present: 0, absent: 0, late: 0, excused: 0, presentF: 0, absentF: 0, lateF: 0, excusedF: 0, total: sheet.students.length, totalF: 0 };
  for (const s of sheet.students) {
    counts[s.mark.status]++;
    if (s.sex === 'F') {
      counts[`${s.mark.status}F`]++;
      counts.totalF++;
    }
  }
  return counts;
}

/** Writes the draft as the sheet now stands with `change` applied. */
async function saveDraft(db: Db, access: ClassAccess, day: string, sheet: Sheet): Promise<void> {
  const marks: Record<string, DraftMark> = {};
  for (const s of sheet.students) if (s.mark.status !== 'present') marks[String(s.studentId)] = s.mark;
  await db
    .insert(attendanceDrafts)
    .values({ classId: access.classId, day, shift: access.shift, schoolId: access.schoolId, marks })
    .onConflictDoUpdate({ target: [attendanceDrafts.classId, attendanceDrafts.day, attendanceDrafts.shift], set: { marks, updatedAt: sql`now()` } });
}

/**
 * Drops the class's unsubmitted taps for the day, so the sheet is again what was submitted. A typed
 * correction after a submit changes only the students it names: an earlier tap nobody submitted
 * must not ride along with it.
 */
export async function discardDraft(db: Db, access: Pick<ClassAccess, 'classId' | 'shift'>, day: string): Promise<void> {
  await db.delete(attendanceDrafts).where(and(eq(attendanceDrafts.classId, access.classId), eq(attendanceDrafts.day, day), eq(attendanceDrafts.shift, access.shift)));
}

export type MarkChange =
  | { kind: 'cycle'; roll: number; time: string }
  | { kind: 'set'; roll: number; status: AttendanceStatus; time?: string }
  | { kind: 'reason'; roll: number; reason: ExcuseReason; note?: string }
  | { kind: 'all-present' };

/** Applies one change to the draft and returns the new sheet (null: no such roll number). */
export async function changeMark(db: Db, access: ClassAccess, day: string, change: MarkChange): Promise<Sheet | null> {
  const sheet = await loadSheet(db, access, day);
  if (change.kind === 'all-present') {
    for (const s of sheet.students) s.mark = { status: 'present' };
  } else {
    const student = sheet.students.find((s) => s.roll === change.roll);
    if (!student) return null;
    if (change.kind === 'cycle') {
      const next = STATUS_CYCLE[(STATUS_CYCLE.indexOf(student.mark.status) + 1) % STATUS_CYCLE.length]!;
      student.mark = markFor(next, change.time);
    } else if (change.kind === 'set') {
      student.mark = markFor(change.status, change.time);
    } else {
      if (student.mark.status !== 'excused') student.mark = { status: 'excused' };
      student.mark = { ...student.mark, reason: change.reason, ...(change.note ? { note: change.note.slice(0, 200) } : {}) };
    }
  }
  await saveDraft(db, access, day, sheet);
  sheet.draft = true;
  return sheet;
}

function markFor(status: AttendanceStatus, time?: string): DraftMark {
  if (status === 'late') return { status, arrivedAt: time };
  if (status === 'excused') return { status, reason: 'sick' };
  return { status };
}
