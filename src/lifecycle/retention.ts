/**
 * Retention of message bodies: an outbox row's payload holds children's names and whatever a
 * teacher wrote. Once a row is done (sent, cancelled, failed, unreachable) and older than the
 * retention period, its body is cleared; the row stays — status, times, capability, entity and
 * ids — so delivery reports keep their counts. Runs daily in the worker, and from the CLI. The
 * daily job also expires roster files sent to the bot and never confirmed (their bytes go).
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf, type Db } from '../core/db/client.js';
import type { QueueSpec } from '../core/capability.js';
import type { CliCommand } from '../core/cli.js';
import { expireRosterFiles } from '../roster/service-pending.js';

export const DEFAULT_RETENTION_DAYS = 90;
const BATCH = 5000;

/** Clears the bodies of finished rows older than `days`; returns how many. Batched: a big backlog never holds one long lock. */
export async function clearOldBodies(db: Db, days: number): Promise<number> {
  let total = 0;
  for (;;) {
    const r = rowsOf<{ n: number }>(
      await db.execute(sql`
        with done as (
          select id from outbox
           where status <> 'pending' and created_at < now() - make_interval(days => ${days}) and payload <> '{}'::jsonb
           limit ${BATCH} for update skip locked)
        update outbox o set payload = '{}'::jsonb, last_error = null from done where o.id = done.id
        returning 1 as n`),
    );
    total += r.length;
    if (r.length < BATCH) return total;
  }
}

const retentionJob = z.object({ kind: z.literal('outbox-bodies') });

export const retentionQueue: QueueSpec<z.infer<typeof retentionJob>> = {
  name: 'lifecycle-retention',
  payload: retentionJob,
  concurrency: 1,
  schedule: async (queue, _db, schoolId) => {
    // One deployment-wide job (not per school): a per-school sync leaves it alone.
    if (schoolId !== undefined) return 0;
    await queue.upsertJobScheduler('outbox-bodies', { pattern: '15 2 * * *', tz: 'Asia/Phnom_Penh' }, { name: 'outbox-bodies', data: { kind: 'outbox-bodies' } });
    return 1;
  },
  run: async (_job, ctx) => {
    const cleared = await clearOldBodies(ctx.database.db, ctx.config?.OUTBOX_RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS);
    // roster files sent to the bot and never confirmed hold children's names too
    const rosterFiles = await expireRosterFiles(ctx.database.db);
    ctx.log.info({ cleared, rosterFiles }, 'outbox bodies cleared');
    return { cleared, rosterFiles };
  },
};

export const retentionCli: CliCommand = {
  name: 'outbox clear-bodies',
  usage: '[--days N]',
  summary: `clear the bodies of finished messages older than N days (default OUTBOX_RETENTION_DAYS, ${DEFAULT_RETENTION_DAYS})`,
  options: { days: { type: 'string' } },
  async run(ctx, { values }) {
    const days = values.days === undefined ? ctx.config.OUTBOX_RETENTION_DAYS : Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 36500) {
      ctx.out.error('--days must be a whole number of days (1 or more)');
      return false;
    }
    ctx.out.line(`cleared ${await clearOldBodies(ctx.database.db, days)} message bodies older than ${days} days`);
    return true;
  },
};
