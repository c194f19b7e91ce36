/**
 * Certified copies, verification codes, unlocking and what anyone may see of a record.
 *
 * A verification code is issued per certified copy (10 characters of Crockford base32, ≈ 50 bits:
 * guessing one is hopeless, and guesses are rate-limited anyway). It names a version, so the page
 * says "superseded" once a newer version exists. What it shows is only what the copy shows.
 */
import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { audit } from '../core/auth/audit.js';
import type { Db } from '../core/db/client.js';
import { guardians, schools, studentGuardians, students, telegramAccounts, type Locale } from '../core/db/schema.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import type { RecordDocument } from './canonical.js';
import type { RecordBundle } from './bundle.js';
import { recordCopies, recordKeys, recordSignatures, recordVersions, type RecordStatus } from './schema.js';
import { parseVersion, versionValues, type RecordContent } from './service-versions.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newVerificationCode(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => ALPHABET[b & 31]).join('');
}

/** A typed code as the copy prints it (spaces, dashes, lower case, I/L/O for 1/1/0 tolerated). */
export function normaliseCode(text: string): string | null {
  const code = text.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return /^[0-9A-HJKMNP-TV-Z]{10}$/.test(code) ? code : null;
}

export async function bundleOf(db: Db, versionId: number, code?: string): Promise<RecordBundle | null> {
  const [v] = await db.select().from(recordVersions).where(eq(recordVersions.id, versionId));
  if (!v) return null;
  const sigs = await db
    .select({ role: recordSignatures.role, scope: recordSignatures.scope, keyId: recordSignatures.keyId, publicKey: recordKeys.publicKey, signerName: recordSignatures.signerName, signedAt: recordSignatures.signedAt, signature: recordSignatures.signature })
    .from(recordSignatures)
    .innerJoin(recordKeys, eq(recordKeys.keyId, recordSignatures.keyId))
    .where(eq(recordSignatures.versionId, versionId))
    .orderBy(recordSignatures.id);
  return {
    format: 'sis-record-bundle/1',
    canonical: v.canonical,
    hash: v.hash,
    signatures: sigs.map((s) => ({ ...s, signedAt: s.signedAt.toISOString() })),
    ...(code ? { code } : {}),
  };
}

export type CopyRefusal = 'not-office' | 'not-found' | 'not-locked';

/** Where a certified copy goes: the office member who asked, and (for a family) the child's guardians on Telegram. */
export interface CopyDelivery {
  chatId: number;
  locale: Locale;
  toFamily: boolean;
  /** the public verify page of a code */
  verifyUrl: (code: string) => string;
  caption: (locale: Locale, code: string) => string;
}

/** How an outbox payload names a certified copy the sender draws (records' resolver). */
export interface RecordCopyRef {
  recordCopy: { code: string; locale: Locale; url: string };
}

/**
 * Issues a certified copy of a locked version: the code and the log row (who, when, for whom),
 * and, when asked, the PDF to each recipient through the outbox, all in one transaction.
 */
export async function issueCopy(
  db: Db,
  who: { schoolId: number; actor: string; office: boolean },
  input: { studentCode: string; term: string; issuedFor: string },
  deliver?: CopyDelivery,
): Promise<{ ok: true; code: string; versionId: number; bundle: RecordBundle; messages: number } | { ok: false; reason: CopyRefusal }> {
  const deny = async (reason: CopyRefusal) => {
    await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.copy', outcome: 'denied', details: { reason } });
    return { ok: false as const, reason };
  };
  if (!who.office) return deny('not-office');
  const [v] = await db
    .select({ id: recordVersions.id, status: recordVersions.status, studentId: recordVersions.studentId })
    .from(recordVersions)
    .innerJoin(students, eq(students.id, recordVersions.studentId))
    .where(and(eq(recordVersions.schoolId, who.schoolId), eq(students.schoolId, who.schoolId), eq(students.studentCode, input.studentCode), eq(recordVersions.term, input.term), inArray(recordVersions.status, ['open', 'locked'])))
    .orderBy(desc(recordVersions.version))
    .limit(1);
  if (!v) return deny('not-found');
  if (v.status !== 'locked') return deny('not-locked');
  const code = newVerificationCode();
  const messages = await db.transaction(async (tx) => {
    const [copy] = await tx.insert(recordCopies).values({ code, versionId: v.id, schoolId: who.schoolId, issuedBy: who.actor, issuedFor: input.issuedFor.slice(0, 200) }).returning({ id: recordCopies.id });
    await audit(tx, { actor: who.actor, schoolId: who.schoolId, action: 'records.copy', entity: 'record_version', entityId: v.id, details: { copyId: copy!.id } });
    if (!deliver) return 0;
    const to = [{ chatId: deliver.chatId, locale: deliver.locale }];
    if (deliver.toFamily) {
      const family = await tx
        .select({ chatId: guardians.telegramUserId, locale: telegramAccounts.locale })
        .from(studentGuardians)
        .innerJoin(guardians, eq(guardians.id, studentGuardians.guardianId))
        .leftJoin(telegramAccounts, eq(telegramAccounts.telegramUserId, guardians.telegramUserId))
        .where(and(eq(studentGuardians.studentId, v.studentId), isNotNull(guardians.telegramUserId)));
      for (const g of family) if (g.chatId !== null && g.chatId !== deliver.chatId) to.push({ chatId: g.chatId, locale: g.locale ?? deliver.locale });
    }
    const rows: OutgoingMessage[] = to.map((r) => {
      const ref: RecordCopyRef = { recordCopy: { code, locale: r.locale, url: deliver.verifyUrl(code) } };
      return {
        dedupeKey: `records:copy:${copy!.id}:${r.chatId}`,
        schoolId: who.schoolId,
        capability: 'records',
        entity: 'record_copy',
        entityId: copy!.id,
        studentId: r.chatId === deliver.chatId ? null : v.studentId,
        chatId: r.chatId,
        method: 'sendDocument',
        payload: { document: ref, caption: deliver.caption(r.locale, code) },
      };
    });
    return (await addToOutbox(tx, rows)).length;
  });
  return { ok: true, code, versionId: v.id, bundle: (await bundleOf(db, v.id, code))!, messages };
}

/** A copy by its code, for drawing it (the resolver): its bundle and when it was issued. */
export async function copyByCode(db: Db, code: string): Promise<{ bundle: RecordBundle; issuedAt: Date } | null> {
  const [c] = await db.select({ versionId: recordCopies.versionId, issuedAt: recordCopies.issuedAt }).from(recordCopies).where(eq(recordCopies.code, code));
  if (!c) return null;
  const bundle = await bundleOf(db, c.versionId, code);
  return bundle ? { bundle, issuedAt: c.issuedAt } : null;
}

export type VerifyStatus = 'valid' | 'superseded' | 'revoked' | 'unknown';

export interface VerifyResult {
  status: VerifyStatus;
  /** only what the certified copy itself shows */
  record?: {
    school: string;
    student: string;
    studentCode: string;
    year: string;
    term: string;
    version: number;
    hash: string;
    signatures: Array<{ role: string; scope: string; signer: string; signedAt: string; keyId: string }>;
    issuedAt: string;
  };
}

export async function verifyCode(db: Db, code: string): Promise<VerifyResult> {
  const [row] = await db
    .select({ copy: recordCopies, version: recordVersions })
    .from(recordCopies)
    .innerJoin(recordVersions, eq(recordVersions.id, recordCopies.versionId))
    .where(eq(recordCopies.code, code));
  if (!row) return { status: 'unknown' };
  const v = parseVersion(row.version);
  const sigs = await db
    .select({ role: recordSignatures.role, scope: recordSignatures.scope, signer: recordSignatures.signerName, signedAt: recordSignatures.signedAt, keyId: recordSignatures.keyId })
    .from(recordSignatures)
    .where(eq(recordSignatures.versionId, v.id))
    .orderBy(recordSignatures.id);
  const status: Record<RecordStatus, VerifyStatus> = { locked: 'valid', open: 'unknown', superseded: 'superseded', revoked: 'revoked' };
  const d: RecordDocument = v.document;
  return {
    status: status[v.status],
    record: {
      school: d.school.name,
      student: d.student.name,
      studentCode: d.student.code,
      year: d.year,
      term: d.term,
      version: d.version,
      hash: v.hash,
      signatures: sigs.map((s) => ({ ...s, signedAt: s.signedAt.toISOString() })),
      issuedAt: row.copy.issuedAt.toISOString(),
    },
  };
}

export type UnlockRefusal = 'not-principal' | 'not-found' | 'not-locked' | 'no-reason';

/**
 * The issuing school's principal unlocks one locked record with a reason: the corrected content
 * becomes a new open version to be signed again, and the old one is marked superseded (it stays).
 * Another school's principal, or a teacher, is refused: the version's school must be theirs.
 */
export async function unlockRecord(
  db: Db,
  who: { schoolId: number; actor: string; isPrincipal: boolean },
  input: { versionId: number; reason: string; corrected: RecordContent },
): Promise<{ ok: true; versionId: number; version: number } | { ok: false; reason: UnlockRefusal }> {
  const deny = async (reason: UnlockRefusal) => {
    await audit(db, { actor: who.actor, schoolId: who.schoolId, action: 'records.unlock', entity: 'record_version', entityId: input.versionId, outcome: 'denied', details: { reason } });
    return { ok: false as const, reason };
  };
  if (!who.isPrincipal) return deny('not-principal');
  const reason = input.reason.trim();
  if (reason.length < 3) return deny('no-reason');
  return db.transaction(async (tx) => {
    const [old] = await tx.select().from(recordVersions).where(and(eq(recordVersions.id, input.versionId), eq(recordVersions.schoolId, who.schoolId))).for('update');
    if (!old) return deny('not-found');
    if (old.status !== 'locked') return deny('not-locked');
    const [row] = await tx
      .insert(recordVersions)
      .values(versionValues({ schoolId: old.schoolId, studentId: old.studentId, classId: old.classId, content: input.corrected, version: old.version + 1, createdBy: who.actor, unlockReason: reason.slice(0, 500) }))
      .returning({ id: recordVersions.id, version: recordVersions.version });
    await tx.update(recordVersions).set({ status: 'superseded', supersededBy: row!.id }).where(eq(recordVersions.id, old.id));
    // the reason is typed text: it lives on the version, the audit row carries ids only
    await audit(tx, { actor: who.actor, schoolId: who.schoolId, action: 'records.unlock', entity: 'record_version', entityId: old.id, details: { newVersionId: row!.id } });
    return { ok: true as const, versionId: row!.id, version: row!.version };
  });
}

export async function schoolCodeOf(db: Db, schoolId: number): Promise<string | null> {
  const [s] = await db.select({ code: schools.code }).from(schools).where(eq(schools.id, schoolId));
  return s?.code ?? null;
}
