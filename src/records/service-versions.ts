/**
 * Record versions: built from the school's computed results (a RecordSource), appended, never
 * changed. A class's open versions are rebuilt when its results change; once the principal's
 * is locked, the version stays as it is until the principal unlocks it (service-copies.ts).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../core/db/client.js';
import { canonicalText, sha256Hex, type RecordDocument } from './canonical.js';
import { recordVersions } from './schema.js';

/** A record's content before it gets its version number. */
export type RecordContent = Omit<RecordDocument, 'version'>;

/**
 * Where records come from: the scores capability's computed results for a class and term (one
 * entry per student of the class). Kept behind this interface so the records workflow does not
 * depend on how results are computed.
 */
export interface RecordSource {
  classRecords(db: Db, input: { schoolId: number; classId: number; year: string; term: string }): Promise<Array<{ studentId: number; content: RecordContent }>>;
}

export interface VersionRow {
  id: number;
  studentId: number;
  classId: number;
  version: number;
  hash: string;
  status: 'open' | 'locked' | 'superseded' | 'revoked';
  document: RecordDocument;
}

export function parseVersion(row: typeof recordVersions.$inferSelect): VersionRow {
  return { id: row.id, studentId: row.studentId, classId: row.classId, version: row.version, hash: row.hash, status: row.status, document: JSON.parse(row.canonical) as RecordDocument };
}

/** The current (open or locked) version of each student of a class for a term. */
export async function currentVersions(ex: Executor, input: { schoolId: number; classId: number; term: string }): Promise<VersionRow[]> {
  const rows = await ex
    .select()
    .from(recordVersions)
    .where(and(eq(recordVersions.schoolId, input.schoolId), eq(recordVersions.classId, input.classId), eq(recordVersions.term, input.term), inArray(recordVersions.status, ['open', 'locked'])))
    .orderBy(recordVersions.studentId);
  return rows.map(parseVersion);
}

export function versionValues(input: { schoolId: number; studentId: number; classId: number; content: RecordContent; version: number; createdBy: string; unlockReason?: string }) {
  const document: RecordDocument = { ...input.content, version: input.version };
  const canonical = canonicalText(document);
  return {
    schoolId: input.schoolId,
    studentId: input.studentId,
    classId: input.classId,
    year: document.year,
    term: document.term,
    version: input.version,
    canonical,
    hash: sha256Hex(canonical),
    createdBy: input.createdBy,
    unlockReason: input.unlockReason ?? null,
  };
}

/**
 * Brings a class's records up to date with its results: a student without a current version gets
 * version 1; an open (not yet locked) version whose content changed is superseded by a new one,
 * which has to be signed again (signatures of the old one stay with it). Locked versions are never
 * touched. Returns how many versions were added.
 */
export async function refreshClassRecords(db: Db, source: RecordSource, input: { schoolId: number; classId: number; year: string; term: string; actor: string }): Promise<number> {
  const records = await source.classRecords(db, input);
  return db.transaction(async (tx) => {
    // one refresh of a class at a time
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('records-class'), ${input.classId})`);
    const current = new Map((await currentVersions(tx, input)).map((v) => [v.studentId, v]));
    // a revoked record has no current version: the next one still follows its number
    const ids = records.map((r) => r.studentId);
    const last = new Map(
      (
        ids.length === 0 ? [] : await tx
          .select({ studentId: recordVersions.studentId, version: sql<number>`max(${recordVersions.version})::int` })
          .from(recordVersions)
          .where(and(eq(recordVersions.schoolId, input.schoolId), inArray(recordVersions.studentId, ids), eq(recordVersions.term, input.term), eq(recordVersions.year, input.year)))
          .groupBy(recordVersions.studentId)
      ).map((r) => [r.studentId, Number(r.version)]),
    );
    const fresh: Array<{ values: ReturnType<typeof versionValues>; old?: VersionRow }> = [];
    for (const r of records) {
      const old = current.get(r.studentId);
      if (old?.status === 'locked') continue;
      if (old) {
        const { version: _v, ...oldContent } = old.document;
        if (canonicalText(oldContent) === canonicalText(r.content)) continue;
      }
      const version = Math.max(old?.version ?? 0, last.get(r.studentId) ?? 0) + 1;
      fresh.push({ values: versionValues({ schoolId: input.schoolId, studentId: r.studentId, classId: input.classId, content: r.content, version, createdBy: input.actor }), old });
    }
    if (fresh.length === 0) return 0;
    // the class's new versions in one statement; the few they replace marked one by one
    const rows = await tx.insert(recordVersions).values(fresh.map((f) => f.values)).returning({ id: recordVersions.id, studentId: recordVersions.studentId });
    const idOf = new Map(rows.map((r) => [r.studentId, r.id]));
    for (const f of fresh) if (f.old) await tx.update(recordVersions).set({ status: 'superseded', supersededBy: idOf.get(f.values.studentId)! }).where(eq(recordVersions.id, f.old.id));
    return fresh.length;
  });
}

/** One short fingerprint of a set of versions (what the signer is shown and confirms). */
export function batchHash(hashes: readonly string[]): string {
  return sha256Hex([...hashes].sort().join('\n'));
}
