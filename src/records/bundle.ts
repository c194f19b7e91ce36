/**
 * A signed record as one self-contained file (a "bundle"): the canonical document exactly as it
 * was hashed, and every signature with the public key that made it. Certified copies carry it as
 * a PDF attachment; transfers carry a list of them. Checking one needs nothing but this file
 * (and, to trust the keys, the school's published /keys).
 */
import { z } from 'zod';
import { sha256Hex, signedMessage, type RecordDocument, type SignatureRole } from './canonical.js';
import { keyIdOf, verifySignature } from './signer.js';

export const BundleSignature = z.object({
  role: z.enum(['teacher', 'homeroom', 'principal', 'institution']),
  scope: z.string().max(200),
  keyId: z.string().max(64),
  publicKey: z.string().max(100),
  signerName: z.string().max(300),
  signedAt: z.string().max(40),
  signature: z.string().max(200),
});
export type BundleSignature = z.infer<typeof BundleSignature>;

export const RecordBundle = z.object({
  format: z.literal('sis-record-bundle/1'),
  canonical: z.string().max(200_000),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  signatures: z.array(BundleSignature).max(200),
  /** the certified copy's verification code, when the bundle came with one */
  code: z.string().max(32).optional(),
});
export type RecordBundle = z.infer<typeof RecordBundle>;

export type BundleProblem = 'malformed' | 'hash-mismatch' | 'bad-signature' | 'key-mismatch' | 'missing-signature' | 'unknown-key';

export interface BundleCheck {
  ok: boolean;
  problems: Array<{ problem: BundleProblem; role?: SignatureRole; scope?: string }>;
  document?: RecordDocument;
}

/**
 * Checks a bundle: the hash is the document's, every signature verifies with its key, and the
 * signatures a locked record needs are all there (each subject's teacher, the homeroom teacher,
 * the principal, the institution). `trustedKeys`, when given (published keys), must contain each
 * key id with the same public key.
 */
export function checkBundle(input: unknown, trustedKeys?: ReadonlyMap<string, string>): BundleCheck {
  const parsed = RecordBundle.safeParse(input);
  if (!parsed.success) return { ok: false, problems: [{ problem: 'malformed' }] };
  const b = parsed.data;
  const problems: BundleCheck['problems'] = [];
  let document: RecordDocument;
  try {
    document = JSON.parse(b.canonical) as RecordDocument;
  } catch {
    return { ok: false, problems: [{ problem: 'malformed' }] };
  }
  if (sha256Hex(b.canonical) !== b.hash) problems.push({ problem: 'hash-mismatch' });
  for (const s of b.signatures) {
    if (keyIdOf(s.publicKey) !== s.keyId) problems.push({ problem: 'key-mismatch', role: s.role, scope: s.scope });
    else if (trustedKeys && trustedKeys.get(s.keyId) !== s.publicKey) problems.push({ problem: 'unknown-key', role: s.role, scope: s.scope });
    // the signature is over the hash of the canonical text as it is in the file (not b.hash)
    if (!verifySignature(s.publicKey, signedMessage({ hash: sha256Hex(b.canonical), role: s.role, scope: s.scope }), s.signature)) problems.push({ problem: 'bad-signature', role: s.role, scope: s.scope });
  }
  const has = (role: SignatureRole, scope: string) => b.signatures.some((s) => s.role === role && s.scope === scope);
  for (const subject of Array.isArray(document.subjects) ? document.subjects : []) if (!has('teacher', subject.subject)) problems.push({ problem: 'missing-signature', role: 'teacher', scope: subject.subject });
  if (!has('homeroom', 'class')) problems.push({ problem: 'missing-signature', role: 'homeroom', scope: 'class' });
  if (!has('principal', 'school')) problems.push({ problem: 'missing-signature', role: 'principal', scope: 'school' });
  if (!has('institution', 'school')) problems.push({ problem: 'missing-signature', role: 'institution', scope: 'school' });
  return { ok: problems.length === 0, problems, document };
}
