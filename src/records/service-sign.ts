/**
 * The signing workflow: subject teachers sign their subject's results for a class and term, the
 * homeroom teacher confirms the class once every subject is signed and every student has an
 * identification code, and the principal signs every ready record of the school in one step,
 * followed by the school's institution signature; the records are then locked.
 *
 * Each step is a preview (what will be signed, with a fingerprint of the set) and a sign call that
 * takes the fingerprint back: a replayed or stale confirmation whose set no longer matches signs
 * nothing. Every refusal is audited (ids only).
 */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { audit } from '../core/auth/audit.js';
import type { Db, Executor, Tx } from '../core/db/client.js';
import type { Notifier } from '../core/i18n/index.js';
import { classes, schools, staff, students } from '../core/db/schema.js';
import { currentYearOf } from '../core/db/years.js';
import { emitEvent } from '../webhooks/events.js';
import { classTeachers } from '../questions/schema.js';
import { signedMessage, type SignatureRole } from './canonical.js';
import { recordIdCodes, recordSignatures, recordVersions } from './schema.js';
import { SigningKeyError, type SignerProvider } from './signer.js';
import { findSubject, type Subject } from '../teaching/subjects.js';
import { entersSubject } from '../scores/entry-rule.js';
import { batchHash, currentVersions, parseVersion, type VersionRow } from './service-versions.js';
import { tellHomeroomIfReady, tellPrincipals } from './service-ready.js';

export type SignRefusal = 'not-your-subject' | 'not-homeroom' | 'not-principal' | 'nothing-to-sign' | 'not-ready' | 'stale' | 'key-decrypt' | 'key-missing' | 'key-revoked' | 'no-class';

export interface Who {
  schoolId: number;
  staffId: number;
  /** the audit actor: 'tg:<id>' or 'cli' */
  actor: string;
  isPrincipal?: boolean;
}

interface Pending {
  className: string;
  versions: VersionRow[];
  batch: string;
}

async function classOf(db: Db, schoolId: number, classId: number) {
  const [c] = await db.select().from(classes).where(and(eq(classes.id, classId), eq(classes.schoolId, schoolId)));
  return c;
}

async function signaturesOf(db: Db, versionIds: number[]) {
  if (versionIds.length === 0) return [];
  return db.select({ versionId: recordSignatures.versionId, role: recordSignatures.role, scope: recordSignatures.scope }).from(recordSignatures).where(inArray(recordSignatures.versionId, versionIds));
}

async function refuse(db: Db, who: Who, action: string, reason: SignRefusal, details: Record<string, unknown> = {}): Promise<{ ok: false; reason: SignRefusal }> {
  await audit(db, { actor: who.actor, schoolId: who.schoolId, action, outcome: 'denied', details: { reason, ...details } });
  return { ok: false, reason };
}

async function signerName(db: Db, staffId: number): Promise<string> {
  const [s] = await db.select({ nameKm: staff.nameKm, code: staff.staffCode }).from(staff).where(eq(staff.id, staffId));
  return s ? `${s.nameKm} (${s.code})` : String(staffId);
}

/** Signs each version's hash and stores the signatures; one key opening for the whole set. */
async function signAll(
  db: Db,
  signers: SignerProvider,
  input: { who: Who; owner: number | null; name: string; role: SignatureRole; scope: string; versions: VersionRow[]; lock?: boolean; term?: string; after?: (tx: Tx) => Promise<unknown> },
): Promise<void> {
  const signer = await signers.signerFor({ schoolId: input.who.schoolId, staffId: input.owner });
  const rows: Array<typeof recordSignatures.$inferInsert> = [];
  for (const v of input.versions) {
    const signature = await signer.sign(signedMessage({ hash: v.hash, role: input.role, scope: input.scope }));
    rows.push({ versionId: v.id, schoolId: input.who.schoolId, role: input.role, scope: input.scope, keyId: signer.keyId, signerName: input.name, staffId: input.owner, signature: signature.toString('base64') });
  }
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) await tx.insert(recordSignatures).values(rows.slice(i, i + 1000)).onConflictDoNothing();
    if (input.lock) {
      const ids = input.versions.map((v) => v.id);
      for (let i = 0; i < ids.length; i += 5000) await tx.update(recordVersions).set({ status: 'locked', lockedAt: new Date() }).where(and(inArray(recordVersions.id, ids.slice(i, i + 5000)), eq(recordVersions.status, 'open')));
      // the school's institution signature: the records are final (webhooks hear of it now)
      await emitEvent(tx, { event: 'records.signed', schoolId: input.who.schoolId, key: `records.signed:${input.who.schoolId}:${input.term ?? ''}:${batchHash(input.versions.map((v) => v.hash)).slice(0, 16)}`, data: { term: input.term ?? null, records: input.versions.length } });
    }
    // what the signature makes happen (the next signer told), with the signatures or not at all
    if (input.after) await input.after(tx);
  });
}

function keyRefusal(err: unknown): SignRefusal {
  if (err instanceof SigningKeyError) return err.reason;
  throw err;
}

// ---------------------------------------------------------------- subject teachers

/** Every spelling of a subject → its code (teaching/subjects.ts subjectIndex). */
export type SubjectIndex = Map<string, Subject>;

/**
 * The subjects of a class's records a teacher signs: those `class_teachers` lists them for (the
 * typed subject read as its code), and, for the homeroom teacher, every subject no one is listed
 * for — the same people who enter those scores (scores/entry-rule.ts).
 */
async function subjectsSignedBy(db: Db, who: Who, c: { id: number; homeroomStaffId: number | null }, versions: VersionRow[], index: SubjectIndex): Promise<Array<{ code: string; name: string }>> {
  const listed = await db.select({ staffId: classTeachers.staffId, subject: classTeachers.subject }).from(classTeachers).where(eq(classTeachers.classId, c.id));
  const teachers = listed.filter((l) => l.subject !== '').map((l) => ({ staffId: l.staffId, code: findSubject(index, l.subject) ?? l.subject }));
  const out = new Map<string, string>();
  for (const v of versions)
    for (const s of v.document.subjects) if (entersSubject(teachers, c.homeroomStaffId, who.staffId, s.subject)) out.set(s.subject, s.name || s.subject);
  return [...out].map(([code, name]) => ({ code, name }));
}

/** The subjects of a class a teacher signs for a term (nothing audited: for the /sign list). */
export async function teacherSubjects(db: Db, who: Who, classId: number, term: string, index: SubjectIndex): Promise<Array<{ code: string; name: string }>> {
  const c = await classOf(db, who.schoolId, classId);
  if (!c) return [];
  const open = (await currentVersions(db, { schoolId: who.schoolId, classId: c.id, term })).filter((v) => v.status === 'open');
  return subjectsSignedBy(db, who, c, open, index);
}

export interface SubjectPending extends Pending {
  subjects: Array<{ code: string; name: string }>;
  /** signatures to make: (version, subject) pairs still unsigned */
  pairs: Array<{ version: VersionRow; subject: string }>;
}

export async function subjectPreview(db: Db, who: Who, input: { classId: number; term: string; index: SubjectIndex }): Promise<({ ok: true } & SubjectPending) | { ok: false; reason: SignRefusal }> {
  const c = await classOf(db, who.schoolId, input.classId);
  if (!c) return refuse(db, who, 'records.sign.subject', 'no-class', { classId: input.classId });
  const all = (await currentVersions(db, { schoolId: who.schoolId, classId: c.id, term: input.term })).filter((v) => v.status === 'open');
  const subjects = await subjectsSignedBy(db, who, c, all, input.index);
  if (subjects.length === 0) return refuse(db, who, 'records.sign.subject', all.length === 0 ? 'nothing-to-sign' : 'not-your-subject', { classId: c.id });
  const codes = new Set(subjects.map((s) => s.code));
  const done = new Set((await signaturesOf(db, all.map((v) => v.id))).filter((s) => s.role === 'teacher').map((s) => `${s.versionId}/${s.scope}`));
  const pairs = all.flatMap((v) => v.document.subjects.filter((s) => codes.has(s.subject) && !done.has(`${v.id}/${s.subject}`)).map((s) => ({ version: v, subject: s.subject })));
  if (pairs.length === 0) return refuse(db, who, 'records.sign.subject', 'nothing-to-sign', { classId: c.id });
  const versions = [...new Map(pairs.map((p) => [p.version.id, p.version])).values()];
  // the fingerprint covers which subject of which version is signed, not only the versions
  return { ok: true, className: c.name, subjects, pairs, versions, batch: batchHash(pairs.map((p) => `${p.version.hash}/${p.subject}`)) };
}

/** `notifier`: tell the homeroom teacher when this signature leaves no subject of the class unsigned. */
export async function signSubject(db: Db, signers: SignerProvider, who: Who, input: { classId: number; term: string; index: SubjectIndex; batch: string }, notifier?: Notifier) {
  const p = await subjectPreview(db, who, input);
  if (!p.ok) return p;
  if (!p.batch.startsWith(input.batch)) return refuse(db, who, 'records.sign.subject', 'stale', { classId: input.classId });
  try {
    const name = await signerName(db, who.staffId);
    const bySubject = p.subjects.map((s) => ({ s, versions: p.pairs.filter((x) => x.subject === s.code).map((x) => x.version) })).filter((x) => x.versions.length > 0);
    for (const [i, { s, versions }] of bySubject.entries()) {
      const last = i === bySubject.length - 1;
      const after = last && notifier ? (tx: Tx) => tellHomeroomAfter(tx, notifier, who, input) : undefined;
      await signAll(db, signers, { who, owner: who.staffId, name, role: 'teacher', scope: s.code, versions, after });
    }
  } catch (err) {
    return refuse(db, who, 'records.sign.subject', keyRefusal(err), { classId: input.classId });
  }
  await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.sign.subject', entity: 'class', entityId: input.classId, details: { count: p.versions.length, subjects: p.subjects.length, batch: p.batch.slice(0, 16) } });
  return { ok: true as const, className: p.className, subjects: p.subjects, count: p.versions.length, batch: p.batch };
}

async function tellHomeroomAfter(tx: Tx, notifier: Notifier, who: Who, input: { classId: number; term: string }) {
  const [check] = await checkClasses(tx, who.schoolId, [input.classId], input.term);
  const versions = batchHash((await currentVersions(tx, { schoolId: who.schoolId, classId: input.classId, term: input.term })).map((v) => v.hash));
  return tellHomeroomIfReady(tx, notifier, { schoolId: who.schoolId, classId: input.classId, term: input.term, signerStaffId: who.staffId, check, versions });
}

// ---------------------------------------------------------------- homeroom teacher

export interface ClassCheck {
  classId: number;
  className: string;
  records: number;
  /** subjects (their names) some record still lacks a teacher's signature for */
  unsignedSubjects: string[];
  /** students of the class with no identification code (names, for the homeroom teacher) */
  missingIdCodes: string[];
  confirmed: boolean;
  /** records waiting for the principal (confirmed, not locked) */
  toSign: VersionRow[];
  locked: number;
}

export async function checkClass(db: Executor, schoolId: number, classId: number, term: string): Promise<ClassCheck | null> {
  const [c] = await checkClasses(db, schoolId, [classId], term);
  return c ?? null;
}

/**
 * The state of many classes in three set-based queries (the principal's /sign over a whole
 * school): current versions with their signatures aggregated, and students without a code.
 */
export async function checkClasses(db: Executor, schoolId: number, classIds: number[], term: string): Promise<ClassCheck[]> {
  if (classIds.length === 0) return [];
  const list = await db.select({ id: classes.id, name: classes.name }).from(classes).where(and(eq(classes.schoolId, schoolId), inArray(classes.id, classIds)));
  const rows = await db
    .select({
      version: recordVersions,
      teacherScopes: sql<string[] | null>`array_agg(${recordSignatures.scope}) filter (where ${recordSignatures.role} = 'teacher')`,
      homeroom: sql<boolean | null>`bool_or(${recordSignatures.role} = 'homeroom')`,
    })
    .from(recordVersions)
    .leftJoin(recordSignatures, eq(recordSignatures.versionId, recordVersions.id))
    .where(and(eq(recordVersions.schoolId, schoolId), inArray(recordVersions.classId, classIds), eq(recordVersions.term, term), inArray(recordVersions.status, ['open', 'locked'])))
    .groupBy(recordVersions.id)
    .orderBy(recordVersions.studentId);
  const missing = await db
    .select({ classId: students.classId, nameKm: students.nameKm })
    .from(students)
    .leftJoin(recordIdCodes, eq(recordIdCodes.studentId, students.id))
    .where(and(inArray(students.classId, classIds), eq(students.active, true), isNull(recordIdCodes.studentId)))
    .orderBy(students.rollNo, students.nameKm);
  return list.map((c) => {
    const mine = rows.filter((r) => r.version.classId === c.id);
    const versions = mine.map((r) => parseVersion(r.version));
    const unsigned = new Set<string>();
    let confirmed = versions.length > 0;
    const toSign: VersionRow[] = [];
    versions.forEach((v, i) => {
      const scopes = new Set(mine[i]!.teacherScopes ?? []);
      for (const s of v.document.subjects) if (!scopes.has(s.subject)) unsigned.add(s.name || s.subject);
      const homeroom = mine[i]!.homeroom === true;
      if (!homeroom) confirmed = false;
      if (homeroom && v.status === 'open') toSign.push(v);
    });
    // a code added after the record was built is in the next version (refreshClassRecords)
    const names = new Set([...missing.filter((m) => m.classId === c.id).map((m) => m.nameKm), ...versions.filter((v) => !v.document.student.idCode).map((v) => v.document.student.name)]);
    return { classId: c.id, className: c.name, records: versions.length, unsignedSubjects: [...unsigned].sort(), missingIdCodes: [...names], confirmed, toSign, locked: versions.filter((v) => v.status === 'locked').length };
  });
}

export async function classPreview(db: Db, who: Who, input: { classId: number; term: string }) {
  const c = await classOf(db, who.schoolId, input.classId);
  if (!c) return refuse(db, who, 'records.sign.class', 'no-class', { classId: input.classId });
  if (c.homeroomStaffId !== who.staffId) return refuse(db, who, 'records.sign.class', 'not-homeroom', { classId: c.id });
  const check = (await checkClass(db, who.schoolId, c.id, input.term))!;
  const versions = (await currentVersions(db, { schoolId: who.schoolId, classId: c.id, term: input.term })).filter((v) => v.status === 'open');
  const sigs = await signaturesOf(db, versions.map((v) => v.id));
  const pending = versions.filter((v) => !sigs.some((s) => s.versionId === v.id && s.role === 'homeroom'));
  if (check.records === 0 || check.unsignedSubjects.length > 0 || check.missingIdCodes.length > 0) {
    await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.sign.class', outcome: 'denied', details: { reason: 'not-ready', classId: c.id } });
    return { ok: false as const, reason: 'not-ready' as const, check };
  }
  if (pending.length === 0) return refuse(db, who, 'records.sign.class', 'nothing-to-sign', { classId: c.id });
  return { ok: true as const, className: c.name, versions: pending, batch: batchHash(pending.map((v) => v.hash)), check };
}

/** `notifier`: tell the school's principals that the class's records wait for them. */
export async function confirmClass(db: Db, signers: SignerProvider, who: Who, input: { classId: number; term: string; batch: string }, notifier?: Notifier) {
  const p = await classPreview(db, who, input);
  if (!p.ok) return p;
  if (!p.batch.startsWith(input.batch)) return refuse(db, who, 'records.sign.class', 'stale', { classId: input.classId });
  const after = notifier
    ? (tx: Tx) => tellPrincipals(tx, notifier, { schoolId: who.schoolId, classId: input.classId, className: p.className, term: input.term, count: p.versions.length, batch: p.batch, signerStaffId: who.staffId })
    : undefined;
  try {
    await signAll(db, signers, { who, owner: who.staffId, name: await signerName(db, who.staffId), role: 'homeroom', scope: 'class', versions: p.versions, after });
  } catch (err) {
    return refuse(db, who, 'records.sign.class', keyRefusal(err), { classId: input.classId });
  }
  await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.sign.class', entity: 'class', entityId: input.classId, details: { count: p.versions.length } });
  return { ok: true as const, className: p.className, count: p.versions.length, batch: p.batch };
}

// ---------------------------------------------------------------- principal

export interface SchoolReadiness {
  ready: ClassCheck[];
  notReady: ClassCheck[];
  versions: VersionRow[];
  batch: string;
}

export async function schoolReadiness(db: Db, schoolId: number, term: string): Promise<SchoolReadiness> {
  const list = await db
    .select({ id: classes.id })
    .from(classes)
    .innerJoin(...currentYearOf(classes))
    .where(eq(classes.schoolId, schoolId))
    .orderBy(classes.grade, classes.name);
  const checks = new Map((await checkClasses(db, schoolId, list.map((c) => c.id), term)).map((c) => [c.classId, c]));
  const ready: ClassCheck[] = [];
  const notReady: ClassCheck[] = [];
  for (const c of list) {
    const check = checks.get(c.id)!;
    if (check.confirmed && check.toSign.length > 0) ready.push(check);
    else if (check.locked < check.records || check.records === 0) notReady.push(check);
  }
  const versions = ready.flatMap((c) => c.toSign);
  return { ready, notReady, versions, batch: batchHash(versions.map((v) => v.hash)) };
}

export async function signSchool(db: Db, signers: SignerProvider, who: Who, input: { term: string; batch: string }) {
  if (!who.isPrincipal) return refuse(db, who, 'records.sign.school', 'not-principal');
  const r = await schoolReadiness(db, who.schoolId, input.term);
  if (r.versions.length === 0) return refuse(db, who, 'records.sign.school', 'nothing-to-sign');
  if (!r.batch.startsWith(input.batch)) return refuse(db, who, 'records.sign.school', 'stale');
  const [school] = await db.select({ nameKm: schools.nameKm, code: schools.code }).from(schools).where(eq(schools.id, who.schoolId));
  try {
    // both keys must open before anything is signed
    await signers.signerFor({ schoolId: who.schoolId, staffId: null });
    await signAll(db, signers, { who, owner: who.staffId, name: await signerName(db, who.staffId), role: 'principal', scope: 'school', versions: r.versions });
    await signAll(db, signers, { who, owner: null, name: `${school!.nameKm} (${school!.code})`, role: 'institution', scope: 'school', versions: r.versions, lock: true, term: input.term });
  } catch (err) {
    return refuse(db, who, 'records.sign.school', keyRefusal(err));
  }
  await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.sign.school', details: { count: r.versions.length, classes: r.ready.length } });
  return { ok: true as const, count: r.versions.length, classes: r.ready.length };
}

// ---------------------------------------------------------------- what a signer has to do

/** The term with the most recent record of the school (what /sign works on by default). */
export async function latestTerm(db: Db, schoolId: number): Promise<string | null> {
  const [r] = await db.select({ term: recordVersions.term }).from(recordVersions).where(eq(recordVersions.schoolId, schoolId)).orderBy(desc(recordVersions.id)).limit(1);
  return r?.term ?? null;
}

/** The classes a teacher signs subjects of (listed in class_teachers, or homeroom) and the classes they are homeroom teacher of. */
export async function teacherTasks(db: Db, who: Who): Promise<{ classes: Array<{ classId: number; className: string }>; homeroom: Array<{ classId: number; className: string }> }> {
  const listed = await db
    .select({ classId: classes.id, className: classes.name })
    .from(classTeachers)
    .innerJoin(classes, eq(classes.id, classTeachers.classId))
    .innerJoin(...currentYearOf(classes))
    .where(and(eq(classTeachers.staffId, who.staffId), eq(classTeachers.schoolId, who.schoolId), sql`${classTeachers.subject} <> ''`))
    .orderBy(classes.grade, classes.name);
  const homeroom = await db
    .select({ classId: classes.id, className: classes.name })
    .from(classes)
    .innerJoin(...currentYearOf(classes))
    .where(and(eq(classes.homeroomStaffId, who.staffId), eq(classes.schoolId, who.schoolId)))
    .orderBy(classes.grade, classes.name);
  const all = new Map([...listed, ...homeroom].map((c) => [c.classId, c]));
  return { classes: [...all.values()], homeroom };
}
