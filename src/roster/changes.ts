/**
 * What a roster changes, by name and class, for the summary an operator reads before confirming
 * (in the bot, and the CLI's --dry-run): for students who is new (and who of them comes from
 * another school), who changed class, who is leaving; for staff who is new, whose roles or
 * homeroom change, who is leaving.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Tx } from '../core/db/client.js';
import { classes, schools, staff, staffRoles, students } from '../core/db/schema.js';

export interface RosterPerson {
  code: string;
  nameKm: string;
  nameEn: string | null;
  className: string | null;
}

export interface TransferIn extends RosterPerson {
  /** the enrolment the other school holds now (its record becomes 'transferred') */
  fromStudentId: number;
  fromSchoolId: number;
  fromSchoolKm: string;
  fromSchoolEn: string;
}

export interface RosterChanges {
  added: RosterPerson[];
  classChanged: Array<RosterPerson & { fromClass: string | null }>;
  leaving: RosterPerson[];
  /** those of `added` enrolled in another school now: a transfer */
  transfersIn: TransferIn[];
}

type StudentLine = { studentCode: string; nameKm: string; nameEn: string | null; className: string };

export async function rosterChanges(tx: Tx, schoolId: number, rows: ReadonlyArray<StudentLine>): Promise<RosterChanges> {
  const enrolled = await tx
    .select({ code: students.studentCode, nameKm: students.nameKm, nameEn: students.nameEn, className: classes.name })
    .from(students)
    .leftJoin(classes, eq(classes.id, students.classId))
    .where(and(eq(students.schoolId, schoolId), eq(students.active, true)));
  const now = new Map(enrolled.map((s) => [s.code, s]));
  const inFile = new Set(rows.map((r) => r.studentCode));
  const person = (r: StudentLine): RosterPerson => ({ code: r.studentCode, nameKm: r.nameKm, nameEn: r.nameEn, className: r.className });
  const added = rows.filter((r) => !now.has(r.studentCode)).map(person);
  return {
    added,
    classChanged: rows.filter((r) => now.has(r.studentCode) && now.get(r.studentCode)!.className !== r.className).map((r) => ({ ...person(r), fromClass: now.get(r.studentCode)!.className })),
    leaving: enrolled.filter((s) => !inFile.has(s.code)),
    transfersIn: await transfersIn(tx, schoolId, added),
  };
}

/** Newcomers whose student code another school has enrolled: they are moving here. */
async function transfersIn(tx: Tx, schoolId: number, added: RosterPerson[]): Promise<TransferIn[]> {
  const out: TransferIn[] = [];
  const byCode = new Map(added.map((p) => [p.code, p]));
  const codes = [...byCode.keys()];
  for (let i = 0; i < codes.length; i += 1000) {
    const found = await tx
      .select({ id: students.id, code: students.studentCode, schoolId: students.schoolId, km: schools.nameKm, en: schools.nameEn })
      .from(students)
      .innerJoin(schools, eq(schools.id, students.schoolId))
      .where(and(inArray(students.studentCode, codes.slice(i, i + 1000)), eq(students.active, true), ne(students.schoolId, schoolId)));
    for (const f of found) out.push({ ...byCode.get(f.code)!, fromStudentId: f.id, fromSchoolId: f.schoolId, fromSchoolKm: f.km, fromSchoolEn: f.en });
  }
  return out;
}

export interface StaffPerson {
  code: string;
  nameKm: string;
  nameEn: string | null;
  roles: string[];
  homeroom: string | null;
}

export interface StaffChanges {
  added: StaffPerson[];
  /** roles or homeroom differ from what the school has now */
  changed: Array<StaffPerson & { fromRoles: string[]; fromHomeroom: string | null }>;
  leaving: StaffPerson[];
}

type StaffLine = { staffCode: string; nameKm: string; nameEn: string | null; roles: readonly string[]; homeroomClass: string | null };

export async function staffChanges(tx: Tx, schoolId: number, yearId: number, rows: ReadonlyArray<StaffLine>): Promise<StaffChanges> {
  const active = await tx
    .select({
      id: staff.id,
      code: staff.staffCode,
      nameKm: staff.nameKm,
      nameEn: staff.nameEn,
      roles: sql<string[]>`coalesce((select array_agg(r.role::text order by r.role) from ${staffRoles} r where r.staff_id = staff.id), '{}')`,
      homeroom: sql<string | null>`(select c.name from ${classes} c where c.homeroom_staff_id = staff.id and c.academic_year_id = ${yearId} limit 1)`,
    })
    // `staff.id` written out: drizzle leaves a column of the outer table unqualified, and inside
    // the subqueries that would be the inner table's id
    .from(staff)
    // accounts that joined by invite without a roster row (code TG<telegram id>) are not the roster's
    .where(and(eq(staff.schoolId, schoolId), eq(staff.active, true), sql`${staff.staffCode} !~ '^TG[0-9]+$'`));
  const now = new Map(active.map((s) => [s.code, s]));
  const listed = new Set(rows.map((r) => r.staffCode));
  const person = (r: StaffLine): StaffPerson => ({ code: r.staffCode, nameKm: r.nameKm, nameEn: r.nameEn, roles: [...r.roles].sort(), homeroom: r.homeroomClass });
  const changed: StaffChanges['changed'] = [];
  for (const r of rows) {
    const before = now.get(r.staffCode);
    if (!before) continue;
    const p = person(r);
    if (p.roles.join(';') !== [...before.roles].sort().join(';') || p.homeroom !== before.homeroom) {
      changed.push({ ...p, fromRoles: [...before.roles].sort(), fromHomeroom: before.homeroom });
    }
  }
  return {
    added: rows.filter((r) => !now.has(r.staffCode)).map(person),
    changed,
    leaving: active.filter((s) => !listed.has(s.code)).map((s) => ({ code: s.code, nameKm: s.nameKm, nameEn: s.nameEn, roles: [...s.roles].sort(), homeroom: s.homeroom })),
  };
}

/** What a Confirm must find unchanged: the lists the summary showed (names, classes, roles). */
export function changesFingerprint(changes: RosterChanges | StaffChanges): string {
  return createHash('sha256').update(JSON.stringify(changes)).digest('hex');
}
