/**
 * The canonical form of a record: RFC 8785 (JSON Canonicalization Scheme) through the
 * `canonicalize` package, so the same document gives the same bytes — and the same SHA-256 — in
 * every process, in the offline verifier and at the receiving school of a transfer.
 */
import { createHash } from 'node:crypto';
import canonicalizeJson from 'canonicalize';

/** The document a record version holds (what is signed and what a certified copy shows). */
export interface RecordDocument {
  format: 'sis-record/1';
  school: { code: string; name: string };
  student: { code: string; idCode: string; name: string; nameLatin: string | null };
  year: string;
  /** a term name ('1', '2') or 'year' for the year's record */
  term: string;
  className: string;
  /**
   * `subject` is the subject's code (what a teacher's signature names as its scope); `name` and
   * `nameEn` its labels, `max` its maximum; `scores` per test code (null: absent from the test),
   * or per term for the year's record; `average` the subject's result on its own maximum.
   */
  subjects: Array<{ subject: string; name?: string; nameEn?: string; max?: number; scores: Record<string, number | null>; average: number | null }>;
  /** the tests the scores are of, in order (JSON object keys are sorted when canonicalised) */
  tests?: Array<{ code: string; kind: string; month: number | null }>;
  /** on `scale` (10, 50) */
  average: number | null;
  scale?: number;
  letter?: string | null;
  rank: number | null;
  conduct: string | null;
  attendance: { present: number; absent: number; excused: number; late: number };
  comments: string | null;
  /** the rule set the results were computed with (name and version) */
  rules: string;
  /** this record's version number (1, 2, …): part of what is signed */
  version: number;
}

export function canonicalText(value: unknown): string {
  const text = canonicalizeJson(value);
  if (text === undefined) throw new Error('value has no JSON form');
  return text;
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function documentHash(doc: RecordDocument): string {
  return sha256Hex(canonicalText(doc));
}

export type SignatureRole = 'teacher' | 'homeroom' | 'principal' | 'institution';

/**
 * What a signer's key signs: the record's hash with who signs it as what (a subject teacher names
 * the subject). Signing the hash of the whole version means a subject teacher's signature stops
 * holding as soon as any part of that version changes, which is the point of "locked".
 */
export function signedMessage(input: { hash: string; role: SignatureRole; scope: string }): Buffer {
  return Buffer.from(canonicalText({ purpose: 'sis-record-signature/1', hash: input.hash, role: input.role, scope: input.scope }), 'utf8');
}
