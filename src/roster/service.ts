/**
 * Roster import: the files a school operator already keeps become students, classes, guardians
 * and staff. All or nothing (one transaction), every bad row reported in one run, idempotent:
 * the same file again changes nothing, a changed file updates rows in place. Upserts are batched
 * and only rows that really differ are written (the DO UPDATE ... WHERE ... IS DISTINCT FROM).
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../core/db/client.js';
import {
  classes,
  guardians,
  staff,
  staffRoles,
  studentGuardians,
  students,
  telegramAccounts,
} from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { displayName, type Notifier } from '../core/i18n/index.js';
import type { StaffRole } from '../core/auth/roles.js';
import { addToOutbox } from '../core/queue/outbox.js';
import { ensureCurrentYear, getSchool } from '../schools/service.js';
import { staffLeave, studentsLeave } from '../lifecycle/service-leaving.js';
import { rosterChanges, type RosterChanges } from './changes.js';
import { parseStaffRoster, parseStudentRoster, type RosterError, type RosterFile, type RosterParseResult } from './parse.js';

const CHUNK = 1000;

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export type { Notifier };

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface StudentImportSummary {
  students: Counts;
  classes: { created: number; updated: number };
  guardians: { created: number; updated: number };
  links: { added: number; removed: number; updated: number };
  /** enrolled students of the school that this file does not list: they have left (record kept) */
  notInFile: number;
  /** Telegram accounts linked now because their verified phone was in the file */
  accountsLinked: number;
  /** by name and class: new, changed class, leaving */
  changes: RosterChanges;
}

export interface StaffImportSummary {
  staff: Counts;
  /** active staff the file does not list: deactivated */
  left: number;
  roles: { added: number; removed: number };
  homerooms: { set: number; cleared: number };
  accountsLinked: number;
}

export type ImportResult<S> = { ok: true; summary: S } | { ok: false; errors: RosterError[] };

export interface ImportInput {
  schoolCode: string;
  file: RosterFile;
  /** 'cli' or 'tg:<id>' */
  actor: string;
  notifier?: Notifier;
  /** validate and compute the summary, then roll everything back (nothing changes) */
  dryRun?: boolean;
}

export type DryRunResult<S> = ImportResult<S> & { dryRun?: boolean };

/** Thrown inside the transaction of a dry run so that it rolls back; carries the summary out. */
class DryRun<S> extends Error {
  constructor(readonly summary: S) {
    super('dry run');
  }
}

async function orDryRun<S>(input: ImportInput, run: () => Promise<ImportResult<S>>): Promise<DryRunResult<S>> {
  try {
    return await run();
  } catch (err) {
    if (input.dryRun && err instanceof DryRun) return { ok: true, summary: err.summary as S, dryRun: true };
    throw err;
  }
}

function fileHash(file: RosterFile): string {
  return createHash('sha256').update(file.bytes).digest('hex');
}

export class UnknownSchoolError extends Error {
  constructor(readonly code: string) {
    super(`No school with code ${code}`);
  }
}

/** The school named by the input, and its file parsed; a refused file is audited. */
async function openImport<T>(db: Db, input: ImportInput, parse: (file: RosterFile) => Promise<RosterParseResult<T>>, action: string) {
  const school = await getSchool(db, input.schoolCode);
  if (!school) throw new UnknownSchoolError(input.schoolCode);
  const parsed = await parse(input.file);
  if (!parsed.ok) {
    await audit(db, { actor: input.actor, schoolId: school.id, action, outcome: 'failed', details: { errors: parsed.errors.length, file: fileHash(input.file) } });
  }
  return { school, parsed };
}

export async function importStudents(db: Db, input: ImportInput): Promise<DryRunResult<StudentImportSummary>> {
  const { school, parsed } = await openImport(db, input, parseStudentRoster, 'roster.import');
  if (!parsed.ok) return parsed;
  const rows = parsed.rows;

  return orDryRun(input, () => db.transaction(async (tx) => {
    const yearId = await ensureCurrentYear(tx, school.id);
    const changes = await rosterChanges(tx, school.id, rows);

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
      accountsLinked,
      changes,
    };
    if (input.dryRun) throw new DryRun(summary);
    await audit(tx, {
      actor: input.actor,
      schoolId: school.id,
      action: 'roster.import',
      entity: 'school',
      entityId: school.id,
      // counts only: the change lists carry names
      details: { file: fileHash(input.file), rows: rows.length, ...summary, changes: { added: changes.added.length, classChanged: changes.classChanged.length, leaving: changes.leaving.length } },
    });
    return { ok: true, summary } as const;
  }));
}

export async function importStaff(db: Db, input: ImportInput): Promise<DryRunResult<StaffImportSummary>> {
  const { school, parsed } = await openImport(db, input, parseStaffRoster, 'staff.import');
  if (!parsed.ok) return parsed;
  const rows = parsed.rows;

  return orDryRun(input, () => db.transaction(async (tx) => {
    const yearId = await ensureCurrentYear(tx, school.id);
    const classIds = new Map(
      (await tx.select({ id: classes.id, name: classes.name }).from(classes).where(eq(classes.academicYearId, yearId))).map((c) => [c.name, c.id]),
    );
    // Homeroom classes must exist (import students first); a class can have one homeroom teacher.
    const errors: RosterError[] = [];
    const homeroomOf = new Map<string, number>();
    for (const r of rows) {
      if (!r.homeroomClass) continue;
      if (!classIds.has(r.homeroomClass)) errors.push({ row: r.rowNumber, column: 'homeroom_class', code: 'unknown-class', value: r.homeroomClass });
      else if (homeroomOf.has(r.homeroomClass)) errors.push({ row: r.rowNumber, column: 'homeroom_class', code: 'duplicate-homeroom', value: r.homeroomClass });
      else homeroomOf.set(r.homeroomClass, r.rowNumber);
    }
    if (errors.length > 0) {
      await audit(tx, { actor: input.actor, schoolId: school.id, action: 'staff.import', outcome: 'failed', details: { errors: errors.length, file: fileHash(input.file) } });
      return { ok: false, errors } as const;
    }

    const changed = await tx
      .insert(staff)
      .values(
        rows.map((r) => ({
          schoolId: school.id,
          staffCode: r.staffCode,
          nameKm: r.nameKm,
          nameEn: r.nameEn,
          sex: r.sex,
          phone: r.phone,
          subjects: r.subjects,
          active: true,
        })),
      )
      .onConflictDoUpdate({
        target: [staff.schoolId, staff.staffCode],
        set: {
          nameKm: sql`excluded.name_km`,
          nameEn: sql`excluded.name_en`,
          sex: sql`excluded.sex`,
          phone: sql`excluded.phone`,
          subjects: sql`excluded.subjects`,
          active: sql`true`,
          updatedAt: sql`now()`,
        },
        setWhere: sql`(${staff.nameKm}, ${staff.nameEn}, ${staff.sex}, ${staff.phone}, ${staff.subjects}, ${staff.active})
          is distinct from (excluded.name_km, excluded.name_en, excluded.sex, excluded.phone, excluded.subjects, true)`,
      })
      .returning({ inserted: sql<boolean>`(xmax = 0)` });
    const created = changed.filter((c) => c.inserted).length;
    const updated = changed.length - created;

    const staffIds = new Map(
      (
        await tx
          .select({ id: staff.id, code: staff.staffCode })
          .from(staff)
          .where(and(eq(staff.schoolId, school.id), inArray(staff.staffCode, rows.map((r) => r.staffCode))))
      ).map((s) => [s.code, s.id]),
    );

    // Roles: the roster is the truth for the staff it lists.
    const currentRoles = await tx
      .select({ staffId: staffRoles.staffId, role: staffRoles.role })
      .from(staffRoles)
      .where(inArray(staffRoles.staffId, [...staffIds.values()]));
    const have = new Set(currentRoles.map((r) => `${r.staffId}/${r.role}`));
    const want = new Set(rows.flatMap((r) => r.roles.map((role) => `${staffIds.get(r.staffCode)}/${role}`)));
    const rolesToAdd = [...want].filter((k) => !have.has(k));
    const rolesToRemove = [...have].filter((k) => !want.has(k));
    if (rolesToAdd.length > 0) {
      await tx.insert(staffRoles).values(
        rolesToAdd.map((k) => {
          const [id, role] = k.split('/');
          return { staffId: Number(id), schoolId: school.id, role: role as StaffRole };
        }),
      );
    }
    for (const k of rolesToRemove) {
      const [id, role] = k.split('/');
      await tx
        .delete(staffRoles)
        .where(and(eq(staffRoles.staffId, Number(id)), eq(staffRoles.role, role as StaffRole)));
    }

    // Homerooms: set the listed ones; clear a class whose listed teacher no longer has it.
    let set = 0;
    let cleared = 0;
    for (const r of rows) {
      const id = staffIds.get(r.staffCode)!;
      if (r.homeroomClass) {
        const res = await tx
          .update(classes)
          .set({ homeroomStaffId: id })
          .where(and(eq(classes.id, classIds.get(r.homeroomClass)!), sql`${classes.homeroomStaffId} is distinct from ${id}`))
          .returning({ id: classes.id });
        set += res.length;
      }
      const res = await tx
        .update(classes)
        .set({ homeroomStaffId: null })
        .where(
          and(
            eq(classes.academicYearId, yearId),
            eq(classes.homeroomStaffId, id),
            r.homeroomClass ? sql`${classes.name} <> ${r.homeroomClass}` : undefined,
          ),
        )
        .returning({ id: classes.id });
      cleared += res.length;
    }

    // Staff the roster does not list have left: roles, homerooms, substitutions and the link end.
    // Accounts that joined by invite without a roster row (code TG<telegram id>) are not the roster's.
    const listed = new Set(rows.map((r) => r.staffCode));
    const leavingStaff = (
      await tx
        .select({ id: staff.id, code: staff.staffCode })
        .from(staff)
        .where(and(eq(staff.schoolId, school.id), eq(staff.active, true), sql`${staff.staffCode} !~ '^TG[0-9]+$'`))
    ).filter((s) => !listed.has(s.code));
    const staffLeft = await staffLeave(tx, { schoolId: school.id, staffIds: leavingStaff.map((s) => s.id), reason: 'not-in-roster', actor: input.actor });

    const accountsLinked = await linkWaitingAccounts(tx, school.id, input.actor, school.nameKm, school.nameEn, input.notifier);
    const summary: StaffImportSummary = {
      staff: { created, updated, unchanged: rows.length - created - updated },
      left: staffLeft.length,
      roles: { added: rolesToAdd.length, removed: rolesToRemove.length },
      homerooms: { set, cleared },
      accountsLinked,
    };
    if (input.dryRun) throw new DryRun(summary);
    await audit(tx, {
      actor: input.actor,
      schoolId: school.id,
      action: 'staff.import',
      entity: 'school',
      entityId: school.id,
      details: { file: fileHash(input.file), rows: rows.length, ...summary },
    });
    return { ok: true, summary } as const;
  }));
}

/**
 * People who shared their phone before the school's roster listed it are linked now, and told
 * so through the outbox (they are not the person who ran the import).
 */
async function linkWaitingAccounts(
  tx: Tx,
  schoolId: number,
  actor: string,
  schoolNameKm: string,
  schoolNameEn: string,
  notifier: Notifier | undefined,
): Promise<number> {
  const g = await tx
    .update(guardians)
    .set({ telegramUserId: telegramAccounts.telegramUserId })
    .from(telegramAccounts)
    // someone who unlinked themselves stays unlinked until they share their phone again
    .where(and(eq(guardians.schoolId, schoolId), isNull(guardians.telegramUserId), isNull(guardians.unlinkedAt), eq(guardians.phone, telegramAccounts.phone)))
    .returning({ id: guardians.id, telegramUserId: telegramAccounts.telegramUserId, locale: telegramAccounts.locale });
  const s = await tx
    .update(staff)
    .set({ telegramUserId: telegramAccounts.telegramUserId })
    .from(telegramAccounts)
    .where(and(eq(staff.schoolId, schoolId), isNull(staff.telegramUserId), isNull(staff.unlinkedAt), eq(staff.active, true), eq(staff.phone, telegramAccounts.phone)))
    .returning({ id: staff.id, telegramUserId: telegramAccounts.telegramUserId, locale: telegramAccounts.locale });
  const linked = [
    ...g.map((r) => ({ ...r, entity: 'guardian' as const })),
    ...s.map((r) => ({ ...r, entity: 'staff' as const })),
  ];
  if (linked.length === 0) return 0;
  await audit(
    tx,
    linked.map((l) => ({ actor, schoolId, action: `link.${l.entity}`, entity: l.entity, entityId: l.id, details: { telegramUserId: l.telegramUserId, via: 'import' } })),
  );
  if (notifier) {
    await addToOutbox(
      tx,
      linked.map((l) => {
        const locale = l.locale ?? notifier.defaultLocale;
        return {
          dedupeKey: `linked:${l.entity}:${l.id}:${l.telegramUserId}`,
          schoolId,
          // about the record this account was linked to (not about one child: a guardian may have several)
          capability: 'roster',
          entity: l.entity,
          entityId: l.id,
          studentId: null,
          chatId: l.telegramUserId!,
          payload: { text: notifier.t(locale, 'onboarding-linked-later', { school: displayName(locale, { nameKm: schoolNameKm, nameEn: schoolNameEn }) }) },
        };
      }),
    );
  }
  return linked.length;
}
