/**
 * The timetable: importing the school's grid workbook (read, checked, then written all at once
 * or not at all), which timetable holds on a day, and a class's or a teacher's week.
 */
import { and, asc, desc, eq, gte, isNull, lt, or, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { classes, schools, staff, type Locale } from '../core/db/schema.js';
import { currentYearOf } from '../core/db/years.js';
import { audit } from '../core/auth/audit.js';
import { addDays } from '../core/clock.js';
import { isGone } from '../staffing/codes.js';
import { timetableConflicts } from './check.js';
import { readTimetableGrid, type GridClass, type GridProblem, type GridStaff } from './grid.js';
import { timetableLessons, timetables } from './schema.js';
import { getTeachingSettings } from './settings.js';
import { subjectIndex } from './subjects.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

export async function schoolClasses(ex: Executor, schoolId: number): Promise<GridClass[]> {
  return ex
    .select({ id: classes.id, name: classes.name, shift: classes.shift })
    .from(classes)
    .innerJoin(...currentYearOf(classes))
    .where(eq(classes.schoolId, schoolId))
    .orderBy(asc(classes.grade), asc(classes.section));
}

/** The roster's active members with whether their record says they left. */
export async function schoolStaff(ex: Executor, schoolId: number): Promise<GridStaff[]> {
  const rows = rowsOf<{ id: number; code: string; name_km: string; name_en: string | null; status: string | null }>(
    await ex.execute(sql`select st.id, st.staff_code as code, st.name_km, st.name_en, d.status
                           from staff st left join staff_details d on d.staff_id = st.id
                          where st.school_id = ${schoolId} and st.active order by st.staff_code`),
  );
  return rows.map((r) => ({ id: Number(r.id), code: r.code, nameKm: r.name_km, nameEn: r.name_en, gone: isGone(r.status) }));
}

/** The id of the timetable that holds on `day`, if any. */
export async function timetableOn(ex: Executor, schoolId: number, day: string): Promise<number | undefined> {
  const [row] = await ex
    .select({ id: timetables.id })
    .from(timetables)
    .where(and(eq(timetables.schoolId, schoolId), sql`${timetables.validFrom} <= ${day}`, or(isNull(timetables.validTo), gte(timetables.validTo, day))))
    .orderBy(desc(timetables.validFrom))
    .limit(1);
  return row?.id;
}

export interface ImportSummary {
  timetableId: number;
  classes: number;
  lessons: number;
  teachers: number;
  validFrom: string;
  validTo: string | null;
  /** classes of the school without a sheet (they have no lessons now) */
  withoutTimetable: string[];
}

export type ImportResult = { ok: true; summary: ImportSummary } | { ok: false; problems: GridProblem[] };

export const MAX_TIMETABLE_BYTES = 5 * 1024 * 1024;

/**
 * Reads and checks a workbook against the school's classes, staff and cap; when nothing is wrong
 * it becomes the school's timetable from `validFrom` (to `validTo`, or open-ended), in one
 * transaction. A refused file is audited with the number of problems.
 */
export async function importTimetable(
  db: Db,
  input: { schoolId: number; fileName: string; bytes: Uint8Array; validFrom: string; validTo?: string | null; actor: string; t: T },
): Promise<ImportResult> {
  const refuse = async (problems: GridProblem[]): Promise<ImportResult> => {
    await audit(db, { actor: input.actor, schoolId: input.schoolId, action: 'timetable.import', outcome: 'denied', details: { problems: problems.length, first: problems[0]?.code } });
    return { ok: false, problems };
  };
  if (input.bytes.byteLength > MAX_TIMETABLE_BYTES) return refuse([{ code: 'too-big', cell: '' }]);
  if (input.validTo && input.validTo < input.validFrom) return refuse([{ code: 'bad-time', cell: '', value: `${input.validFrom}..${input.validTo}` }]);
  const [classList, staffList, settings] = await Promise.all([schoolClasses(db, input.schoolId), schoolStaff(db, input.schoolId), getTeachingSettings(db, input.schoolId)]);
  const read = await readTimetableGrid(input.bytes, { classes: classList, staff: staffList, subjects: subjectIndex(input.t) });
  const problems = [...read.problems, ...timetableConflicts(read.lessons, read.periods, settings.weeklyCap)];
  if (problems.length > 0) return refuse(problems.slice(0, 200));
  const validTo = input.validTo ?? null;
  const timetableId = await db.transaction(async (tx) => {
    // The new timetable replaces whatever held from its first day on.
    await tx
      .update(timetables)
      .set({ validTo: addDays(input.validFrom, -1) })
      .where(and(eq(timetables.schoolId, input.schoolId), lt(timetables.validFrom, input.validFrom), or(isNull(timetables.validTo), gte(timetables.validTo, input.validFrom))));
    await tx.delete(timetables).where(and(eq(timetables.schoolId, input.schoolId), gte(timetables.validFrom, input.validFrom)));
    const [row] = await tx
      .insert(timetables)
      .values({ schoolId: input.schoolId, validFrom: input.validFrom, validTo, fileName: input.fileName.slice(0, 200), importedBy: input.actor })
      .returning({ id: timetables.id });
    const id = row!.id;
    if (read.lessons.length > 0) {
      await tx.insert(timetableLessons).values(
        read.lessons.map((l) => ({
          timetableId: id,
          schoolId: input.schoolId,
          classId: l.classId,
          shift: l.shift,
          weekday: l.weekday,
          period: l.period,
          starts: l.starts,
          ends: l.ends,
          subject: l.subject,
          staffId: l.staffId,
        })),
      );
    }
    await audit(tx, { actor: input.actor, schoolId: input.schoolId, action: 'timetable.import', entity: 'timetable', entityId: id, details: { lessons: read.lessons.length, classes: read.classIds.length, validFrom: input.validFrom, validTo } });
    return id;
  });
  const withSheet = new Set(read.classIds);
  return {
    ok: true,
    summary: {
      timetableId,
      classes: read.classIds.length,
      lessons: read.lessons.length,
      teachers: new Set(read.lessons.map((l) => l.staffId)).size,
      validFrom: input.validFrom,
      validTo,
      withoutTimetable: classList.filter((c) => !withSheet.has(c.id)).map((c) => c.name),
    },
  };
}

export interface WeekLesson {
  classId: number;
  className: string;
  shift: 'morning' | 'afternoon';
  weekday: number;
  period: number;
  starts: string;
  ends: string;
  subject: string;
  staffId: number;
  staffCode: string;
  nameKm: string;
  nameEn: string | null;
}

/** A class's or a teacher's lessons in the timetable that holds on `day`. */
export async function weekOf(ex: Executor, schoolId: number, day: string, scope: { classId: number } | { staffId: number }): Promise<{ timetableId: number; lessons: WeekLesson[] } | undefined> {
  const timetableId = await timetableOn(ex, schoolId, day);
  if (timetableId === undefined) return undefined;
  const lessons = await ex
    .select({
      classId: timetableLessons.classId,
      className: classes.name,
      shift: timetableLessons.shift,
      weekday: timetableLessons.weekday,
      period: timetableLessons.period,
      starts: timetableLessons.starts,
      ends: timetableLessons.ends,
      subject: timetableLessons.subject,
      staffId: timetableLessons.staffId,
      staffCode: staff.staffCode,
      nameKm: staff.nameKm,
      nameEn: staff.nameEn,
    })
    .from(timetableLessons)
    .innerJoin(classes, eq(classes.id, timetableLessons.classId))
    .innerJoin(staff, eq(staff.id, timetableLessons.staffId))
    .where(and(eq(timetableLessons.timetableId, timetableId), 'classId' in scope ? eq(timetableLessons.classId, scope.classId) : eq(timetableLessons.staffId, scope.staffId)))
    .orderBy(asc(timetableLessons.weekday), asc(timetableLessons.starts));
  return { timetableId, lessons };
}

/** The school's time zone and shift times. */
export async function schoolOf(ex: Executor, schoolId: number) {
  const [row] = await ex.select({ id: schools.id, code: schools.code, nameKm: schools.nameKm, nameEn: schools.nameEn, timezone: schools.timezone, shifts: schools.shifts, provinceId: schools.provinceId }).from(schools).where(eq(schools.id, schoolId));
  return row;
}
