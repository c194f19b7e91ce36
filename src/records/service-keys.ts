/**
 * Stored keys: the SignerProvider the workflow uses by default. It finds the owner's usable key in
 * `record_keys`, or makes one on first use, and opens it with RECORDS_KEY. Nothing outside
 * signer.ts ever sees the private key.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { schools, staff } from '../core/db/schema.js';
import type { Db } from '../core/db/client.js';
import { recordKeys } from './schema.js';
import { newSealedKey, openSealedKey, SigningKeyError, type KeyOwner, type Signer, type SignerProvider } from './signer.js';

export function storedKeySigners(db: Db, kek: Buffer): SignerProvider {
  return {
    async signerFor(owner: KeyOwner): Promise<Signer> {
      const find = () =>
        db
          .select()
          .from(recordKeys)
          .where(and(eq(recordKeys.schoolId, owner.schoolId), owner.staffId === null ? isNull(recordKeys.staffId) : eq(recordKeys.staffId, owner.staffId), isNull(recordKeys.revokedAt)))
          .limit(1);
      let [row] = await find();
      if (!row) {
        const sealed = newSealedKey(kek, owner);
        // two first signatures at once: one key wins (the partial unique index), both use it
        await db
          .insert(recordKeys)
          .values({ schoolId: owner.schoolId, staffId: owner.staffId, keyId: sealed.keyId, publicKey: sealed.publicKey, sealedPrivateKey: sealed.sealed })
          .onConflictDoNothing();
        [row] = await find();
      }
      if (!row) throw new SigningKeyError('key-missing');
      return openSealedKey(kek, owner, { keyId: row.keyId, publicKey: row.publicKey, sealed: row.sealedPrivateKey });
    },
  };
}

export interface PublishedKey {
  keyId: string;
  publicKey: string;
  school: string;
  owner: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Every public key (staff and institution), for /keys and offline verification. */
export async function publishedKeys(db: Db, keyId?: string): Promise<PublishedKey[]> {
  const rows = await db
    .select({ keyId: recordKeys.keyId, publicKey: recordKeys.publicKey, school: schools.code, owner: staff.staffCode, createdAt: recordKeys.createdAt, revokedAt: recordKeys.revokedAt })
    .from(recordKeys)
    .innerJoin(schools, eq(schools.id, recordKeys.schoolId))
    .leftJoin(staff, eq(staff.id, recordKeys.staffId))
    .where(keyId ? eq(recordKeys.keyId, keyId) : undefined)
    .orderBy(recordKeys.id);
  return rows.map((r) => ({
    keyId: r.keyId,
    publicKey: r.publicKey,
    school: r.school,
    owner: r.owner ?? 'school',
    createdAt: r.createdAt.toISOString(),
    revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
  }));
}
