/**
 * The Telegram account row every capability stands on: the user's language and the hash of the
 * command list their chat was last given. Core owns it (the bot reads the language before any
 * capability runs); onboarding and the rest call these.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { telegramAccounts, type Locale } from '../db/schema.js';

export async function setLocale(db: Db, telegramUserId: number, locale: Locale): Promise<void> {
  await db
    .insert(telegramAccounts)
    .values({ telegramUserId, locale })
    .onConflictDoUpdate({ target: telegramAccounts.telegramUserId, set: { locale, updatedAt: sql`now()` } });
}

export async function getLocale(db: Db, telegramUserId: number): Promise<Locale | null> {
  const [row] = await db
    .select({ locale: telegramAccounts.locale })
    .from(telegramAccounts)
    .where(eq(telegramAccounts.telegramUserId, telegramUserId));
  return row?.locale ?? null;
}

/** Stores the hash of the chat's command list; false when it was already the stored one. */
export async function rememberCommandsHash(db: Db, telegramUserId: number, hash: string): Promise<boolean> {
  const rows = await db
    .update(telegramAccounts)
    .set({ commandsHash: hash })
    .where(and(eq(telegramAccounts.telegramUserId, telegramUserId), sql`${telegramAccounts.commandsHash} is distinct from ${hash}`))
    .returning({ id: telegramAccounts.telegramUserId });
  return rows.length > 0;
}

export async function forgetCommandsHash(db: Db, telegramUserId: number): Promise<void> {
  await db.update(telegramAccounts).set({ commandsHash: null }).where(eq(telegramAccounts.telegramUserId, telegramUserId));
}
