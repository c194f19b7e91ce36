/**
 * Delivering one webhook delivery: claim the row (a lease, so two workers or a re-run job never
 * post it at once), check the address again, POST the stored body signed with a fresh timestamp,
 * and write the outcome to the log. The secret is opened here to sign (a legacy plaintext one is
 * sealed in place first, secret.ts); one that does not open — sealed under another key — fails
 * the attempt like an unreachable receiver, with the reason in the log and no secret anywhere.
 * A failure schedules the next attempt with exponential backoff (base · 2^(attempts-1), at most
 * an hour); after the last attempt the delivery is failed. Too many failed attempts in a row
 * disable the webhook, and its token's owner is told through the outbox in that same transaction
 * (no owner: a warning in the log, and `webhook list` shows it).
 */
import { eq, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Database } from '../core/db/client.js';
import { audit } from '../core/auth/audit.js';
import { telegramAccounts } from '../core/db/schema.js';
import { formatNumber, type Notifier } from '../core/i18n/index.js';
import { safeError, type Logger } from '../core/logger.js';
import { addToOutbox } from '../core/queue/outbox.js';
import { SealedTextError } from '../core/sealed-text.js';
import { checkWebhookUrl } from './address.js';
import { openWebhookSecret, sealLegacySecret } from './secret.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature, TIMESTAMP_HEADER } from './sign.js';
import { webhooks } from './schema.js';

export interface DeliverySettings {
  allowPrivate: boolean;
  retryBaseMs: number;
  maxAttempts: number;
  disableAfter: number;
  timeoutMs: number;
}

export function deliverySettings(config?: Pick<Config, 'WEBHOOKS_ALLOW_PRIVATE' | 'WEBHOOKS_RETRY_BASE_MS' | 'WEBHOOKS_MAX_ATTEMPTS' | 'WEBHOOKS_DISABLE_AFTER' | 'WEBHOOKS_TIMEOUT_MS'>): DeliverySettings {
  return {
    allowPrivate: config?.WEBHOOKS_ALLOW_PRIVATE ?? false,
    retryBaseMs: config?.WEBHOOKS_RETRY_BASE_MS ?? 30_000,
    maxAttempts: config?.WEBHOOKS_MAX_ATTEMPTS ?? 12,
    disableAfter: config?.WEBHOOKS_DISABLE_AFTER ?? 20,
    timeoutMs: config?.WEBHOOKS_TIMEOUT_MS ?? 10_000,
  };
}

export function backoffMs(settings: DeliverySettings, attempts: number): number {
  return Math.min(settings.retryBaseMs * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

export interface DeliveryContext {
  database: Database;
  log: Logger;
  notifier: Notifier;
  settings: DeliverySettings;
  /** webhookSecretKey(config): opens the stored secrets */
  secretKey: Buffer;
}

/** What the delivery log says when a stored secret does not open (never the secret itself). */
export const SECRET_UNOPENED_ERROR = 'the signing secret does not open with this key (RECORDS_KEY or, without it, BOT_TOKEN is not the one it was sealed with)';

export type DeliveryOutcome = { outcome: 'delivered' | 'failed' | 'skipped' } | { outcome: 'retry'; inMs: number; attempts: number };

interface Claimed {
  id: number;
  event: string;
  body: string;
  attempts: number;
  webhook_id: number;
  url: string;
  secret: string;
}

type PostResult = { ok: boolean; code: number | null; error: string | null };

async function post(c: Claimed, secret: string, settings: DeliverySettings): Promise<PostResult> {
  try {
    await checkWebhookUrl(c.url, { allowPrivate: settings.allowPrivate });
  } catch (err) {
    return { ok: false, code: null, error: (err as Error).message };
  }
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(c.url, {
      method: 'POST',
      // never follow a redirect: it could lead into a private network
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'sis-bot-webhooks/1',
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signature(secret, timestamp, c.body),
        [EVENT_HEADER]: c.event,
        [DELIVERY_HEADER]: String(c.id),
      },
      body: c.body,
    });
    await res.arrayBuffer().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, code: res.status, error: ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, code: null, error: (e.name === 'TimeoutError' ? `no answer within ${settings.timeoutMs} ms` : (e.cause?.code ?? e.message)).slice(0, 300) };
  }
}

export async function deliverOne(ctx: DeliveryContext, deliveryId: number): Promise<DeliveryOutcome> {
  const { database, settings } = ctx;
  const leaseSeconds = Math.ceil(settings.timeoutMs / 1000) + 10;
  const [claimed] = await database.rows<Claimed>(
    sql`update webhook_deliveries d set locked_until = now() + make_interval(secs => ${leaseSeconds})
          from webhooks w
         where d.id = ${deliveryId} and w.id = d.webhook_id and w.active and w.removed_at is null
           and d.status = 'pending' and d.next_attempt_at <= now() + interval '2 seconds'
           and (d.locked_until is null or d.locked_until < now())
     returning d.id, d.event, d.body, d.attempts, d.webhook_id, w.url, w.secret`,
  );
  if (!claimed) return { outcome: 'skipped' };
  const secret = await secretOf(ctx, claimed);
  const r: PostResult = secret === null ? { ok: false, code: null, error: SECRET_UNOPENED_ERROR } : await post(claimed, secret, settings);
  const attempts = Number(claimed.attempts) + 1;
  if (r.ok) {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`update webhook_deliveries set status = 'delivered', attempts = ${attempts}, response_code = ${r.code}, last_error = null, locked_until = null, delivered_at = now() where id = ${claimed.id}`);
      await tx.execute(sql`update webhooks set consecutive_failures = 0 where id = ${claimed.webhook_id}`);
    });
    return { outcome: 'delivered' };
  }
  const last = attempts >= settings.maxAttempts;
  const inMs = backoffMs(settings, attempts);
  ctx.log.info({ delivery: claimed.id, webhook: claimed.webhook_id, attempts, code: r.code, last }, 'webhook delivery failed');
  await database.db.transaction(async (tx) => {
    await tx.execute(
      sql`update webhook_deliveries set attempts = ${attempts}, response_code = ${r.code}, last_error = ${r.error}, locked_until = null,
                 status = ${last ? 'failed' : 'pending'},
                 next_attempt_at = now() + make_interval(secs => ${inMs / 1000}), enqueued_at = now()
           where id = ${claimed.id}`,
    );
    const [w] = await database.rows<{ failures: number; active: boolean; token_id: number; url: string }>(
      sql`update webhooks set consecutive_failures = consecutive_failures + 1 where id = ${claimed.webhook_id} returning consecutive_failures as failures, active, token_id, url`,
      tx,
    );
    if (w && w.active && Number(w.failures) >= settings.disableAfter) await disable(ctx, tx, claimed.webhook_id, Number(w.token_id), w.url, Number(w.failures));
  });
  return last ? { outcome: 'failed' } : { outcome: 'retry', inMs, attempts };
}

/** The claimed webhook's secret, sealing a legacy plaintext one; null when it does not open. */
async function secretOf(ctx: DeliveryContext, c: Claimed): Promise<string | null> {
  const webhookId = Number(c.webhook_id);
  let opened: { secret: string; legacy: boolean };
  try {
    opened = openWebhookSecret(ctx.secretKey, webhookId, c.secret);
  } catch (err) {
    if (!(err instanceof SealedTextError)) throw err;
    ctx.log.warn({ delivery: c.id, webhook: webhookId, reason: 'secret-unopened' }, 'webhook secret does not open with the configured key; the attempt fails (RECORDS_KEY or BOT_TOKEN changed?)');
    return null;
  }
  if (opened.legacy) {
    // sealing is housekeeping: the delivery goes out signed whether or not it succeeded
    await sealLegacySecret(ctx.database.db, ctx.secretKey, webhookId, opened.secret, 'webhooks').then(
      (sealed) => sealed && ctx.log.info({ webhook: webhookId }, 'legacy plaintext webhook secret sealed'),
      (err) => ctx.log.warn({ webhook: webhookId, err: safeError(err) }, 'legacy webhook secret could not be sealed; will try at the next delivery'),
    );
  }
  return opened.secret;
}

type Tx = Parameters<Parameters<Database['db']['transaction']>[0]>[0];

async function disable(ctx: DeliveryContext, tx: Tx, webhookId: number, tokenId: number, url: string, failures: number): Promise<void> {
  const reason = `${failures} failed attempts in a row`;
  await tx.update(webhooks).set({ active: false, disabledAt: sql`now()`, disabledReason: reason }).where(eq(webhooks.id, webhookId));
  await audit(tx, { actor: 'webhooks', action: 'webhook.disable', entity: 'webhook', entityId: webhookId, details: { failures, token: tokenId } });
  const [owner] = await ctx.database.rows<{ telegram_user_id: number; locale: 'km' | 'en' | null }>(
    sql`select o.telegram_user_id, a.locale from api_token_owners o left join ${telegramAccounts} a on a.telegram_user_id = o.telegram_user_id where o.token_id = ${tokenId}`,
    tx,
  );
  if (!owner) {
    ctx.log.warn({ webhook: webhookId, token: tokenId, failures }, 'webhook disabled after repeated failures; its token has no owner to tell (see `webhook list`)');
    return;
  }
  const locale = owner.locale ?? ctx.notifier.defaultLocale;
  await addToOutbox(tx, {
    dedupeKey: `webhook-disabled:${webhookId}:${Date.now()}`,
    capability: 'webhooks',
    entity: 'webhook',
    entityId: webhookId,
    chatId: Number(owner.telegram_user_id),
    payload: { text: ctx.notifier.t(locale, 'webhooks-disabled', { id: formatNumber(locale, webhookId), host: new URL(url).host, failures: formatNumber(locale, failures), command: `webhook enable --id ${webhookId}` }) },
  });
  ctx.log.warn({ webhook: webhookId, token: tokenId, failures }, 'webhook disabled after repeated failures; its owner is told');
}

