/**
 * Signed academic records.
 *
 * - `record_keys`: each signer's Ed25519 key (a member of staff, or the school's own seal when
 *   staff_id is null); the private half sealed with RECORDS_KEY (signer.ts). Public keys are
 *   published at /keys; revoked keys stay for old signatures.
 * - `record_versions`: one row per version of a student's record for a year and term. The
 *   canonical JSON (RFC 8785) is stored as text, exactly the bytes that are hashed and signed.
 *   Append-only: a version is never deleted or edited; an unlock makes a new version and marks the
 *   old one superseded.
 * - `record_signatures`: every signature of a version (subject teachers, homeroom, principal,
 *   institution), with the key that made it.
 * - `record_copies`: every certified copy issued (who, when, for whom) with its verification code.
 * - `record_id_codes`: the student's identification code that a record needs before it is signed.
 * - `record_imports`: records another school signed, imported with a transfer; read-only here.
 * - `records_publication_notices`: the term publications whose signers were told (jobs.ts).
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, jsonb } from 'drizzle-orm/pg-core';
import { bytea, schoolRef, staff, students } from '../core/db/schema.js';
import { scorePublications } from '../scores/schema.js';

export const recordKeys = pgTable(
  'record_keys',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: schoolRef(),
    /** null: the school's institution key */
    staffId: integer('staff_id').references(() => staff.id),
    keyId: text('key_id').notNull().unique(),
    publicKey: text('public_key').notNull(),
    sealedPrivateKey: bytea('sealed_private_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    // one usable key per owner
    uniqueIndex('record_keys_owner_uq').on(t.schoolId, sql`coalesce(${t.staffId}, 0)`).where(sql`${t.revokedAt} is null`),
  ],
);

export const recordStatusEnum = pgEnum('record_status', ['open', 'locked', 'superseded', 'revoked']);
export type RecordStatus = (typeof recordStatusEnum.enumValues)[number];

export const recordVersions = pgTable(
  'record_versions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: schoolRef(),
    studentId: bigint('student_id', { mode: 'number' })
      .notNull()
      .references(() => students.id),
    classId: integer('class_id').notNull(),
    year: text('year').notNull(),
    term: text('term').notNull(),
    version: smallint('version').notNull(),
    canonical: text('canonical').notNull(),
    hash: text('hash').notNull(),
    status: recordStatusEnum('status').notNull().default('open'),
    supersededBy: bigint('superseded_by', { mode: 'number' }),
    /** why the principal unlocked the version this one replaces */
    unlockReason: text('unlock_reason'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lockedAt: timestamp('locked_at', { withTimezone: true }),
    /** withdrawn by the issuing school's principal: copies of it verify as revoked */
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokeReason: text('revoke_reason'),
  },
  (t) => [
    uniqueIndex('record_versions_uq').on(t.studentId, t.year, t.term, t.version),
    index('record_versions_class_idx').on(t.schoolId, t.classId, t.term, t.status),
  ],
);

export const signatureRoleEnum = pgEnum('record_signature_role', ['teacher', 'homeroom', 'principal', 'institution']);

export const recordSignatures = pgTable(
  'record_signatures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    versionId: bigint('version_id', { mode: 'number' })
      .notNull()
      .references(() => recordVersions.id),
    schoolId: schoolRef(),
    role: signatureRoleEnum('role').notNull(),
    /** the subject for a teacher's signature, 'class' for the homeroom's, 'school' otherwise */
    scope: text('scope').notNull(),
    keyId: text('key_id').notNull(),
    /** the signer's name and staff code as shown on copies (the school's name for its seal) */
    signerName: text('signer_name').notNull(),
    staffId: integer('staff_id'),
    signature: text('signature').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('record_signatures_uq').on(t.versionId, t.role, t.scope)],
);

export const recordCopies = pgTable(
  'record_copies',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    code: text('code').notNull().unique(),
    versionId: bigint('version_id', { mode: 'number' })
      .notNull()
      .references(() => recordVersions.id),
    schoolId: schoolRef(),
    issuedBy: text('issued_by').notNull(),
    /** for whom: family, school, exam board, other (with the recipient as the office typed it) */
    issuedFor: text('issued_for').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('record_copies_version_idx').on(t.versionId)],
);

export const recordIdCodes = pgTable('record_id_codes', {
  studentId: bigint('student_id', { mode: 'number' })
    .primaryKey()
    .references(() => students.id),
  schoolId: schoolRef(),
  idCode: text('id_code').notNull(),
  setBy: text('set_by').notNull(),
  setAt: timestamp('set_at', { withTimezone: true }).notNull().defaultNow(),
});

export const recordImports = pgTable(
  'record_imports',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** the receiving school */
    schoolId: schoolRef(),
    studentId: bigint('student_id', { mode: 'number' }).references(() => students.id),
    issuerSchoolCode: text('issuer_school_code').notNull(),
    canonical: text('canonical').notNull(),
    hash: text('hash').notNull(),
    signatures: jsonb('signatures').notNull(),
    importedBy: text('imported_by').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('record_imports_uq').on(t.schoolId, t.hash)],
);

/** A term publication whose class's signers were told the records wait for them (`told`: how many). */
export const recordsPublicationNotices = pgTable('records_publication_notices', {
  publicationId: integer('publication_id')
    .primaryKey()
    .references(() => scorePublications.id, { onDelete: 'cascade' }),
  schoolId: schoolRef(),
  told: integer('told').notNull(),
  noticedAt: timestamp('noticed_at', { withTimezone: true }).notNull().defaultNow(),
});
