/**
 * Card tokens: what a student's QR card carries. No personal data — the student's row id and the
 * card's version, signed with a server secret (HMAC-SHA256, truncated to 80 bits):
 *   base64url( id: 6 bytes | version: 2 bytes | mac: 10 bytes ) → 24 characters,
 * prefixed with "c" so the bot tells a card from an invite. It fits a t.me deep-link start
 * payload (≤ 64 of A-Za-z0-9_-) and makes a small QR a cheap phone camera reads from paper.
 * Forging one means guessing 80 bits; a revoked card fails the version check in the database.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CARD_PREFIX = 'c';
const MAC_BYTES = 10;
const TOKEN_RE = /^c[A-Za-z0-9_-]{24}$/;

export interface CardClaims {
  studentId: number;
  version: number;
}

/** The key: CARD_SECRET or a key derived from the bot token (see secret.ts). */
export type CardKey = string | Buffer;

function mac(secret: CardKey, body: Buffer): Buffer {
  return createHmac('sha256', secret).update('sis-card-v1').update(body).digest().subarray(0, MAC_BYTES);
}

export function signCard(secret: CardKey, claims: CardClaims): string {
  if (!Number.isSafeInteger(claims.studentId) || claims.studentId < 0 || claims.studentId >= 2 ** 48) throw new RangeError('student id out of range');
  if (!Number.isInteger(claims.version) || claims.version < 0 || claims.version > 0xffff) throw new RangeError('card version out of range');
  const body = Buffer.alloc(8);
  body.writeUIntBE(claims.studentId, 0, 6);
  body.writeUInt16BE(claims.version, 6);
  return CARD_PREFIX + Buffer.concat([body, mac(secret, body)]).toString('base64url');
}

export type CardCheck = { ok: true; claims: CardClaims } | { ok: false; reason: 'malformed' | 'forged' };

/** Checks shape and signature only; whether the version is current is a database question. */
export function verifyCard(secret: CardKey, token: string): CardCheck {
  if (!TOKEN_RE.test(token)) return { ok: false, reason: 'malformed' };
  const raw = Buffer.from(token.slice(1), 'base64url');
  if (raw.length !== 8 + MAC_BYTES) return { ok: false, reason: 'malformed' };
  const body = raw.subarray(0, 8);
  if (!timingSafeEqual(raw.subarray(8), mac(secret, body))) return { ok: false, reason: 'forged' };
  return { ok: true, claims: { studentId: body.readUIntBE(0, 6), version: body.readUInt16BE(6) } };
}

export function looksLikeCardToken(text: string): boolean {
  return TOKEN_RE.test(text);
}
