/**
 * The staff roster import (service.ts states the rules both imports follow): staff, their roles
 * and homerooms, and who no longer appears (deactivated at once, lifecycle/service-leaving.ts).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.js';
import { classes, staff, staffRoles } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import type { StaffRole } from '../core/auth/roles.js';
import { ensureCurrentYear } from '../schools/service.js';
import { staffLeave } from '../lifecycle/service-leaving.js';
import { changesFingerprint, staffChanges } from './changes.js';
import { parseStaffRoster, type RosterError } from './parse.js';
import { DryRun, fileHash, linkWaitingAccounts, openImport, orDryRun, type DryRunResult, type ImportInput, type StaffImportSummary } from './import-common.js';

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

    const changes = await staffChanges(tx, school.id, yearId, rows);
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
      changes,
    };
    if (input.dryRun) throw new DryRun(summary);
    if (input.beforeCommit) await input.beforeCommit(tx, changesFingerprint(changes));
    await audit(tx, {
      actor: input.actor,
      schoolId: school.id,
      action: 'staff.import',
      entity: 'school',
      entityId: school.id,
      // counts only: the change lists carry names
      details: { file: fileHash(input.file), rows: rows.length, ...summary, changes: { added: changes.added.length, changed: changes.changed.length, leaving: changes.leaving.length } },
    });
    return { ok: true, summary } as const;
  }));
}
