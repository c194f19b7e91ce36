/**
 * Webhooks of API tokens: a receiver's https address, the events it wants and the secret its
 * payloads are signed with; and the deliveries, written in the same transaction as the change they
 * announce (an outbox of their own: Redis losing its data loses none), with their log.
 */
import { bigint, bigserial, boolean, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { apiTokens } from '../api/schema.js';

export const webhooks = pgTable(
  'webhooks',
  {
    id: serial('id').primaryKey(),
    tokenId: integer('token_id')
      .notNull()
      .references(() => apiTokens.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: text('events').array().notNull(),
    /**
     * HMAC-SHA256 key (shown once when the webhook is added; needed to sign, so not hashed):
     * sealed (`v1:…`, secret.ts) under a key derived from RECORDS_KEY; a row from before sealing
     * holds the plaintext until the worker or `webhook seal` seals it.
     */
    secret: text('secret').notNull(),
    active: boolean('active').notNull().default(true),
    /** failed attempts in a row (any delivery); a success sets it back to 0 */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    disabledReason: text('disabled_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [index('webhooks_token_idx').on(t.tokenId)],
);

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    /** the event's id (`attendance.submitted:<class>:<day>:<shift>:<version>`): one delivery per webhook */
    eventKey: text('event_key').notNull(),
    /** the JSON body, exactly as signed and sent (every attempt sends the same bytes) */
    body: text('body').notNull(),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** when its job was last handed to BullMQ (null: not yet; the relay re-adds a lost one) */
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
    /** a worker is posting it until then */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    responseCode: integer('response_code'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_uq').on(t.webhookId, t.eventKey),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sqlPending()),
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.id),
  ],
);

function sqlPending() {
  return sql`status = 'pending'`;
}

/** The Telegram user told when a token's webhook is disabled (null: logged and shown in the CLI). */
export const apiTokenOwners = pgTable('api_token_owners', {
  tokenId: integer('token_id')
    .primaryKey()
    .references(() => apiTokens.id, { onDelete: 'cascade' }),
  telegramUserId: bigint('telegram_user_id', { mode: 'number' }).notNull(),
});
