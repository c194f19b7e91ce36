/**
 * Test helpers for the services' tests: a record source built from scores-like rows (the computed
 * results of a class as plain rows; the story test uses the real one, scores' published results), class teachers of 7A, identification codes, and the key for sealing keys.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../src/core/db/client.js';
import { classes, schools, staff, students } from '../../src/core/db/schema.js';
import { classTeachers } from '../../src/questions/schema.js';
import { createI18n } from '../../src/core/i18n/index.js';
import { recordIdCodes } from '../../src/records/schema.js';
import { subjectIndex } from '../../src/teaching/subjects.js';
import type { RecordContent, RecordSource } from '../../src/records/service-versions.js';

export const KEK = Buffer.alloc(32, 7);
/** 7A's subject teachers as the office lists them (`/teaches 7A DEMO-001-T006 English`) */
export const SUBJECTS_7A: Record<string, string> = { History: 'DEMO-001-T005', English: 'DEMO-001-T006', Mathematics: 'DEMO-001-T007' };
/** the subjects' codes (what a record names and a signature's scope holds) */
export const CODES_7A: Record<string, string> = { History: 'history', English: 'english', Mathematics: 'maths' };

/** Every spelling of a subject → its code, as the bot builds it. */
export function testSubjectIndex() {
  const i18n = createI18n('km', () => undefined);
  return subjectIndex((locale, key) => i18n.t(locale, key));
}

/** Scores-like rows: per student a score per subject (the test changes them to "correct" one). */
export class RowSource implements RecordSource {
  readonly scores = new Map<number, Record<string, number>>();
  async classRecords(db: Db, input: { schoolId: number; classId: number; year: string; term: string }) {
    const [school] = await db.select().from(schools).where(eq(schools.id, input.schoolId));
    const [c] = await db.select().from(classes).where(eq(classes.id, input.classId));
    const list = await db.select().from(students).leftJoin(recordIdCodes, eq(recordIdCodes.studentId, students.id)).where(eq(students.classId, input.classId)).orderBy(students.rollNo);
    return list.map(({ students: s, record_id_codes: id }) => {
      const marks = this.scores.get(s.id) ?? Object.fromEntries(Object.keys(SUBJECTS_7A).map((subj, i) => [subj, 30 + ((s.id * 7 + i * 3) % 20)]));
      const values = Object.values(marks);
      const content: RecordContent = {
        format: 'sis-record/1',
        school: { code: school!.code, name: school!.nameKm },
        student: { code: s.studentCode, idCode: id?.idCode ?? '', name: s.nameKm, nameLatin: s.nameEn },
        year: input.year,
        term: input.term,
        className: c!.name,
        subjects: Object.entries(marks).map(([name, v]) => ({ subject: CODES_7A[name] ?? name, name, nameEn: name, max: 50, scores: { exam: v }, average: v })),
        average: Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100,
        rank: null,
        conduct: 'good',
        attendance: { present: 100, absent: 2, excused: 1, late: 0 },
        comments: null,
        rules: 'test-rows/1',
      };
      return { studentId: s.id, content };
    });
  }
}

export async function staffId(db: Db, code: string): Promise<number> {
  const [s] = await db.select({ id: staff.id }).from(staff).where(eq(staff.staffCode, code));
  return s!.id;
}

export async function classId(db: Db, schoolId: number, name: string): Promise<number> {
  const [c] = await db.select({ id: classes.id }).from(classes).where(and(eq(classes.schoolId, schoolId), eq(classes.name, name)));
  return c!.id;
}

export async function setUp7A(db: Db, schoolId = 1): Promise<number> {
  const id = await classId(db, schoolId, '7A');
  for (const [subject, code] of Object.entries(SUBJECTS_7A)) await db.insert(classTeachers).values({ classId: id, staffId: await staffId(db, code), schoolId, subject, addedBy: 'test' }).onConflictDoNothing();
  return id;
}

/** Identification codes for every student of a class but those named. */
export async function giveIdCodes(db: Db, classIdValue: number, except: string[] = []): Promise<void> {
  const list = await db.select().from(students).where(eq(students.classId, classIdValue));
  for (const s of list) if (!except.includes(s.studentCode)) await db.insert(recordIdCodes).values({ studentId: s.id, schoolId: s.schoolId, idCode: `KH-${s.studentCode}`, setBy: 'test' }).onConflictDoNothing();
}
