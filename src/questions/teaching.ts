/**
 * Who teaches which class (besides its homeroom teacher). The staff roster only says which
 * subjects a teacher has, not in which classes, so the office records it: /teaches in the chat
 * or `teach` in the CLI. Parents may then write to these teachers about a child of that class.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.js';
import { classes, staff } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { currentYearOf } from '../core/db/years.js';
import { parseClassName } from '../roster/parse.js';
import { classTeachers } from './schema.js';

export type TeachingProblem = 'unknown-class' | 'unknown-staff';

export interface ClassTeacherRow {
  staffId: number;
  staffCode: string;
  nameKm: string;
  nameEn: string | null;
  subject: string;
  homeroom: boolean;
  linked: boolean;
}

async function classOf(db: Db, schoolId: number, className: string) {
  const name = parseClassName(className)?.className;
  if (!name) return undefined;
  const [cls] = await db
    .select({ id: classes.id, name: classes.name, homeroom: classes.homeroomStaffId })
    .from(classes)
    .innerJoin(...currentYearOf(classes))
    .where(and(eq(classes.schoolId, schoolId), eq(classes.name, name)));
  return cls;
}

async function staffOf(db: Db, schoolId: number, staffCode: string) {
  const [person] = await db
    .select({ id: staff.id, nameKm: staff.nameKm, nameEn: staff.nameEn })
    .from(staff)
    .where(and(eq(staff.schoolId, schoolId), sql`lower(${staff.staffCode}) = lower(${staffCode.trim()})`, eq(staff.active, true)));
  return person;
}

/** Records (or re-labels) that a member of staff teaches a class. */
export async function addClassTeacher(
  db: Db,
  input: { schoolId: number; className: string; staffCode: string; subject?: string; actor: string },
): Promise<{ ok: true; className: string; teacher: { nameKm: string; nameEn: string | null } } | { ok: false; reason: TeachingProblem }> {
  const cls = await classOf(db, input.schoolId, input.className);
  if (!cls) return { ok: false, reason: 'unknown-class' };
  const person = await staffOf(db, input.schoolId, input.staffCode);
  if (!person) return { ok: false, reason: 'unknown-staff' };
  const subject = (input.subject ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
  await db
    .insert(classTeachers)
    .values({ classId: cls.id, staffId: person.id, schoolId: input.schoolId, subject, addedBy: input.actor })
    .onConflictDoUpdate({ target: [classTeachers.classId, classTeachers.staffId], set: { subject } });
  await audit(db, { actor: input.actor, schoolId: input.schoolId, action: 'teaching.add', entity: 'class', entityId: cls.id, details: { staffId: person.id } });
  return { ok: true, className: cls.name, teacher: { nameKm: person.nameKm, nameEn: person.nameEn } };
}

export async function removeClassTeacher(
  db: Db,
  input: { schoolId: number; className: string; staffCode: string; actor: string },
): Promise<{ ok: true; removed: boolean; className: string } | { ok: false; reason: TeachingProblem }> {
  const cls = await classOf(db, input.schoolId, input.className);
  if (!cls) return { ok: false, reason: 'unknown-class' };
  const person = await staffOf(db, input.schoolId, input.staffCode);
  if (!person) return { ok: false, reason: 'unknown-staff' };
  const gone = await db
    .delete(classTeachers)
    .where(and(eq(classTeachers.classId, cls.id), eq(classTeachers.staffId, person.id)))
    .returning({ staffId: classTeachers.staffId });
  await audit(db, { actor: input.actor, schoolId: input.schoolId, action: 'teaching.remove', entity: 'class', entityId: cls.id, details: { staffId: person.id } });
  return { ok: true, removed: gone.length > 0, className: cls.name };
}

/** The homeroom teacher first, then the subject teachers of a class. */
export async function listClassTeachers(db: Db, schoolId: number, className: string): Promise<{ className: string; teachers: ClassTeacherRow[] } | null> {
  const cls = await classOf(db, schoolId, className);
  if (!cls) return null;
  const rows = await db
    .select({
      staffId: staff.id,
      staffCode: staff.staffCode,
      nameKm: staff.nameKm,
      nameEn: staff.nameEn,
      subject: classTeachers.subject,
      linked: sql<boolean>`${staff.telegramUserId} is not null`,
    })
    .from(classTeachers)
    .innerJoin(staff, eq(staff.id, classTeachers.staffId))
    .where(eq(classTeachers.classId, cls.id))
    .orderBy(asc(classTeachers.subject), asc(staff.nameKm));
  const teachers: ClassTeacherRow[] = rows.filter((r) => r.staffId !== cls.homeroom).map((r) => ({ ...r, homeroom: false }));
  if (cls.homeroom !== null) {
    const [h] = await db
      .select({ staffId: staff.id, staffCode: staff.staffCode, nameKm: staff.nameKm, nameEn: staff.nameEn, linked: sql<boolean>`${staff.telegramUserId} is not null` })
      .from(staff)
      .where(eq(staff.id, cls.homeroom));
    const subject = rows.find((r) => r.staffId === cls.homeroom)?.subject ?? '';
    if (h) teachers.unshift({ ...h, subject, homeroom: true });
  }
  return { className: cls.name, teachers };
}
