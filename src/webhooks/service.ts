/**
 * Webhooks of API tokens, as the administrator's CLI manages them: add (the secret is shown once
 * and stored sealed, secret.ts), list, remove, enable again after it was disabled, the delivery
 * log, and the token's owner (the Telegram user told when a webhook is disabled). Every change is
 * audited.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import { audit } from '../core/auth/audit.js';
import { SEALED_PREFIX } from '../core/sealed-text.js';
import { apiTokens } from '../api/schema.js';
import { checkWebhookUrl, WebhookUrlError } from './address.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from './events.js';
import { sealWebhookSecret } from './secret.js';
import { newSecret } from './sign.js';
import { apiTokenOwners, webhookDeliveries, webhooks } from './schema.js';

export class WebhookInputError extends Error {}

export function parseEvents(text: string): WebhookEvent[] {
  const list = text.split(',').map((e) => e.trim()).filter(Boolean);
  if (list.length === 0) throw new WebhookInputError(`--events is a comma-separated list of: ${WEBHOOK_EVENTS.join(', ')}`);
  const unknown = list.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length > 0) throw new WebhookInputError(`unknown event ${unknown.join(', ')} (events: ${WEBHOOK_EVENTS.join(', ')})`);
  return [...new Set(list)] as WebhookEvent[];
}

/** `secretKey`: webhookSecretKey of the configuration the worker has (it opens the secret to sign). */
export async function addWebhook(db: Db, input: { tokenId: number; url: string; events: WebhookEvent[]; allowPrivate: boolean; secretKey: Buffer; resolve?: (host: string) => Promise<string[]> }, actor: string): Promise<{ id: number; secret: string; url: string }> {
  const [token] = await db.select({ id: apiTokens.id, revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.id, input.tokenId));
  if (!token) throw new WebhookInputError(`no API token ${input.tokenId} (api-token list)`);
  if (token.revokedAt) throw new WebhookInputError(`API token ${input.tokenId} is revoked`);
  const url = await checkWebhookUrl(input.url, { allowPrivate: input.allowPrivate, resolve: input.resolve }).catch((err) => {
    throw err instanceof WebhookUrlError ? new WebhookInputError(err.message) : err;
  });
  const secret = newSecret();
  // the id first: the sealed secret is bound to its row
  const [next] = await db.execute(sql`select nextval(pg_get_serial_sequence('webhooks', 'id'))::int as id`).then((r) => rowsOf<{ id: number }>(r));
  const id = Number(next!.id);
  const [row] = await db
    .insert(webhooks)
    .values({ id, tokenId: token.id, url: url.toString(), events: input.events, secret: sealWebhookSecret(input.secretKey, id, secret) })
    .returning({ id: webhooks.id });
  await audit(db, { actor, action: 'webhook.add', entity: 'webhook', entityId: row!.id, details: { token: token.id, events: input.events } });
  return { id: row!.id, secret, url: url.toString() };
}

export async function removeWebhook(db: Db, id: number, actor: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.update(webhooks).set({ active: false, removedAt: sql`now()` }).where(and(eq(webhooks.id, id), isNull(webhooks.removedAt))).returning({ id: webhooks.id });
    if (rows.length === 0) return false;
    await tx.update(webhookDeliveries).set({ status: 'cancelled' }).where(and(eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.status, 'pending')));
    await audit(tx, { actor, action: 'webhook.remove', entity: 'webhook', entityId: id });
    return true;
  });
}

/** A disabled webhook on again (the receiver was fixed); its failure count starts again. */
export async function enableWebhook(db: Db, id: number, actor: string): Promise<boolean> {
  const rows = await db
    .update(webhooks)
    .set({ active: true, consecutiveFailures: 0, disabledAt: null, disabledReason: null })
    .where(and(eq(webhooks.id, id), isNull(webhooks.removedAt)))
    .returning({ id: webhooks.id });
  if (rows.length > 0) await audit(db, { actor, action: 'webhook.enable', entity: 'webhook', entityId: id });
  return rows.length > 0;
}

export async function listWebhooks(db: Db, tokenId?: number) {
  return db
    .select({
      id: webhooks.id,
      tokenId: webhooks.tokenId,
      url: webhooks.url,
      events: webhooks.events,
      active: webhooks.active,
      consecutiveFailures: webhooks.consecutiveFailures,
      disabledAt: webhooks.disabledAt,
      disabledReason: webhooks.disabledReason,
      /** false: stored before sealing (legacy plaintext) and not sealed yet */
      secretSealed: sql<boolean>`starts_with(${webhooks.secret}, ${SEALED_PREFIX})`,
      owner: apiTokenOwners.telegramUserId,
      pending: sql<number>`(select count(*)::int from webhook_deliveries d where d.webhook_id = ${webhooks.id} and d.status = 'pending')`,
      delivered: sql<number>`(select count(*)::int from webhook_deliveries d where d.webhook_id = ${webhooks.id} and d.status = 'delivered')`,
      failed: sql<number>`(select count(*)::int from webhook_deliveries d where d.webhook_id = ${webhooks.id} and d.status = 'failed')`,
    })
    .from(webhooks)
    .leftJoin(apiTokenOwners, eq(apiTokenOwners.tokenId, webhooks.tokenId))
    .where(and(isNull(webhooks.removedAt), tokenId === undefined ? sql`true` : eq(webhooks.tokenId, tokenId)))
    .orderBy(webhooks.id);
}

export async function deliveryLog(db: Db, webhookId: number, limit = 20) {
  return db
    .select({
      id: webhookDeliveries.id,
      event: webhookDeliveries.event,
      eventKey: webhookDeliveries.eventKey,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      responseCode: webhookDeliveries.responseCode,
      lastError: webhookDeliveries.lastError,
      createdAt: webhookDeliveries.createdAt,
      deliveredAt: webhookDeliveries.deliveredAt,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
    })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit);
}

/**
 * The token's owner: the official or staff member whose verified phone is `phoneE164` and who
 * is linked on Telegram (so they can be told). Null phone: no owner (failures only logged).
 */
export async function setTokenOwner(db: Db, tokenId: number, phoneE164: string | null, actor: string): Promise<{ ok: true; telegramUserId: number | null } | { ok: false; reason: 'no-token' | 'not-linked' }> {
  const [token] = await db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.id, tokenId));
  if (!token) return { ok: false, reason: 'no-token' };
  if (phoneE164 === null) {
    await db.delete(apiTokenOwners).where(eq(apiTokenOwners.tokenId, tokenId));
    await audit(db, { actor, action: 'api.token.owner', entity: 'api_token', entityId: tokenId, details: { owner: null } });
    return { ok: true, telegramUserId: null };
  }
  const [person] = await db.execute(
    sql`select telegram_user_id from officials where phone = ${phoneE164} and telegram_user_id is not null
        union all select telegram_user_id from staff where phone = ${phoneE164} and telegram_user_id is not null
        union all select telegram_user_id from telegram_accounts where phone = ${phoneE164}
        limit 1`,
  ).then((r) => rowsOf<{ telegram_user_id: string | number }>(r));
  if (!person) return { ok: false, reason: 'not-linked' };
  const telegramUserId = Number(person.telegram_user_id);
  await db.insert(apiTokenOwners).values({ tokenId, telegramUserId }).onConflictDoUpdate({ target: apiTokenOwners.tokenId, set: { telegramUserId } });
  await audit(db, { actor, action: 'api.token.owner', entity: 'api_token', entityId: tokenId, details: { owner: telegramUserId } });
  return { ok: true, telegramUserId };
}
