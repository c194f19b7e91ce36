/**
 * Transfers: a student's locked records leave as one file (every version's canonical document and
 * signatures) and the receiving school imports it. The import checks every signature and refuses
 * the whole file when anything is altered. Imported records are kept as they came, read-only: the
 * receiving school reads them and has no way to change them (only the issuing school unlocks, in
 * its own records).
 */
import { and, eq } from 'drizzle-orm';
import { audit } from '../core/auth/audit.js';
import type { Db } from '../core/db/client.js';
import { schools, students } from '../core/db/schema.js';
import { checkBundle, type BundleCheck, type RecordBundle } from './bundle.js';
import type { RecordDocument } from './canonical.js';
import { recordImports, recordVersions } from './schema.js';
import { bundleOf } from './service-copies.js';

export interface TransferFile {
  format: 'sis-record-transfer/1';
  school: string;
  student: string;
  exportedAt: string;
  records: RecordBundle[];
}

export async function exportStudentRecords(db: Db, who: { schoolId: number; actor: string }, studentCode: string, now: Date): Promise<TransferFile | null> {
  const rows = await db
    .select({ id: recordVersions.id })
    .from(recordVersions)
    .innerJoin(students, eq(students.id, recordVersions.studentId))
    .where(and(eq(recordVersions.schoolId, who.schoolId), eq(students.studentCode, studentCode), eq(recordVersions.status, 'locked')))
    .orderBy(recordVersions.year, recordVersions.term);
  const [school] = await db.select({ code: schools.code }).from(schools).where(eq(schools.id, who.schoolId));
  if (rows.length === 0 || !school) {
    await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.export', outcome: 'denied', details: { reason: 'not-found' } });
    return null;
  }
  const records = [];
  for (const r of rows) records.push((await bundleOf(db, r.id))!);
  await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.export', entity: 'record_version', entityId: rows.map((r) => r.id).join(',') });
  return { format: 'sis-record-transfer/1', school: school.code, student: studentCode, exportedAt: now.toISOString(), records };
}

export type ImportRefusal = 'malformed' | 'altered' | 'empty';

export async function importTransfer(
  db: Db,
  who: { schoolId: number; actor: string },
  input: { bytes: Uint8Array; studentCode?: string },
): Promise<{ ok: true; imported: number; already: number } | { ok: false; reason: ImportRefusal; checks?: BundleCheck[] }> {
  const deny = async (reason: ImportRefusal, checks?: BundleCheck[]) => {
    await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.import', outcome: 'denied', details: { reason } });
    return { ok: false as const, reason, ...(checks ? { checks } : {}) };
  };
  let file: TransferFile;
  try {
    file = JSON.parse(Buffer.from(input.bytes).toString('utf8')) as TransferFile;
  } catch {
    return deny('malformed');
  }
  if (file?.format !== 'sis-record-transfer/1' || !Array.isArray(file.records) || typeof file.school !== 'string') return deny('malformed');
  if (file.records.length === 0) return deny('empty');
  const checks = file.records.map((r) => checkBundle(r));
  if (checks.some((c) => !c.ok)) return deny(checks.some((c) => c.problems.some((p) => p.problem === 'malformed')) ? 'malformed' : 'altered', checks);
  let studentId: number | null = null;
  if (input.studentCode) {
    const [s] = await db.select({ id: students.id }).from(students).where(and(eq(students.schoolId, who.schoolId), eq(students.studentCode, input.studentCode)));
    studentId = s?.id ?? null;
  }
  let imported = 0;
  for (const r of file.records) {
    const doc = JSON.parse(r.canonical) as RecordDocument;
    const added = await db
      .insert(recordImports)
      .values({ schoolId: who.schoolId, studentId, issuerSchoolCode: doc.school.code, canonical: r.canonical, hash: r.hash, signatures: r.signatures, importedBy: who.actor })
      .onConflictDoNothing()
      .returning({ id: recordImports.id });
    imported += added.length;
  }
  await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.import', details: { imported, issuer: file.school } });
  return { ok: true, imported, already: file.records.length - imported };
}

/** The imported records of a student at the receiving school, as bundles (checked again on read). */
export async function importedRecords(db: Db, schoolId: number, studentId: number): Promise<Array<{ bundle: RecordBundle; check: BundleCheck }>> {
  const rows = await db.select().from(recordImports).where(and(eq(recordImports.schoolId, schoolId), eq(recordImports.studentId, studentId))).orderBy(recordImports.id);
  return rows.map((r) => {
    const bundle: RecordBundle = { format: 'sis-record-bundle/1', canonical: r.canonical, hash: r.hash, signatures: r.signatures as RecordBundle['signatures'] };
    return { bundle, check: checkBundle(bundle) };
  });
}
