/**
 * The issuing school's principal changes a locked record, one at a time, with a reason:
 * - unlock: the record gets a new open version built from the school's current published results
 *   (so a corrected score is in it), to be signed again from the start; the locked version stays,
 *   marked superseded, and its copies verify as superseded.
 * - revoke: the record is withdrawn (issued in error); its copies verify as revoked. The next
 *   refresh builds a new version if the results are still published.
 * The record is named by a certified copy's code or by student code and term. Another school's
 * record, a teacher, an operator, an open record or a missing reason: refused, audited, nothing
 * changes. A replayed command finds the version no longer locked and changes nothing.
 */
import { and, desc, eq } from 'drizzle-orm';
import { audit } from '../core/auth/audit.js';
import type { Db } from '../core/db/client.js';
import { academicYears, students } from '../core/db/schema.js';
import { recordCopies, recordVersions } from './schema.js';
import { unlockRecord, type UnlockRefusal } from './service-copies.js';
import type { RecordContent, RecordSource } from './service-versions.js';

export type RecordRef = { code: string } | { studentCode: string; term: string };

export interface Principal {
  schoolId: number;
  actor: string;
  isPrincipal: boolean;
}

/** The version a reference names at this school (the copy's own version for a code). */
async function versionOf(db: Db, schoolId: number, ref: RecordRef) {
  if ('code' in ref) {
    const [row] = await db
      .select({ version: recordVersions })
      .from(recordCopies)
      .innerJoin(recordVersions, eq(recordVersions.id, recordCopies.versionId))
      .where(and(eq(recordCopies.code, ref.code), eq(recordVersions.schoolId, schoolId)));
    return row?.version ?? null;
  }
  const [row] = await db
    .select({ version: recordVersions })
    .from(recordVersions)
    .innerJoin(students, eq(students.id, recordVersions.studentId))
    .where(and(eq(recordVersions.schoolId, schoolId), eq(students.schoolId, schoolId), eq(students.studentCode, ref.studentCode), eq(recordVersions.term, ref.term)))
    .orderBy(desc(recordVersions.version))
    .limit(1);
  return row?.version ?? null;
}

async function yearName(db: Db, schoolId: number): Promise<string> {
  const [y] = await db.select({ name: academicYears.name }).from(academicYears).where(and(eq(academicYears.schoolId, schoolId), eq(academicYears.isCurrent, true)));
  return y?.name ?? '';
}

export async function unlockOne(
  db: Db,
  source: RecordSource,
  who: Principal,
  input: { ref: RecordRef; reason: string },
): Promise<{ ok: true; versionId: number; version: number; studentCode: string; term: string } | { ok: false; reason: UnlockRefusal }> {
  const deny = async (reason: UnlockRefusal) => {
    await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.unlock', outcome: 'denied', details: { reason } });
    return { ok: false as const, reason };
  };
  if (!who.isPrincipal) return deny('not-principal');
  const old = await versionOf(db, who.schoolId, input.ref);
  if (!old) return deny('not-found');
  // what the new version says: the results as published now (with any correction), else the same
  const doc = JSON.parse(old.canonical) as RecordContent & { version?: number };
  const fresh = (await source.classRecords(db, { schoolId: who.schoolId, classId: old.classId, year: await yearName(db, who.schoolId), term: old.term })).find((r) => r.studentId === old.studentId)?.content;
  const { version: _v, ...same } = doc;
  const r = await unlockRecord(db, who, { versionId: old.id, reason: input.reason, corrected: fresh ?? same });
  return r.ok ? { ...r, studentCode: doc.student.code, term: old.term } : r;
}

export type RevokeRefusal = UnlockRefusal | 'already';

export async function revokeOne(db: Db, who: Principal, input: { ref: RecordRef; reason: string }): Promise<{ ok: true; versionId: number; studentCode: string; term: string } | { ok: false; reason: RevokeRefusal }> {
  const deny = async (reason: RevokeRefusal, versionId?: number) => {
    await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.revoke', entity: 'record_version', entityId: versionId, outcome: 'denied', details: { reason } });
    return { ok: false as const, reason };
  };
  if (!who.isPrincipal) return deny('not-principal');
  const reason = input.reason.trim();
  if (reason.length < 3) return deny('no-reason');
  const v = await versionOf(db, who.schoolId, input.ref);
  if (!v) return deny('not-found');
  if (v.status === 'revoked') return deny('already', v.id);
  if (v.status !== 'locked') return deny('not-locked', v.id);
  return db.transaction(async (tx) => {
    // the status in the WHERE: a second revoke racing this one changes nothing
    const done = await tx
      .update(recordVersions)
      .set({ status: 'revoked', revokedAt: new Date(), revokeReason: reason.slice(0, 500) })
      .where(and(eq(recordVersions.id, v.id), eq(recordVersions.schoolId, who.schoolId), eq(recordVersions.status, 'locked')))
      .returning({ id: recordVersions.id });
    if (done.length === 0) {
      await audit(tx, { actor: who.actor, schoolId: who.schoolId, action: 'records.revoke', entity: 'record_version', entityId: v.id, outcome: 'denied', details: { reason: 'not-locked' } });
      return { ok: false as const, reason: 'not-locked' as const };
    }
    await audit(tx, { actor: who.actor, schoolId: who.schoolId, action: 'records.revoke', entity: 'record_version', entityId: v.id });
    return { ok: true as const, versionId: v.id, studentCode: (JSON.parse(v.canonical) as RecordContent).student.code, term: v.term };
  });
}
