/**
 * A secret a capability must use again (so it cannot be hashed) sealed at rest with
 * AES-256-GCM under a 32-byte key: `v1:<base64 of iv (12) | tag (16) | ciphertext>`. The version
 * prefix tells a sealed value from one stored before sealing, and leaves room for another format.
 * Associated data, when given, binds the sealed value to where it is kept (a row's id): copied
 * into another row it does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SEALED_PREFIX = 'v1:';

/** The key is wrong, the value was altered, or it belongs elsewhere (other associated data). */
export class SealedTextError extends Error {}

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new Error('a sealing key is 32 bytes');
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

/**
 * Bytes sealed under `key`: iv (12) | tag (16) | ciphertext — the stored form of the records'
 * signing keys (records/signer.ts) and, base64 with a version prefix, of sealed texts below.
 */
export function sealBytes(key: Buffer, plain: Buffer, aad?: string | Buffer): Buffer {
  checkKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

/** The bytes back; SealedTextError when they do not open (never says more: no key material in messages). */
export function openSealedBytes(key: Buffer, sealed: Buffer, aad?: string | Buffer): Buffer {
  checkKey(key);
  if (sealed.length < 28) throw new SealedTextError('sealed value too short');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  } catch {
    throw new SealedTextError('sealed value does not open with this key');
  }
}

export function sealText(key: Buffer, text: string, aad?: string): string {
  return SEALED_PREFIX + sealBytes(key, Buffer.from(text, 'utf8'), aad).toString('base64');
}

/** The text back; SealedTextError when it does not open. */
export function openSealedText(key: Buffer, sealed: string, aad?: string): string {
  if (!isSealed(sealed)) throw new SealedTextError('not a sealed value');
  return openSealedBytes(key, Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64'), aad).toString('utf8');
}
