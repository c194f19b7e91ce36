/**
 * Webhook signing secrets at rest: sealed (core/sealed-text.ts) under a key of their own, derived
 * with HKDF from RECORDS_KEY's material (records/key.ts: RECORDS_KEY, else derived from
 * BOT_TOKEN) with an info string of their own — the same root to keep safe, but never the same
 * key as the records' signing keys, and the webhook key does not give the records key back. Each
 * sealed secret is bound to its webhook's id, so a sealed value copied onto another row does not
 * open there.
 *
 * Rows written before sealing hold the plaintext (`whsec_…`, no `v1:` prefix): they still sign,
 * the worker seals one in place when it first delivers for it, and `webhook seal` seals every such
 * row at once (removed webhooks included: a receiver may still trust their secret).
 */
import { hkdfSync } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.js';
import { audit } from '../core/auth/audit.js';
import { isSealed, openSealedText, sealText, SEALED_PREFIX } from '../core/sealed-text.js';
import { recordsKey } from '../records/key.js';
import { webhooks } from './schema.js';

const HKDF_INFO = 'sis-webhook-secret-v1';

export function webhookSecretKey(config: { RECORDS_KEY?: string; BOT_TOKEN: string }): Buffer {
  return Buffer.from(hkdfSync('sha256', recordsKey(config), Buffer.alloc(0), HKDF_INFO, 32));
}

const aadOf = (webhookId: number) => `webhooks.secret:${webhookId}`;

export function sealWebhookSecret(key: Buffer, webhookId: number, secret: string): string {
  return sealText(key, secret, aadOf(webhookId));
}

/**
 * The secret to sign with, and whether it was stored in plaintext (legacy: to be sealed).
 * Throws SealedTextError when it was sealed under another key (or for another webhook).
 */
export function openWebhookSecret(key: Buffer, webhookId: number, stored: string): { secret: string; legacy: boolean } {
  if (!isSealed(stored)) return { secret: stored, legacy: true };
  return { secret: openSealedText(key, stored, aadOf(webhookId)), legacy: false };
}

/** Seals one plaintext row, unless it changed meanwhile; true when this call sealed it. */
export async function sealLegacySecret(db: Db, key: Buffer, webhookId: number, plaintext: string, actor: string): Promise<boolean> {
  const rows = await db
    .update(webhooks)
    .set({ secret: sealWebhookSecret(key, webhookId, plaintext) })
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.secret, plaintext)))
    .returning({ id: webhooks.id });
  if (rows.length > 0) await audit(db, { actor, action: 'webhook.secret.seal', entity: 'webhook', entityId: webhookId });
  return rows.length > 0;
}

/** Seals every row still holding its secret in plaintext (removed webhooks too); returns how many. */
export async function sealLegacySecrets(db: Db, key: Buffer, actor: string): Promise<number> {
  const legacy = await db
    .select({ id: webhooks.id, secret: webhooks.secret })
    .from(webhooks)
    .where(sql`not starts_with(${webhooks.secret}, ${SEALED_PREFIX})`)
    .orderBy(webhooks.id);
  let sealed = 0;
  for (const w of legacy) if (await sealLegacySecret(db, key, w.id, w.secret, actor)) sealed += 1;
  return sealed;
}
