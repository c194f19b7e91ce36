/**
 * Students' identification codes (the national code a record is filed under; Hanoi's records were
 * blocked by missing ones). The office sets them one by one in the bot or from a CSV file; the
 * classes still missing some are listed by name, so the homeroom teacher's confirmation is not
 * the first place anyone hears of it. A code is changed by setting it again (audited); a record
 * already locked keeps the code it was signed with.
 */
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { audit } from '../core/auth/audit.js';
import type { Db } from '../core/db/client.js';
import { classes, students } from '../core/db/schema.js';
import { currentYearOf } from '../core/db/years.js';
import { recordIdCodes } from './schema.js';

/** What an identification code may look like: 4-32 letters, digits, dashes or slashes. */
export function normaliseIdCode(text: string): string | null {
  const code = text.trim().toUpperCase();
  return /^[A-Z0-9][A-Z0-9/-]{3,31}$/.test(code) ? code : null;
}

export type IdCodeRefusal = 'not-office' | 'no-student' | 'bad-code' | 'taken';

export async function setIdCode(db: Db, who: { schoolId: number; actor: string; office: boolean }, input: { studentCode: string; idCode: string }): Promise<{ ok: true; studentId: number; name: string; changed: boolean } | { ok: false; reason: IdCodeRefusal }> {
  const deny = async (reason: IdCodeRefusal) => {
    await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.idcode', outcome: 'denied', details: { reason } });
    return { ok: false as const, reason };
  };
  if (!who.office) return deny('not-office');
  const code = normaliseIdCode(input.idCode);
  if (!code) return deny('bad-code');
  const [s] = await db.select({ id: students.id, nameKm: students.nameKm }).from(students).where(and(eq(students.schoolId, who.schoolId), eq(students.studentCode, input.studentCode)));
  if (!s) return deny('no-student');
  // one student per code at a school
  const [other] = await db.select({ id: recordIdCodes.studentId }).from(recordIdCodes).where(and(eq(recordIdCodes.schoolId, who.schoolId), eq(recordIdCodes.idCode, code), ne(recordIdCodes.studentId, s.id)));
  if (other) return deny('taken');
  const [old] = await db.select({ idCode: recordIdCodes.idCode }).from(recordIdCodes).where(eq(recordIdCodes.studentId, s.id));
  if (old?.idCode === code) return { ok: true, studentId: s.id, name: s.nameKm, changed: false };
  await db.transaction(async (tx) => {
    await tx
      .insert(recordIdCodes)
      .values({ studentId: s.id, schoolId: who.schoolId, idCode: code, setBy: who.actor })
      .onConflictDoUpdate({ target: recordIdCodes.studentId, set: { idCode: code, setBy: who.actor, setAt: sql`now()` } });
    await audit(tx, { actor: who.actor, schoolId: who.schoolId, action: 'records.idcode', entity: 'student', entityId: s.id, details: { changed: Boolean(old) } });
  });
  return { ok: true, studentId: s.id, name: s.nameKm, changed: true };
}

/** Active students of the current year's classes with no identification code, by class. */
export async function missingIdCodes(db: Db, schoolId: number, className?: string): Promise<Array<{ className: string; students: Array<{ code: string; name: string }> }>> {
  const rows = await db
    .select({ className: classes.name, code: students.studentCode, name: students.nameKm })
    .from(students)
    .innerJoin(classes, eq(classes.id, students.classId))
    .innerJoin(...currentYearOf(classes))
    .leftJoin(recordIdCodes, eq(recordIdCodes.studentId, students.id))
    .where(and(eq(students.schoolId, schoolId), eq(students.active, true), isNull(recordIdCodes.studentId), className ? eq(classes.name, className) : undefined))
    .orderBy(classes.grade, classes.name, students.rollNo);
  const out = new Map<string, Array<{ code: string; name: string }>>();
  for (const r of rows) out.set(r.className, [...(out.get(r.className) ?? []), { code: r.code, name: r.name }]);
  return [...out].map(([name, list]) => ({ className: name, students: list }));
}

/** A CSV of `student_code,id_code` lines (a header line is skipped): every line is checked before any is set. */
export async function importIdCodes(db: Db, who: { schoolId: number; actor: string }, text: string): Promise<{ ok: true; set: number } | { ok: false; problems: string[] }> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const problems: string[] = [];
  const pairs: Array<{ studentCode: string; idCode: string }> = [];
  lines.forEach((line, i) => {
    const [studentCode = '', idCode = ''] = line.split(/[,;\t]/).map((c) => c.trim().replace(/^"|"$/g, ''));
    if (i === 0 && /student/i.test(studentCode)) return;
    if (!normaliseIdCode(idCode)) problems.push(`line ${i + 1}: "${idCode}" is not an identification code`);
    else pairs.push({ studentCode, idCode });
  });
  const seen = new Map<string, string>();
  for (const p of pairs) {
    const key = normaliseIdCode(p.idCode)!;
    if (seen.has(key) && seen.get(key) !== p.studentCode) problems.push(`${key} is given to both ${seen.get(key)} and ${p.studentCode}`);
    seen.set(key, p.studentCode);
    const [s] = await db.select({ id: students.id }).from(students).where(and(eq(students.schoolId, who.schoolId), eq(students.studentCode, p.studentCode)));
    if (!s) problems.push(`${p.studentCode}: no such student at this school`);
  }
  if (problems.length > 0) return { ok: false, problems };
  let set = 0;
  for (const p of pairs) {
    const r = await setIdCode(db, { ...who, office: true }, p);
    if (!r.ok) return { ok: false, problems: [`${p.studentCode}: ${r.reason}`] };
    if (r.changed) set++;
  }
  return { ok: true, set };
}
