/**
 * Records' worker queue: once a minute, the term results published since the last run (scores'
 * score_publications: t1, t2, y) are told to the people who sign their records first — the
 * class's subject teachers (class_teachers) and its homeroom teacher — so nobody has to keep
 * opening /sign to learn that the records wait for them. The scores capability does not know
 * records exist (records read scores, never the other way round), hence a job that looks rather
 * than a call from the publish.
 *
 * Each publication is told once: its notice row and the outbox rows are written in one
 * transaction, the dedupe keys make a rerun harmless, and publications made before this release
 * were marked as told by the migration.
 */
import type { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { QueueSpec } from '../core/capability.js';
import { rowsOf, type Db } from '../core/db/client.js';
import type { Locale } from '../core/db/schema.js';
import type { Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { recordsPublicationNotices } from './schema.js';
import { termText } from './term.js';

export const RECORDS_QUEUE = 'records';
const SCHEDULER_ID = 'records-publication-notices';
/** how many publications one run tells (a backlog is worked off run by run) */
const BATCH = 200;

const recordsJob = z.object({ kind: z.literal('publications') });
export type RecordsJob = z.infer<typeof recordsJob>;

/** The term of a record, as /sign takes it, for a scores period. */
const TERM: Record<string, string> = { t1: '1', t2: '2', y: 'year' };

interface Publication {
  id: number;
  schoolId: number;
  classId: number;
  className: string;
  period: string;
  signers: Array<{ staffId: number; chatId: number; locale: Locale | null }>;
}

export async function tellSignersOfPublications(db: Db, notifier: Notifier): Promise<{ publications: number; told: number }> {
  const list = rowsOf<Publication>(
    await db.execute(sql`
      select p.id, p.school_id as "schoolId", p.class_id as "classId", c.name as "className", p.period,
             coalesce((select json_agg(json_build_object('staffId', s.id, 'chatId', s.telegram_user_id, 'locale', ta.locale) order by s.id)
                         from staff s left join telegram_accounts ta on ta.telegram_user_id = s.telegram_user_id
                        where s.active and s.telegram_user_id is not null and s.school_id = p.school_id
                          and (s.id = c.homeroom_staff_id or s.id in (select ct.staff_id from class_teachers ct where ct.class_id = p.class_id))),
                      '[]'::json) as signers
        from score_publications p join classes c on c.id = p.class_id
       where p.period in ('t1', 't2', 'y')
         and not exists (select 1 from records_publication_notices n where n.publication_id = p.id)
       order by p.id
       limit ${BATCH}`),
  );
  let told = 0;
  for (const p of list) {
    const signers = typeof p.signers === 'string' ? (JSON.parse(p.signers) as Publication['signers']) : p.signers;
    const term = TERM[p.period]!;
    const messages: OutgoingMessage[] = signers.map((s) => {
      const locale = s.locale ?? notifier.defaultLocale;
      return {
        dedupeKey: `records-ready-teachers:${p.id}:${s.staffId}`,
        schoolId: Number(p.schoolId),
        capability: 'records',
        entity: 'class',
        entityId: Number(p.classId),
        chatId: Number(s.chatId),
        payload: {
          text: notifier.t(locale, 'records-ready-teachers', {
            className: p.className,
            term: termText(locale, term, (key) => notifier.t(locale, key)),
            arg: term,
          }),
        },
      };
    });
    await db.transaction(async (tx) => {
      const [marked] = await tx
        .insert(recordsPublicationNotices)
        .values({ publicationId: Number(p.id), schoolId: Number(p.schoolId), told: messages.length })
        .onConflictDoNothing()
        .returning({ id: recordsPublicationNotices.publicationId });
      // another worker told this one between our read and now
      if (!marked) return;
      told += (await addToOutbox(tx, messages)).length;
    });
  }
  return { publications: list.length, told };
}

export const recordsQueue: QueueSpec<RecordsJob> = {
  name: RECORDS_QUEUE,
  payload: recordsJob,
  concurrency: 1,
  // one scheduler for the whole deployment (the job looks at every school's publications)
  schedule: async (queue: Queue<RecordsJob>) => {
    await queue.upsertJobScheduler(SCHEDULER_ID, { every: 60_000 }, { name: 'publications', data: { kind: 'publications' }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    return 1;
  },
  run: async (_job, ctx) => {
    const r = await tellSignersOfPublications(ctx.database.db, ctx.notifier);
    if (r.told > 0) ctx.onOutbox?.();
    return r;
  },
};
