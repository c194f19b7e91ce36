/**
 * Polling mode's inbox (the twin of the outbox). The runner confirms a batch of updates to
 * Telegram by asking for the next one; an update confirmed but not yet handled was lost when the
 * process died. Here every fetched batch is stored in update_inbox before getUpdates returns
 * (so before it can be confirmed), each update is marked handled when its handling ended, and at
 * start the updates a dead process left unhandled are handled first, in order.
 */
import { run, type RunnerHandle, type RunOptions } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { updateInbox } from '../db/schema.js';
import { safeError, type Logger } from '../logger.js';
import { untilWritten } from '../queue/send-lease.js';

export async function storeUpdates(db: Db, botId: number, updates: readonly Update[]): Promise<void> {
  if (updates.length === 0) return;
  await db
    .insert(updateInbox)
    .values(updates.map((u) => ({ botId, updateId: u.update_id, payload: u as object })))
    .onConflictDoNothing();
}

export async function unhandledUpdates(db: Db, botId: number, limit = 1000): Promise<Update[]> {
  const rows = await db
    .select({ payload: updateInbox.payload })
    .from(updateInbox)
    .where(and(eq(updateInbox.botId, botId), isNull(updateInbox.handledAt)))
    .orderBy(asc(updateInbox.updateId))
    .limit(limit);
  return rows.map((r) => r.payload as Update);
}

/** True when this call marked it (false: another handling had already). */
export async function markHandled(db: Db, botId: number, updateId: number): Promise<boolean> {
  const rows = await db
    .update(updateInbox)
    .set({ handledAt: sql`now()` })
    .where(and(eq(updateInbox.botId, botId), eq(updateInbox.updateId, updateId), isNull(updateInbox.handledAt)))
    .returning({ id: updateInbox.updateId });
  return rows.length > 0;
}

export async function isHandled(db: Db, botId: number, updateId: number): Promise<boolean> {
  const [row] = await db
    .select({ handledAt: updateInbox.handledAt })
    .from(updateInbox)
    .where(and(eq(updateInbox.botId, botId), eq(updateInbox.updateId, updateId)));
  return !!row?.handledAt;
}

/** Handled updates are kept a day (for tracing), then deleted. */
export async function pruneInbox(db: Db): Promise<void> {
  await db.delete(updateInbox).where(sql`${updateInbox.handledAt} < now() - interval '1 day'`);
}

/**
 * Handles what a previous process left in the inbox, then long-polls through the runner with
 * every batch stored before it is confirmed. The bot must be initialised (bot.init()).
 */
export async function runWithInbox(bot: Bot<any>, db: Db, log: Logger, options: RunOptions<Update> = {}): Promise<RunnerHandle> {
  const botId = bot.botInfo.id;
  const handle = async (update: Update) => {
    if (await isHandled(db, botId, update.update_id)) return;
    try {
      await bot.handleUpdate(update);
    } finally {
      // A failed handling was answered by the error boundary: it is done too.
      await untilWritten(() => markHandled(db, botId, update.update_id), { maxDelayMs: 2000 }).catch(() => {});
    }
  };
  const left = await unhandledUpdates(db, botId);
  if (left.length > 0) log.info({ updates: left.length }, 'handling updates a previous process fetched but did not finish');
  for (const u of left) await handle(u).catch((err: unknown) => log.error({ err: safeError(err) }, 'inbox update failed'));
  await pruneInbox(db).catch(() => {});

  const adapter = {
    init: () => bot.init(),
    handleUpdate: handle,
    errorHandler: (err: unknown) => bot.errorHandler(err as never),
    api: {
      getUpdates: async (...[args, signal]: Parameters<Bot['api']['getUpdates']>) => {
        const updates = await bot.api.getUpdates(args, signal);
        // Stored before the runner can ask for the next batch (which confirms this one).
        await untilWritten(() => storeUpdates(db, botId, updates), { maxDelayMs: 2000 });
        return updates;
      },
    },
  };
  return run(adapter as unknown as Bot, options);
}
