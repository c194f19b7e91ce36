/**
 * The signing module: the only place that ever holds a private key in the clear.
 *
 * Every signer (a member of staff, or the school itself for its institution signature) has an
 * Ed25519 key pair. The private key is stored encrypted with AES-256-GCM under the deployment's
 * RECORDS_KEY (config); it is decrypted here, used, and never returned, logged or exported.
 *
 * The workflow only sees `Signer` (one key) and `SignerProvider` (find or make a signer's key), so
 * a USB token or a remote signing service can replace the stored keys without touching it.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { sha256Hex } from './canonical.js';
import { openSealedBytes, sealBytes } from '../core/sealed-text.js';

export interface Signer {
  /** fingerprint of the public key (what signatures name) */
  readonly keyId: string;
  /** base64 of the raw 32-byte Ed25519 public key */
  readonly publicKey: string;
  sign(message: Buffer): Promise<Buffer>;
}

/** Who a key belongs to: a member of staff, or the school (staffId null) for its seal. */
export interface KeyOwner {
  schoolId: number;
  staffId: number | null;
}

export interface SignerProvider {
  signerFor(owner: KeyOwner): Promise<Signer>;
}

/** A key that could not be used: nothing is signed. */
export class SigningKeyError extends Error {
  constructor(readonly reason: 'key-decrypt' | 'key-missing' | 'key-revoked') {
    super(`signing key unusable: ${reason}`);
  }
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function publicKeyFromRaw(raw: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(raw, 'base64')]), format: 'der', type: 'spki' });
}

export function keyIdOf(publicKeyBase64: string): string {
  return sha256Hex(Buffer.from(publicKeyBase64, 'base64')).slice(0, 16);
}

/** Checks a signature against a published raw public key; false on any malformed input. */
export function verifySignature(publicKeyBase64: string, message: Buffer, signatureBase64: string): boolean {
  try {
    const sig = Buffer.from(signatureBase64, 'base64');
    if (sig.length !== 64) return false;
    return verify(null, message, publicKeyFromRaw(publicKeyBase64), sig);
  } catch {
    return false;
  }
}

/** The encrypted form kept in the database: iv (12) | tag (16) | ciphertext. */
export interface SealedKey {
  publicKey: string;
  keyId: string;
  sealed: Buffer;
}

function checkKek(kek: Buffer): void {
  if (kek.length !== 32) throw new Error('RECORDS_KEY must give 32 bytes');
}

/** A new key pair, its private half sealed under `kek`; associated data binds it to its owner. */
export function newSealedKey(kek: Buffer, owner: KeyOwner): SealedKey {
  checkKek(kek);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX.length).toString('base64');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const sealed = sealBytes(kek, pkcs8, ownerAad(owner));
  pkcs8.fill(0);
  return { publicKey: raw, keyId: keyIdOf(raw), sealed };
}

function ownerAad(owner: KeyOwner): Buffer {
  return Buffer.from(`sis-records-key/1:${owner.schoolId}:${owner.staffId ?? 'school'}`);
}

/** Opens a sealed key into a Signer; a wrong RECORDS_KEY or altered bytes: SigningKeyError. */
export function openSealedKey(kek: Buffer, owner: KeyOwner, key: SealedKey): Signer {
  checkKek(kek);
  let privateKey: KeyObject;
  try {
    const pkcs8 = openSealedBytes(kek, key.sealed, ownerAad(owner));
    privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    pkcs8.fill(0);
  } catch {
    throw new SigningKeyError('key-decrypt');
  }
  return {
    keyId: key.keyId,
    publicKey: key.publicKey,
    sign: async (message) => sign(null, message, privateKey),
  };
}
