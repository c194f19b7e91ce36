/**
 * Signing of webhook payloads: HMAC-SHA256 with the webhook's secret over `<timestamp>.<body>`
 * (timestamp in Unix seconds, sent as X-SIS-Timestamp), sent as `X-SIS-Signature: sha256=<hex>`.
 * Signing the timestamp with the body lets a receiver refuse an old request replayed later.
 * `verifySignature` is what a receiver does (README shows it standalone).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-sis-timestamp';
export const SIGNATURE_HEADER = 'x-sis-signature';
export const EVENT_HEADER = 'x-sis-event';
export const DELIVERY_HEADER = 'x-sis-delivery';

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A receiver's check: the signature matches and the timestamp is within `toleranceSeconds`. */
export function verifySignature(secret: string, headers: { timestamp?: string | null; signature?: string | null }, body: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds || !headers.signature) return false;
  const expected = Buffer.from(signature(secret, ts, body));
  const given = Buffer.from(headers.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
