/**
 * What a student roster changes, by name and class, for the summary an operator reads before
 * confirming (and the CLI's --dry-run): who is new, who changed class, who is leaving.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../core/db/client.js';
import { classes, students } from '../core/db/schema.js';

export interface RosterPerson {
  code: string;
  nameKm: string;
  nameEn: string | null;
  className: string | null;
}

export interface RosterChanges {
  added: RosterPerson[];
  classChanged: Array<RosterPerson & { fromClass: string | null }>;
  leaving: RosterPerson[];
}

export async function rosterChanges(
  tx: Tx,
  schoolId: number,
  rows: ReadonlyArray<{ studentCode: string; nameKm: string; nameEn: string | null; className: string }>,
): Promise<RosterChanges> {
  const enrolled = await tx
    .select({ code: students.studentCode, nameKm: students.nameKm, nameEn: students.nameEn, className: classes.name })
    .from(students)
    .leftJoin(classes, eq(classes.id, students.classId))
    .where(and(eq(students.schoolId, schoolId), eq(students.active, true)));
  const now = new Map(enrolled.map((s) => [s.code, s]));
  const inFile = new Set(rows.map((r) => r.studentCode));
  const person = (r: (typeof rows)[number]): RosterPerson => ({ code: r.studentCode, nameKm: r.nameKm, nameEn: r.nameEn, className: r.className });
  return {
    added: rows.filter((r) => !now.has(r.studentCode)).map(person),
    classChanged: rows.filter((r) => now.has(r.studentCode) && now.get(r.studentCode)!.className !== r.className).map((r) => ({ ...person(r), fromClass: now.get(r.studentCode)!.className })),
    leaving: enrolled.filter((s) => !inFile.has(s.code)),
  };
}
