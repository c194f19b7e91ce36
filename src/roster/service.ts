/**
 * Roster import: the files a school operator already keeps become students, classes, guardians
 * and staff. All or nothing (one transaction), every bad row reported in one run, idempotent:
 * the same file again changes nothing, a changed file updates rows in place. Upserts are batched
 * and only rows that really differ are written (the DO UPDATE ... WHERE ... IS DISTINCT FROM).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.js';
import { classes, guardians, studentGuardians, students } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { ensureCurrentYear } from '../schools/service.js';
import { studentsLeave } from '../lifecycle/service-leaving.js';
import { changesFingerprint, rosterChanges } from './changes.js';
import { parseStudentRoster } from './parse.js';
import { DryRun, fileHash, linkWaitingAccounts, openImport, orDryRun, type DryRunResult, type ImportInput, type StudentImportSummary } from './import-common.js';

export type { Counts, DryRunResult, ImportInput, ImportResult, Notifier, StaffImportSummary, StudentImportSummary } from './import-common.js';
export { UnknownSchoolError } from './import-common.js';
export { importStaff } from './service-staff.js';

const CHUNK = 1000;

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export async function importStudents(db: Db, input: ImportInput): Promise<DryRunResult<StudentImportSummary>> {
  const { school, parsed } = await openImport(db, input, parseStudentRoster, 'roster.import');
  if (!parsed.ok) return parsed;
  const rows = parsed.rows;

  return orDryRun(input, () => db.transaction(async (tx) => {
    const yearId = await ensureCurrentYear(tx, school.id);
    const changes = await rosterChanges(tx, school.id, rows);

    // A student code another school has enrolled is a transfer: that school keeps the record and
    // its history (status transferred, no more links or messages); this school gets the enrolment.
    const transfersFrom = new Map<number, number[]>();
    for (const t of changes.transfersIn) transfersFrom.set(t.fromSchoolId, [...(transfersFrom.get(t.fromSchoolId) ?? []), t.fromStudentId]);
    for (const [fromSchoolId, ids] of transfersFrom) {
      await studentsLeave(tx, { schoolId: fromSchoolId, studentIds: ids, status: 'transferred', reason: 'transfer', toSchoolId: school.id, actor: input.actor });
    }

    // Classes ----------------------------------------------------------------------------------
    const classDefs = new Map<string, { name: string; grade: number; section: string; shift: 'morning' | 'afternoon' }>();
    for (const r of rows) classDefs.set(r.className, { name: r.className, grade: r.grade, section: r.section, shift: r.shift });
    const classChanges = await tx
      .insert(classes)
      .values([...classDefs.values()].map((c) => ({ ...c, schoolId: school.id, academicYearId: yearId })))
      .onConflictDoUpdate({
        target: [classes.academicYearId, classes.name],
        set: { shift: sql`excluded.shift`, grade: sql`excluded.grade`, section: sql`excluded.section` },
        setWhere: sql`(${classes.shift}, ${classes.grade}, ${classes.section}) is distinct from (excluded.shift, excluded.grade, excluded.section)`,
      })
      .returning({ inserted: sql<boolean>`(xmax = 0)` });
    const classIds = new Map(
      (
        await tx
          .select({ id: classes.id, name: classes.name })
          .from(classes)
          .where(and(eq(classes.academicYearId, yearId), inArray(classes.name, [...classDefs.keys()])))
      ).map((c) => [c.name, c.id]),
    );

    // Students ---------------------------------------------------------------------------------
    // Roll numbers are what teachers type (`7A absent 3`): a student keeps theirs while they stay in
    // the class; a newcomer (or one who changed class) gets the next number after every number the
    // class has ever used, so a departed child's number is never given to someone else.
    const known = new Map<string, { classId: number | null; rollNo: number | null }>();
    const lastRoll = new Map<number, number>();
    for (const k of await tx
      .select({ code: students.studentCode, classId: students.classId, rollNo: students.rollNo })
      .from(students)
      .where(eq(students.schoolId, school.id))) {
      known.set(k.code, k);
      if (k.classId !== null && k.rollNo !== null) lastRoll.set(k.classId, Math.max(lastRoll.get(k.classId) ?? 0, k.rollNo));
    }
    const studentValues = rows.map((r) => {
      const classId = classIds.get(r.className)!;
      const before = known.get(r.studentCode);
      let roll: number;
      if (before && before.classId === classId && before.rollNo !== null) roll = before.rollNo;
      else {
        roll = (lastRoll.get(classId) ?? 0) + 1;
        lastRoll.set(classId, roll);
      }
      return {
        schoolId: school.id,
        studentCode: r.studentCode,
        nameKm: r.nameKm,
        nameEn: r.nameEn,
        sex: r.sex,
        dateOfBirth: r.dateOfBirth,
        classId,
        rollNo: roll,
        active: true,
      };
    });
    let studentsCreated = 0;
    let studentsUpdated = 0;
    for (const part of chunks(studentValues)) {
      const changed = await tx
        .insert(students)
        .values(part)
        .onConflictDoUpdate({
          target: [students.schoolId, students.studentCode],
          set: {
            nameKm: sql`excluded.name_km`,
            nameEn: sql`excluded.name_en`,
            sex: sql`excluded.sex`,
            dateOfBirth: sql`excluded.date_of_birth`,
            classId: sql`excluded.class_id`,
            rollNo: sql`excluded.roll_no`,
            active: sql`true`,
            status: sql`'enrolled'`,
            statusOn: sql`null`,
            statusReason: sql`null`,
            updatedAt: sql`now()`,
          },
          setWhere: sql`(${students.nameKm}, ${students.nameEn}, ${students.sex}, ${students.dateOfBirth}, ${students.classId}, ${students.rollNo}, ${students.active})
            is distinct from (excluded.name_km, excluded.name_en, excluded.sex, excluded.date_of_birth, excluded.class_id, excluded.roll_no, true)`,
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      for (const c of changed) c.inserted ? studentsCreated++ : studentsUpdated++;
    }
    const studentIds = new Map<string, number>();
    for (const part of chunks(rows.map((r) => r.studentCode))) {
      const found = await tx
        .select({ id: students.id, code: students.studentCode })
        .from(students)
        .where(and(eq(students.schoolId, school.id), inArray(students.studentCode, part)));
      for (const f of found) studentIds.set(f.code, f.id);
    }

    // Guardians (one row per phone per school: siblings share it) ----------------------------
    const guardianNames = new Map<string, string | null>();
    for (const r of rows) for (const g of r.guardians) if (!guardianNames.get(g.phone)) guardianNames.set(g.phone, g.name);
    let guardiansCreated = 0;
    let guardiansUpdated = 0;
    for (const part of chunks([...guardianNames.entries()])) {
      const changed = await tx
        .insert(guardians)
        .values(part.map(([phone, name]) => ({ schoolId: school.id, phone, name })))
        .onConflictDoUpdate({
          target: [guardians.schoolId, guardians.phone],
          set: { name: sql`coalesce(excluded.name, ${guardians.name})` },
          setWhere: sql`excluded.name is not null and ${guardians.name} is distinct from excluded.name`,
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      for (const c of changed) c.inserted ? guardiansCreated++ : guardiansUpdated++;
    }
    const guardianIds = new Map<string, number>();
    for (const part of chunks([...guardianNames.keys()])) {
      const found = await tx
        .select({ id: guardians.id, phone: guardians.phone })
        .from(guardians)
        .where(and(eq(guardians.schoolId, school.id), inArray(guardians.phone, part)));
      for (const f of found) guardianIds.set(f.phone!, f.id);
    }

    // Student↔guardian links listed by the roster -----------------------------------------------
    const wanted = new Map<string, { studentId: number; guardianId: number; relation: string; priority: number }>();
    for (const r of rows) {
      r.guardians.forEach((g, i) => {
        const studentId = studentIds.get(r.studentCode)!;
        const guardianId = guardianIds.get(g.phone)!;
        wanted.set(`${studentId}/${guardianId}`, { studentId, guardianId, relation: g.relation, priority: i + 1 });
      });
    }
    const existing = new Map<string, { relation: string; priority: number; source: string }>();
    for (const part of chunks([...studentIds.values()])) {
      const found = await tx
        .select({
          studentId: studentGuardians.studentId,
          guardianId: studentGuardians.guardianId,
          relation: studentGuardians.relation,
          priority: studentGuardians.priority,
          source: studentGuardians.source,
        })
        .from(studentGuardians)
        .where(inArray(studentGuardians.studentId, part));
      for (const f of found) existing.set(`${f.studentId}/${f.guardianId}`, f);
    }
    const toAdd = [...wanted.entries()].filter(([k]) => !existing.has(k)).map(([, v]) => v);
    const toUpdate = [...wanted.entries()].filter(([k, v]) => {
      const e = existing.get(k);
      return e && (e.relation !== v.relation || e.priority !== v.priority || e.source !== 'roster');
    });
    // Links the roster made before and no longer lists go; links made by invite stay.
    const toRemove = [...existing.entries()].filter(([k, e]) => e.source === 'roster' && !wanted.has(k)).map(([k]) => k);
    for (const part of chunks(toAdd)) {
      await tx.insert(studentGuardians).values(part.map((l) => ({ ...l, schoolId: school.id, source: 'roster' })));
    }
    for (const [, l] of toUpdate) {
      await tx
        .update(studentGuardians)
        .set({ relation: l.relation, priority: l.priority, source: 'roster' })
        .where(and(eq(studentGuardians.studentId, l.studentId), eq(studentGuardians.guardianId, l.guardianId)));
    }
    for (const key of toRemove) {
      const [s, g] = key.split('/').map(Number);
      await tx.delete(studentGuardians).where(and(eq(studentGuardians.studentId, s!), eq(studentGuardians.guardianId, g!)));
    }

    // Everyone in the file is enrolled now; the students it does not list have left the school.
    const inFile = new Set(rows.map((r) => r.studentCode));
    const leaving = (
      await tx
        .select({ id: students.id, code: students.studentCode })
        .from(students)
        .where(and(eq(students.schoolId, school.id), eq(students.active, true)))
    ).filter((s) => !inFile.has(s.code));
    const left = await studentsLeave(tx, { schoolId: school.id, studentIds: leaving.map((s) => s.id), status: 'left', reason: 'not-in-roster', actor: input.actor });

    const accountsLinked = await linkWaitingAccounts(tx, school.id, input.actor, school.nameKm, school.nameEn, input.notifier);

    const summary: StudentImportSummary = {
      students: { created: studentsCreated, updated: studentsUpdated, unchanged: rows.length - studentsCreated - studentsUpdated },
      classes: {
        created: classChanges.filter((c) => c.inserted).length,
        updated: classChanges.filter((c) => !c.inserted).length,
      },
      guardians: { created: guardiansCreated, updated: guardiansUpdated },
      links: { added: toAdd.length, removed: toRemove.length, updated: toUpdate.length },
      notInFile: left.length,
      transferredIn: changes.transfersIn.length,
      accountsLinked,
      changes,
    };
    if (input.dryRun) throw new DryRun(summary);
    if (input.beforeCommit) await input.beforeCommit(tx, changesFingerprint(changes));
    await audit(tx, {
      actor: input.actor,
      schoolId: school.id,
      action: 'roster.import',
      entity: 'school',
      entityId: school.id,
      // counts only: the change lists carry names
      details: { file: fileHash(input.file), rows: rows.length, ...summary, changes: { added: changes.added.length, classChanged: changes.classChanged.length, leaving: changes.leaving.length, transfersIn: changes.transfersIn.length } },
    });
    return { ok: true, summary } as const;
  }));
}
