/**
 * Daily attendance: who may mark which class, the shared draft, submitting (attendance rows +
 * submission + family alerts through the outbox, in one transaction), corrections, guardians'
 * answers, the day's overview and reminders. No grammY: plain inputs, plain results.
 */
import { and, asc, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../core/db/client.js';
import { classes, guardians, staff, studentGuardians, students, telegramAccounts, type Shift } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit, type AuditEntry } from '../core/auth/audit.js';
import { addDays, isoWeekday, schoolClock } from '../core/clock.js';
import { formatDay, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import {
  absenceAlerts,
  alertedAbsences,
  attendance,
  attendanceDrafts,
  attendanceSettings,
  classSubmissions,
  classSubstitutes,
  schoolCalendar,
  type AttendanceStatus,
  type DraftMark,
  type ExcuseReason,
} from './schema.js';

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
// Calendar

export async function isSchoolDay(ex: Db | Tx, schoolId: number, day: string): Promise<boolean> {
  const [special] = await ex
    .select({ kind: schoolCalendar.kind })
    .from(schoolCalendar)
    .where(and(eq(schoolCalendar.schoolId, schoolId), eq(schoolCalendar.day, day)));
  if (special) return special.kind === 'school-day';
  const [settings] = await ex.select({ weekDays: attendanceSettings.weekDays }).from(attendanceSettings).where(eq(attendanceSettings.schoolId, schoolId));
  return (settings?.weekDays ?? [1, 2, 3, 4, 5, 6]).includes(isoWeekday(day));
}

export async function setCalendarDay(
  db: Db,
  input: { schoolId: number; day: string; kind: 'holiday' | 'school-day' | 'normal'; note?: string; actor: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    if (input.kind === 'normal') {
      await tx.delete(schoolCalendar).where(and(eq(schoolCalendar.schoolId, input.schoolId), eq(schoolCalendar.day, input.day)));
    } else {
      await tx
        .insert(schoolCalendar)
        .values({ schoolId: input.schoolId, day: input.day, kind: input.kind, note: input.note ?? null })
        .onConflictDoUpdate({ target: [schoolCalendar.schoolId, schoolCalendar.day], set: { kind: input.kind, note: input.note ?? null } });
    }
    await audit(tx, { actor: input.actor, schoolId: input.schoolId, action: 'calendar.set', entity: 'day', entityId: input.day, details: { kind: input.kind } });
  });
}

export async function upcomingHolidays(db: Db, schoolId: number, from: string, days = 60) {
  return db
    .select({ day: schoolCalendar.day, note: schoolCalendar.note })
    .from(schoolCalendar)
    .where(and(eq(schoolCalendar.schoolId, schoolId), eq(schoolCalendar.kind, 'holiday'), gte(schoolCalendar.day, from), lte(schoolCalendar.day, addDays(from, days))))
    .orderBy(asc(schoolCalendar.day));
}

export async function getSettings(ex: Db | Tx, schoolId: number) {
  const [row] = await ex.select().from(attendanceSettings).where(eq(attendanceSettings.schoolId, schoolId));
  return {
    weekDays: row?.weekDays ?? [1, 2, 3, 4, 5, 6],
    remindAt: { morning: '07:30', afternoon: '13:30', ...(row?.remindAt ?? {}) } as Record<Shift, string>,
  };
}

export async function setSettings(
  db: Db,
  input: { schoolId: number; weekDays?: number[]; remindAt?: Partial<Record<Shift, string>>; actor: string },
): Promise<void> {
  const current = await getSettings(db, input.schoolId);
  const next = { weekDays: input.weekDays ?? current.weekDays, remindAt: { ...current.remindAt, ...(input.remindAt ?? {}) } };
  await db
    .insert(attendanceSettings)
    .values({ schoolId: input.schoolId, ...next })
    .onConflictDoUpdate({ target: attendanceSettings.schoolId, set: next });
  await audit(db, { actor: input.actor, schoolId: input.schoolId, action: 'attendance.settings', details: next });
}

// ---------------------------------------------------------------------------------------------
// Who may mark which class

/** Classes this actor marks on `day`: homeroom classes, classes given for the day, and for
 * operators and principals every class of their school. */
export async function classesFor(db: Db, actor: Actor, day: string) {
  const staffIds = actor.staff.map((m) => m.staffId);
  if (staffIds.length === 0) return [];
  const officeSchools = actor.staff.filter((m) => m.roles.includes('operator') || m.roles.includes('principal')).map((m) => m.schoolId);
  const subs = await db
    .select({ classId: classSubstitutes.classId })
    .from(classSubstitutes)
    .where(and(inArray(classSubstitutes.staffId, staffIds), eq(classSubstitutes.day, day)));
  const own = new Set([...actor.staff.flatMap((m) => m.homeroomClassIds), ...subs.map((s) => s.classId)]);
  const rows = await db
    .select({ id: classes.id, name: classes.name, shift: classes.shift, schoolId: classes.schoolId, grade: classes.grade, section: classes.section })
    .from(classes)
    .innerJoin(sql`academic_years ay`, sql`ay.id = ${classes.academicYearId} and ay.is_current`)
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
  const cls = (Array.isArray(result) ? result[0] : (result as { rows: unknown[] }).rows[0]) as
    | { id: number; name: string; shift: Shift; schoolId: number; homeroom: number | null; timezone: string; schoolDay: boolean; subs: number[] | string }
    | undefined;
  const deny = async (reason: Denied['reason']): Promise<Denied> => {
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: cls?.schoolId ?? null, action: 'attendance.access', entity: 'class', entityId: classId, outcome: 'denied', details: { reason, day } });
    return { ok: false, reason };
  };
  if (!cls) return deny('not-found');
  const subs = (typeof cls.subs === 'string' ? (JSON.parse(cls.subs) as number[]) : cls.subs).map(Number);
  const memberships = actor.staff.filter((m) => m.schoolId === cls.schoolId);
  const office = memberships.find((m) => m.roles.includes('operator') || m.roles.includes('principal'));
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

interface SavedMark {
  studentId: number;
  status: AttendanceStatus;
  arrivedAt: string | null;
  reason: ExcuseReason | null;
  note: string | null;
}

/** The sheet and, separately, what is saved for the day (submit compares the two). The five
 * reads are independent: issued together they share one round trip on the connection. */
async function readSheet(db: Db | Tx, access: Pick<ClassAccess, 'classId' | 'className' | 'shift'>, day: string): Promise<{ sheet: Sheet; saved: Map<number, SavedMark> }> {
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
  const row = (Array.isArray(result) ? result[0] : (result as { rows: unknown[] }).rows[0]) as Record<string, unknown>;
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

// ---------------------------------------------------------------------------------------------
// Submitting

export interface SubmitResult {
  version: number;
  counts: ReturnType<typeof countMarks>;
  changed: number;
  alertsQueued: number;
  correctionsQueued: number;
}

interface GuardianTarget {
  guardianId: number;
  telegramUserId: number;
  locale: 'km' | 'en' | null;
  studentId: number;
}

/**
 * Writes the sheet as the day's attendance. Serialized per class by the submission row's lock,
 * so a teacher and an operator submitting at once cannot both alert a family. Alerts go only to
 * families of children newly absent (not excused, not already alerted, not the person who took
 * the roll); families of a child alerted earlier and now present or late get a correction.
 */
export async function submitSheet(db: Db, access: ClassAccess, day: string, actor: Actor, notifier: Notifier, opts: { who?: string } = {}): Promise<SubmitResult> {
  const who = opts.who ?? actorOf(actor.telegramUserId);
  return db.transaction(async (tx) => {
    // One submit per class at a time (teacher and operator racing, a retried update): the
    // second waits here and then sees what the first saved.
    // Awaited before the reads (not pipelined with them: drizzle does not promise the order in
    // which concurrently started queries reach the connection).
    await tx.execute(sql`select pg_advisory_xact_lock(${SUBMIT_LOCK}, ${access.classId})`);
    const { sheet, saved: before } = await readSheet(tx, access, day);
    const counts = countMarks(sheet);
    const changed = sheet.students.filter((s) => {
      const b = before.get(s.studentId);
      return !b || b.status !== s.mark.status || (b.arrivedAt ?? undefined) !== s.mark.arrivedAt || (b.reason ?? undefined) !== s.mark.reason || (b.note ?? undefined) !== s.mark.note;
    });
    const newlyAbsent = changed.filter((s) => s.mark.status === 'absent' && before.get(s.studentId)?.status !== 'absent');
    const noLongerAbsent = changed.filter((s) => s.mark.status !== 'absent' && before.get(s.studentId)?.status === 'absent');

    // Independent writes and reads, issued together.
    const [submissionRows, , , targets] = await Promise.all([
      tx
        .insert(classSubmissions)
        .values({ schoolId: access.schoolId, classId: access.classId, day, shift: access.shift, via: access.via, submittedBy: who, submittedByStaffId: access.staffId, counts })
        .onConflictDoUpdate({
          target: [classSubmissions.classId, classSubmissions.day, classSubmissions.shift],
          set: { via: access.via, submittedBy: who, submittedByStaffId: access.staffId, counts, submittedAt: sql`now()`, version: sql`${classSubmissions.version} + 1` },
        })
        .returning({ version: classSubmissions.version }),
      changed.length === 0 ? Promise.resolve() : upsertAttendance(tx, access, day, changed, who),
      tx
        .delete(attendanceDrafts)
        .where(and(eq(attendanceDrafts.classId, access.classId), eq(attendanceDrafts.day, day), eq(attendanceDrafts.shift, access.shift))),
      guardiansOf(tx, newlyAbsent.map((s) => s.studentId)),
    ]);
    const version = submissionRows[0]!.version;

    const alerts = await absenceAlertMessages(tx, access, day, newlyAbsent, targets, actor, notifier);
    const corrections = await correctionMessages(tx, access, day, noLongerAbsent, notifier);

    const entries: AuditEntry[] = [
      { actor: who, schoolId: access.schoolId, action: 'attendance.submit', entity: 'class', entityId: access.classId, details: { day, shift: access.shift, via: access.via, version, counts } },
    ];
    if (version > 1) {
      for (const s of changed) {
        entries.push({ actor: who, schoolId: access.schoolId, action: 'attendance.correct', entity: 'student', entityId: s.studentId, details: { day, shift: access.shift, from: before.get(s.studentId)?.status ?? null, to: s.mark.status, via: access.via } });
      }
    }
    // The messages and the audit rows go in together (one round trip).
    await Promise.all([addToOutbox(tx, [...alerts, ...corrections]), audit(tx, entries)]);
    return { version, counts, changed: changed.length, alertsQueued: alerts.length, correctionsQueued: corrections.length };
  });
}

/**
 * A class's rows in one statement with a fixed text and one array per column (unnest), instead
 * of a 40-row VALUES list with 480 parameters that the server parses and plans every time.
 */
async function upsertAttendance(tx: Tx, access: ClassAccess, day: string, rows: SheetStudent[], who: string): Promise<void> {
  await tx.execute(sql`
    insert into attendance (student_id, day, shift, school_id, class_id, status, arrived_at, excuse_reason, excuse_note, source, marked_by)
    select u.student_id, ${day}::date, ${access.shift}::shift, ${access.schoolId}::int, ${access.classId}::int,
           u.status::attendance_status, u.arrived_at, u.excuse_reason::excuse_reason, u.excuse_note, ${access.via}, ${who}
      from unnest(${pgArray(rows.map((r) => r.studentId))}::bigint[], ${pgArray(rows.map((r) => r.mark.status))}::text[],
                  ${pgArray(rows.map((r) => r.mark.arrivedAt ?? null))}::text[], ${pgArray(rows.map((r) => r.mark.reason ?? null))}::text[],
                  ${pgArray(rows.map((r) => r.mark.note ?? null))}::text[])
           as u(student_id, status, arrived_at, excuse_reason, excuse_note)
    on conflict (student_id, day, shift) do update set
      status = excluded.status, arrived_at = excluded.arrived_at, excuse_reason = excluded.excuse_reason,
      excuse_note = excluded.excuse_note, source = excluded.source, marked_by = excluded.marked_by,
      class_id = excluded.class_id, updated_at = now()`);
}

/** A Postgres array literal, so both drivers (postgres.js, PGlite) pass it as one text parameter. */
function pgArray(values: Array<string | number | null>): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/(["\\])/g, '\\$1')}"`)).join(',')}}`;
}

/** Namespace of the per-class advisory lock taken while submitting. */
const SUBMIT_LOCK = 7_201;

async function guardiansOf(tx: Tx, studentIds: number[]): Promise<GuardianTarget[]> {
  if (studentIds.length === 0) return [];
  const rows = await tx
    .select({ guardianId: guardians.id, telegramUserId: guardians.telegramUserId, locale: telegramAccounts.locale, studentId: studentGuardians.studentId })
    .from(studentGuardians)
    .innerJoin(guardians, eq(guardians.id, studentGuardians.guardianId))
    .leftJoin(telegramAccounts, eq(telegramAccounts.telegramUserId, guardians.telegramUserId))
    .where(and(inArray(studentGuardians.studentId, studentIds), sql`${guardians.telegramUserId} is not null`));
  return rows.map((r) => ({ ...r, telegramUserId: r.telegramUserId! }));
}

function shiftName(notifier: Notifier, locale: 'km' | 'en', shift: Shift) {
  return notifier.t(locale, `core-shift-${shift}`);
}

function childName(locale: 'km' | 'en', s: { nameKm: string; nameEn: string | null }) {
  return locale === 'en' && s.nameEn ? `${s.nameEn} (${s.nameKm})` : s.nameKm;
}

/** The alert messages for newly absent children, after claiming each (guardian, child) pair. */
async function absenceAlertMessages(
  tx: Tx,
  access: ClassAccess,
  day: string,
  absent: SheetStudent[],
  allTargets: GuardianTarget[],
  actor: Actor,
  notifier: Notifier,
): Promise<OutgoingMessage[]> {
  // Never alert the person who took the roll about their own child.
  const targets = allTargets.filter((g) => g.telegramUserId !== actor.telegramUserId);
  if (targets.length === 0) return [];
  const byGuardian = new Map<number, GuardianTarget[]>();
  for (const t of targets) byGuardian.set(t.guardianId, [...(byGuardian.get(t.guardianId) ?? []), t]);

  // One alert row per guardian and the claim of each (guardian, child) pair, in one statement:
  // only pairs this transaction claims are announced, so no family hears of an absence twice.
  const result = await tx.execute(sql`
    with t(guardian_id, student_id) as (
      select * from unnest(${pgArray(targets.map((x) => x.guardianId))}::bigint[], ${pgArray(targets.map((x) => x.studentId))}::bigint[])),
    a as (
      insert into absence_alerts (school_id, guardian_id, day, shift, student_ids)
      select ${access.schoolId}::int, guardian_id, ${day}::date, ${access.shift}::shift, array_agg(student_id) from t group by guardian_id
      returning id, guardian_id),
    c as (
      insert into alerted_absences (guardian_id, student_id, day, shift, alert_id)
      select t.guardian_id, t.student_id, ${day}::date, ${access.shift}::shift, a.id from t join a using (guardian_id)
      on conflict do nothing
      returning guardian_id, student_id)
    select a.id, a.guardian_id as "guardianId",
           coalesce((select json_agg(c.student_id) from c where c.guardian_id = a.guardian_id), '[]'::json) as claimed
      from a`);
  const rowsOut = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ id: number | string; guardianId: number | string; claimed: unknown }>;
  const alerts = rowsOut.map((r) => ({ id: Number(r.id), guardianId: Number(r.guardianId) }));
  const claimedBy = new Map<number, number[]>();
  for (const r of rowsOut) {
    const ids = (typeof r.claimed === 'string' ? JSON.parse(r.claimed) : r.claimed) as Array<number | string>;
    if (ids.length > 0) claimedBy.set(Number(r.guardianId), ids.map(Number));
  }

  const unclaimed = alerts.filter((a) => !claimedBy.has(a.guardianId)).map((a) => a.id);
  if (unclaimed.length > 0) await tx.delete(absenceAlerts).where(inArray(absenceAlerts.id, unclaimed));
  for (const a of alerts) {
    const kids = claimedBy.get(a.guardianId);
    if (kids && kids.length !== byGuardian.get(a.guardianId)!.length) {
      await tx.update(absenceAlerts).set({ studentIds: kids }).where(eq(absenceAlerts.id, a.id));
    }
  }

  const byId = new Map(absent.map((s) => [s.studentId, s]));
  const messages: OutgoingMessage[] = [];
  for (const a of alerts) {
    const kidIds = claimedBy.get(a.guardianId);
    if (!kidIds) continue;
    const first = byGuardian.get(a.guardianId)![0]!;
    const locale = first.locale ?? notifier.defaultLocale;
    const kids = kidIds.map((id) => byId.get(id)!);
    const names = kids.map((k) => childName(locale, k)).join(notifier.t(locale, 'core-list-and'));
    messages.push({
      dedupeKey: `absent:${a.id}`,
      schoolId: access.schoolId,
      chatId: first.telegramUserId,
      priority: 2,
      payload: {
        text: notifier.t(locale, kids.length > 1 ? 'attendance-alert-absent-many' : 'attendance-alert-absent-one', {
          names,
          class: access.className,
          shift: shiftName(notifier, locale, access.shift),
          date: formatDay(locale, day),
        }),
        reply_markup: {
          inline_keyboard: [
            [{ text: notifier.t(locale, 'attendance-alert-answer-sick'), callback_data: `ab:${a.id}:s` }],
            [{ text: notifier.t(locale, 'attendance-alert-answer-late'), callback_data: `ab:${a.id}:l` }],
            [{ text: notifier.t(locale, 'attendance-alert-answer-unaware'), callback_data: `ab:${a.id}:u` }],
          ],
        },
      },
    });
  }
  return messages;
}

/** Corrections for families told of an absence that is no longer one. */
async function correctionMessages(tx: Tx, access: ClassAccess, day: string, back: SheetStudent[], notifier: Notifier): Promise<OutgoingMessage[]> {
  if (back.length === 0) return [];
  const alerted = await tx
    .select({ guardianId: alertedAbsences.guardianId, studentId: alertedAbsences.studentId, correctedTo: alertedAbsences.correctedTo, telegramUserId: guardians.telegramUserId, locale: telegramAccounts.locale })
    .from(alertedAbsences)
    .innerJoin(guardians, eq(guardians.id, alertedAbsences.guardianId))
    .leftJoin(telegramAccounts, eq(telegramAccounts.telegramUserId, guardians.telegramUserId))
    .where(and(inArray(alertedAbsences.studentId, back.map((b) => b.studentId)), eq(alertedAbsences.day, day), eq(alertedAbsences.shift, access.shift)));
  const byId = new Map(back.map((s) => [s.studentId, s]));
  const messages: OutgoingMessage[] = [];
  for (const a of alerted) {
    const s = byId.get(a.studentId)!;
    if (a.telegramUserId === null || a.correctedTo === s.mark.status) continue;
    const locale = a.locale ?? notifier.defaultLocale;
    const key = s.mark.status === 'late' ? 'attendance-alert-correction-late' : s.mark.status === 'excused' ? 'attendance-alert-correction-excused' : 'attendance-alert-correction-present';
    messages.push({
      dedupeKey: `correct:${a.guardianId}:${a.studentId}:${day}:${access.shift}:${s.mark.status}:${s.mark.arrivedAt ?? ''}`,
      schoolId: access.schoolId,
      chatId: a.telegramUserId,
      priority: 3,
      payload: { text: notifier.t(locale, key, { name: childName(locale, s), class: access.className, time: s.mark.arrivedAt ?? '', date: formatDay(locale, day) }) },
    });
    await tx
      .update(alertedAbsences)
      .set({ correctedTo: s.mark.status })
      .where(and(eq(alertedAbsences.guardianId, a.guardianId), eq(alertedAbsences.studentId, a.studentId), eq(alertedAbsences.day, day), eq(alertedAbsences.shift, access.shift)));
  }
  return messages;
}

/**
 * A child already submitted as absent is scanned at the gate: the row becomes late with the scan's
 * time, and families told of the absence get the usual correction (never a second alarm).
 */
export async function markLateArrival(
  db: Db,
  input: { studentId: number; classId: number; className: string; schoolId: number; day: string; shift: Shift; time: string; who: string },
  notifier: Notifier,
): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(attendance)
      .set({ status: 'late', arrivedAt: input.time, source: 'scan', markedBy: input.who, updatedAt: sql`now()` })
      .where(and(eq(attendance.studentId, input.studentId), eq(attendance.day, input.day), eq(attendance.shift, input.shift), eq(attendance.status, 'absent')))
      .returning({ studentId: attendance.studentId });
    if (!row) return 0;
    const [student] = await tx.select({ nameKm: students.nameKm, nameEn: students.nameEn }).from(students).where(eq(students.id, input.studentId));
    const access = { ok: true as const, via: 'scan' as const, staffId: null, classId: input.classId, className: input.className, schoolId: input.schoolId, shift: input.shift, timezone: '' };
    const back: SheetStudent = { studentId: input.studentId, roll: 0, nameKm: student!.nameKm, nameEn: student!.nameEn, sex: 'M', mark: { status: 'late', arrivedAt: input.time }, response: null };
    const corrections = await correctionMessages(tx, access, input.day, [back], notifier);
    await Promise.all([
      addToOutbox(tx, corrections),
      audit(tx, { actor: input.who, schoolId: input.schoolId, action: 'attendance.correct', entity: 'student', entityId: input.studentId, details: { day: input.day, shift: input.shift, from: 'absent', to: 'late', via: 'scan' } }),
    ]);
    return corrections.length;
  });
}

// ---------------------------------------------------------------------------------------------
// Guardians' answers

export type AlertAnswer = 'sick' | 'late' | 'unaware';
export type AnswerResult = { ok: true; answer: AlertAnswer; studentIds: number[]; schoolId: number } | { ok: false; reason: 'forbidden' | 'not-found' };

export async function answerAlert(db: Db, telegramUserId: number, alertId: number, answer: AlertAnswer): Promise<AnswerResult> {
  const who = actorOf(telegramUserId);
  return db.transaction(async (tx) => {
    const [alert] = await tx
      .select({ id: absenceAlerts.id, schoolId: absenceAlerts.schoolId, day: absenceAlerts.day, shift: absenceAlerts.shift, studentIds: absenceAlerts.studentIds, owner: guardians.telegramUserId })
      .from(absenceAlerts)
      .innerJoin(guardians, eq(guardians.id, absenceAlerts.guardianId))
      .where(eq(absenceAlerts.id, alertId));
    if (!alert || alert.owner !== telegramUserId) {
      await audit(tx, { actor: who, schoolId: alert?.schoolId ?? null, action: 'alert.answer', entity: 'alert', entityId: alertId, outcome: 'denied', details: { reason: alert ? 'not-theirs' : 'not-found' } });
      return { ok: false, reason: alert ? 'forbidden' : 'not-found' } as const;
    }
    await tx.update(absenceAlerts).set({ response: answer, respondedAt: sql`now()` }).where(eq(absenceAlerts.id, alertId));
    if (answer === 'sick') {
      // The family knew: the absence is excused (sick), unless the school has changed it since.
      await tx
        .update(attendance)
        .set({ status: 'excused', excuseReason: 'sick', source: 'guardian', markedBy: who, updatedAt: sql`now()` })
        .where(and(inArray(attendance.studentId, alert.studentIds), eq(attendance.day, alert.day), eq(attendance.shift, alert.shift), eq(attendance.status, 'absent')));
    }
    await audit(tx, { actor: who, schoolId: alert.schoolId, action: 'alert.answer', entity: 'alert', entityId: alertId, details: { answer, students: alert.studentIds } });
    return { ok: true, answer, studentIds: alert.studentIds, schoolId: alert.schoolId } as const;
  });
}

// ---------------------------------------------------------------------------------------------
// The day's overview and reminders

export interface ClassDay {
  classId: number;
  className: string;
  shift: Shift;
  students: number;
  teacherName: string | null;
  teacherLinked: boolean;
  submittedAt: Date | null;
  via: string | null;
  counts: Record<string, number> | null;
  answers: number;
  /** linked guardians of this class whose Telegram answered 403 (blocked the bot) */
  unreachable: number;
}

export async function dayOverview(db: Db, schoolId: number, day: string): Promise<ClassDay[]> {
  const rows = await db.execute(sql`
    select c.id as "classId", c.name as "className", c.shift,
           (select count(*)::int from students s where s.class_id = c.id and s.active) as students,
           t.name_km as "teacherName", (t.telegram_user_id is not null) as "teacherLinked",
           cs.submitted_at as "submittedAt", cs.via, cs.counts,
           (select count(*)::int from absence_alerts a
             where a.school_id = c.school_id and a.day = ${day} and a.shift = c.shift and a.response is not null
               and a.student_ids && array(select s.id from students s where s.class_id = c.id)) as answers,
           (select count(distinct g.id)::int from students s
              join student_guardians sg on sg.student_id = s.id
              join guardians g on g.id = sg.guardian_id
              join telegram_accounts ta on ta.telegram_user_id = g.telegram_user_id
             where s.class_id = c.id and s.active and ta.unreachable_at is not null) as unreachable
      from classes c
      join academic_years ay on ay.id = c.academic_year_id and ay.is_current
      left join staff t on t.id = c.homeroom_staff_id
      left join class_submissions cs on cs.class_id = c.id and cs.day = ${day} and cs.shift = c.shift
     where c.school_id = ${schoolId}
     order by c.shift, c.grade, c.section`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as ClassDay[];
  return list.map((r) => ({ ...r, submittedAt: r.submittedAt ? new Date(r.submittedAt) : null }));
}

/**
 * Reminds the teachers (homeroom and today's substitutes) of classes not yet submitted. Never
 * reminds a class that has submitted. `slot` makes the reminder idempotent: the scheduled one
 * once per shift, a manual one at most once per class per hour.
 */
export async function remindMissing(
  db: Db,
  input: { schoolId: number; day: string; shift?: Shift; slot: string; actor: string },
  notifier: Notifier,
): Promise<{ classes: number; messages: number }> {
  if (!(await isSchoolDay(db, input.schoolId, input.day))) return { classes: 0, messages: 0 };
  return db.transaction(async (tx) => {
    const missing = await tx
      .select({ classId: classes.id, className: classes.name, shift: classes.shift, homeroom: classes.homeroomStaffId })
      .from(classes)
      .innerJoin(sql`academic_years ay`, sql`ay.id = ${classes.academicYearId} and ay.is_current`)
      .leftJoin(classSubmissions, and(eq(classSubmissions.classId, classes.id), eq(classSubmissions.day, input.day), eq(classSubmissions.shift, classes.shift)))
      .where(and(eq(classes.schoolId, input.schoolId), isNull(classSubmissions.id), input.shift ? eq(classes.shift, input.shift) : undefined));
    if (missing.length === 0) return { classes: 0, messages: 0 };
    const subs = await tx
      .select({ classId: classSubstitutes.classId, staffId: classSubstitutes.staffId })
      .from(classSubstitutes)
      .where(and(eq(classSubstitutes.day, input.day), inArray(classSubstitutes.classId, missing.map((m) => m.classId))));
    const staffIds = new Set<number>([...missing.flatMap((m) => (m.homeroom ? [m.homeroom] : [])), ...subs.map((s) => s.staffId)]);
    const people = staffIds.size
      ? await tx
          .select({ id: staff.id, telegramUserId: staff.telegramUserId, locale: telegramAccounts.locale })
          .from(staff)
          .leftJoin(telegramAccounts, eq(telegramAccounts.telegramUserId, staff.telegramUserId))
          .where(inArray(staff.id, [...staffIds]))
      : [];
    const personById = new Map(people.map((p) => [p.id, p]));
    const messages: OutgoingMessage[] = [];
    for (const m of missing) {
      const teachers = [m.homeroom, ...subs.filter((s) => s.classId === m.classId).map((s) => s.staffId)].filter((x): x is number => x !== null);
      for (const id of new Set(teachers)) {
        const p = personById.get(id);
        if (!p?.telegramUserId) continue;
        const locale = p.locale ?? notifier.defaultLocale;
        messages.push({
          dedupeKey: `remind:${m.classId}:${input.day}:${m.shift}:${id}:${input.slot}`,
          schoolId: input.schoolId,
          chatId: p.telegramUserId,
          priority: 3,
          payload: {
            text: notifier.t(locale, 'attendance-reminder', { class: m.className, shift: shiftName(notifier, locale, m.shift), date: formatDay(locale, input.day) }),
            reply_markup: { inline_keyboard: [[{ text: notifier.t(locale, 'attendance-open'), callback_data: `at:o:${m.classId}:${input.day.replaceAll('-', '')}` }]] },
          },
        });
      }
    }
    const inserted = await addToOutbox(tx, messages);
    await audit(tx, { actor: input.actor, schoolId: input.schoolId, action: 'attendance.remind', details: { day: input.day, shift: input.shift ?? 'all', classes: missing.length, messages: inserted.length, slot: input.slot } });
    return { classes: missing.length, messages: inserted.length };
  });
}

/** Gives a class to a substitute teacher for one day. */
export async function assignSubstitute(
  db: Db,
  actor: Actor,
  input: { className: string; staffCode: string; day: string },
): Promise<{ ok: true; className: string; staffName: string } | { ok: false; reason: 'forbidden' | 'unknown-class' | 'unknown-staff' }> {
  const who = actorOf(actor.telegramUserId);
  const office = actor.staff.filter((m) => m.roles.includes('operator') || m.roles.includes('principal'));
  if (office.length === 0) {
    await audit(db, { actor: who, action: 'attendance.substitute', outcome: 'denied', details: { reason: 'forbidden' } });
    return { ok: false, reason: 'forbidden' };
  }
  const schoolIds = office.map((m) => m.schoolId);
  const [cls] = await db
    .select({ id: classes.id, name: classes.name, schoolId: classes.schoolId })
    .from(classes)
    .innerJoin(sql`academic_years ay`, sql`ay.id = ${classes.academicYearId} and ay.is_current`)
    .where(and(inArray(classes.schoolId, schoolIds), eq(classes.name, input.className.toUpperCase())));
  if (!cls) return { ok: false, reason: 'unknown-class' };
  const [person] = await db
    .select({ id: staff.id, name: staff.nameKm })
    .from(staff)
    .where(and(eq(staff.schoolId, cls.schoolId), eq(staff.staffCode, input.staffCode), eq(staff.active, true)));
  if (!person) return { ok: false, reason: 'unknown-staff' };
  await db
    .insert(classSubstitutes)
    .values({ classId: cls.id, day: input.day, staffId: person.id, schoolId: cls.schoolId, assignedBy: who })
    .onConflictDoNothing();
  await audit(db, { actor: who, schoolId: cls.schoolId, action: 'attendance.substitute', entity: 'class', entityId: cls.id, details: { day: input.day, staffId: person.id } });
  return { ok: true, className: cls.name, staffName: person.name };
}

export function todayAt(timezone: string, now: Date): { day: string; time: string } {
  const c = schoolClock(timezone, now);
  return { day: c.day, time: c.time };
}
