/**
 * The signing workflow as services: subject teachers, the homeroom teacher, the principal in one
 * step; refusals (not your subject, not your class, incomplete, stale/replayed, a key that does not
 * decrypt) sign nothing and are audited; append-only versions; unlock by the issuing principal only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, sql } from 'drizzle-orm';
import { auditLog, students } from '../../src/core/db/schema.js';
import { recordSignatures, recordVersions } from '../../src/records/schema.js';
import { storedKeySigners } from '../../src/records/service-keys.js';
import { classPreview, confirmClass, schoolReadiness, signSchool, signSubject, subjectPreview, type Who } from '../../src/records/service-sign.js';
import { refreshClassRecords } from '../../src/records/service-versions.js';
import { bundleOf, issueCopy, unlockRecord, verifyCode } from '../../src/records/service-copies.js';
import { checkBundle } from '../../src/records/bundle.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { CODES_7A, giveIdCodes, KEK, RowSource, setUp7A, staffId, SUBJECTS_7A, testSubjectIndex } from './helpers.js';

let database: TestDatabase;
let class7A: number;
let firstCode: string;
let firstName: string;
const source = new RowSource();
const index = testSubjectIndex();
const term = '1';
const who = async (code: string, extra: Partial<Who> = {}): Promise<Who> => ({ schoolId: 1, staffId: await staffId(database.db, code), actor: `test:${code}`, ...extra });
const signatures = async () => (await database.db.select({ n: count() }).from(recordSignatures))[0]!.n;
const denials = async (action: string) => (await database.db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.outcome, 'denied'))))[0]!.n;

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  class7A = await setUp7A(database.db);
  const [first] = await database.db.select().from(students).where(eq(students.classId, class7A)).orderBy(students.rollNo).limit(1);
  firstCode = first!.studentCode;
  firstName = first!.nameKm;
});
const refresh = () => refreshClassRecords(database.db, source, { schoolId: 1, classId: class7A, year: '2026-2027', term, actor: 'test' });
const signAllSubjects = async (expected: number) => {
  for (const [subject, code] of Object.entries(SUBJECTS_7A)) {
    const w = await who(code);
    const p = await subjectPreview(database.db, w, { classId: class7A, term, index });
    if (!p.ok) throw new Error(p.reason);
    // each teacher signs the subject the office listed them for, read as its code
    expect(p.subjects).toEqual([{ code: CODES_7A[subject], name: subject }]);
    expect(p.versions.length).toBe(expected);
    const r = await signSubject(database.db, storedKeySigners(database.db, KEK), w, { classId: class7A, term, index, batch: p.batch.slice(0, 8) });
    expect(r).toMatchObject({ ok: true, count: expected, className: '7A' });
    // the same confirm button again
    const again = await signSubject(database.db, storedKeySigners(database.db, KEK), w, { classId: class7A, term, index, batch: p.batch.slice(0, 8) });
    expect(again).toEqual({ ok: false, reason: 'nothing-to-sign' });
  }
};
afterAll(() => database?.drop());

describe('records of 7A', () => {
  it('are built once per student and not again while nothing changed', async () => {
    // every student has an identification code but the first one
    await giveIdCodes(database.db, class7A, [firstCode]);
    expect(await refreshClassRecords(database.db, source, { schoolId: 1, classId: class7A, year: '2026-2027', term, actor: 'test' })).toBe(32);
    expect(await refreshClassRecords(database.db, source, { schoolId: 1, classId: class7A, year: '2026-2027', term, actor: 'test' })).toBe(0);
  });

  it('a teacher cannot sign a subject they do not teach there; nothing signed, refusal audited', async () => {
    const before = await denials('records.sign.subject');
    // Um Maly teaches Khmer in 1A: nothing of 7A is hers
    const p = await subjectPreview(database.db, await who('DEMO-001-T003'), { classId: class7A, term, index });
    expect(p).toEqual({ ok: false, reason: 'not-your-subject' });
    expect(await signatures()).toBe(0);
    expect(await denials('records.sign.subject')).toBe(before + 1);
  });

  it('a key that fails to decrypt signs nothing', async () => {
    const w = await who('DEMO-001-T006');
    const p = await subjectPreview(database.db, w, { classId: class7A, term, index });
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    // the key is made with one RECORDS_KEY and opened with another
    await storedKeySigners(database.db, KEK).signerFor({ schoolId: 1, staffId: w.staffId });
    const r = await signSubject(database.db, storedKeySigners(database.db, Buffer.alloc(32, 9)), w, { classId: class7A, term, index, batch: p.batch.slice(0, 8) });
    expect(r).toEqual({ ok: false, reason: 'key-decrypt' });
    expect(await signatures()).toBe(0);
  });

  it('the homeroom teacher cannot confirm before every subject is signed and lists missing codes by name', async () => {
    const p = await classPreview(database.db, await who('DEMO-001-T005'), { classId: class7A, term });
    expect(p.ok).toBe(false);
    if (p.ok || !('check' in p)) throw new Error('expected a check');
    expect(p.check.unsignedSubjects).toEqual(['English', 'History', 'Mathematics']);
    expect(p.check.missingIdCodes).toEqual([firstName]);
  });

  it('subject teachers sign; a replayed confirmation signs nothing more', async () => {
    await signAllSubjects(32);
    expect(await signatures()).toBe(96);
  });

  it('the principal cannot sign an unconfirmed class; the homeroom teacher confirms once codes are complete', async () => {
    const r0 = await schoolReadiness(database.db, 1, term);
    expect(r0.ready).toEqual([]);
    expect(r0.notReady.find((c) => c.className === '7A')?.missingIdCodes).toEqual([firstName]);
    const principal = await who('DEMO-001-T001', { isPrincipal: true });
    expect(await signSchool(database.db, storedKeySigners(database.db, KEK), principal, { term, batch: r0.batch.slice(0, 8) })).toEqual({ ok: false, reason: 'nothing-to-sign' });
    // a teacher of 7A who is not its homeroom teacher
    expect(await classPreview(database.db, await who('DEMO-001-T006'), { classId: class7A, term })).toEqual({ ok: false, reason: 'not-homeroom' });
    // the missing code arrives: that student's record gets a new version, signed again
    await giveIdCodes(database.db, class7A);
    expect(await refresh()).toBe(1);
    await signAllSubjects(1);
    const p = await classPreview(database.db, await who('DEMO-001-T005'), { classId: class7A, term });
    if (!p.ok) throw new Error(p.reason);
    expect(await confirmClass(database.db, storedKeySigners(database.db, KEK), await who('DEMO-001-T005'), { classId: class7A, term, batch: p.batch.slice(0, 8) })).toMatchObject({ ok: true, count: 32 });
  });

  it('a teacher cannot sign as principal; the principal signs the school in one step and the records lock', async () => {
    const r = await schoolReadiness(database.db, 1, term);
    expect(r.ready.map((c) => c.className)).toEqual(['7A']);
    expect(await signSchool(database.db, storedKeySigners(database.db, KEK), await who('DEMO-001-T005'), { term, batch: r.batch.slice(0, 8) })).toEqual({ ok: false, reason: 'not-principal' });
    const principal = await who('DEMO-001-T001', { isPrincipal: true });
    expect(await signSchool(database.db, storedKeySigners(database.db, KEK), principal, { term, batch: 'ffffffff' })).toEqual({ ok: false, reason: 'stale' });
    expect(await signSchool(database.db, storedKeySigners(database.db, KEK), principal, { term, batch: r.batch.slice(0, 8) })).toEqual({ ok: true, count: 32, classes: 1 });
    const locked = await database.db.select({ n: count() }).from(recordVersions).where(eq(recordVersions.status, 'locked'));
    expect(locked[0]!.n).toBe(32);
    // locked: refreshing from changed results adds nothing
    const [first] = await database.db.select().from(recordVersions).limit(1);
    source.scores.set(first!.studentId, { History: 1, English: 1, Mathematics: 1 });
    expect(await refreshClassRecords(database.db, source, { schoolId: 1, classId: class7A, year: '2026-2027', term, actor: 'test' })).toBe(0);
    source.scores.delete(first!.studentId);
  });

  it('versions and signatures cannot be deleted or rewritten, even with SQL', async () => {
    await expect(database.db.execute(sql`delete from record_versions`)).rejects.toThrow();
    await expect(database.db.execute(sql`update record_versions set canonical = '{}'`)).rejects.toThrow();
    await expect(database.db.execute(sql`delete from record_signatures`)).rejects.toThrow();
    // a locked record is not reopened by an UPDATE either: an unlock is a new version
    await expect(database.db.execute(sql`update record_versions set status = 'open' where status = 'locked'`)).rejects.toThrow();
  });

  it('a certified copy verifies; unlocked and corrected it is superseded at the old code', async () => {
    const [v] = await database.db.select().from(recordVersions).where(eq(recordVersions.status, 'locked')).limit(1);
    const studentCode = (JSON.parse(v!.canonical) as { student: { code: string } }).student.code;
    const copy = await issueCopy(database.db, { schoolId: 1, actor: 'test:principal', office: true }, { studentCode, term, issuedFor: 'family' });
    if (!copy.ok) throw new Error(copy.reason);
    expect(checkBundle(copy.bundle)).toMatchObject({ ok: true, problems: [] });
    expect((await verifyCode(database.db, copy.code)).status).toBe('valid');

    // one score changed in the file: the hash and every signature fail
    const altered = { ...copy.bundle, canonical: copy.bundle.canonical.replace(/"exam":(\d+)/, (_m, n) => `"exam":${Number(n) + 1}`) };
    expect(checkBundle(altered).problems.map((p) => p.problem)).toContain('hash-mismatch');
    expect(checkBundle(altered).problems.filter((p) => p.problem === 'bad-signature').length).toBe(6);

    const corrected = JSON.parse(v!.canonical);
    delete corrected.version;
    corrected.subjects[0].scores.exam = 49;
    expect(await unlockRecord(database.db, { schoolId: 1, actor: 'test:teacher', isPrincipal: false }, { versionId: v!.id, reason: 'typo', corrected })).toEqual({ ok: false, reason: 'not-principal' });
    const u = await unlockRecord(database.db, { schoolId: 1, actor: 'test:principal', isPrincipal: true }, { versionId: v!.id, reason: 'exam mark typed wrong', corrected });
    expect(u).toMatchObject({ ok: true, version: 2 });
    expect((await verifyCode(database.db, copy.code)).status).toBe('superseded');
    expect((await bundleOf(database.db, v!.id))!.signatures.length).toBe(6);
    expect((await verifyCode(database.db, 'ZZZZZZZZZZ')).status).toBe('unknown');
  });
});
