/**
 * The send-time check: a message waits in the outbox for seconds or days (a scheduled
 * announcement, a queue behind a 429), and in that time its recipient may have unlinked, left the
 * staff, or lost the child from their account. Right before the Bot API call the sender asks
 * whether the recipient is still entitled, from the row's own columns and the core tables only
 * (no capability knowledge), and cancels the row otherwise.
 *
 * - A row about a child (student_id): the recipient is still a linked guardian of that child, or
 *   still active staff of the child's school.
 * - A row of a school without a child: the recipient is still active staff of that school, or a
 *   linked guardian of a child there, or an education official.
 * - Group chats, rows of no school and rows no capability wrote (hand-made, tests of the sender)
 *   are not checked.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.js';
import { outbox } from '../db/schema.js';

export interface OutboxRecipient {
  id: number;
  chatId: number;
  schoolId: number | null;
  studentId: number | null;
  capability: string | null;
}

export async function stillEntitled(db: Db, row: OutboxRecipient): Promise<boolean> {
  if (row.chatId < 0 || row.schoolId === null || row.capability === null) return true;
  const staffOfSchool = sql`exists (select 1 from staff st where st.telegram_user_id = ${row.chatId} and st.active and st.school_id = ${row.schoolId})`;
  const check =
    row.studentId !== null
      ? sql`select (exists (select 1 from guardians g join student_guardians sg on sg.guardian_id = g.id
                             where g.telegram_user_id = ${row.chatId} and sg.student_id = ${row.studentId})
                    or ${staffOfSchool}) as ok`
      : sql`select (${staffOfSchool}
                    or exists (select 1 from guardians g join student_guardians sg on sg.guardian_id = g.id
                                where g.telegram_user_id = ${row.chatId} and g.school_id = ${row.schoolId})
                    or exists (select 1 from officials o where o.telegram_user_id = ${row.chatId})) as ok`;
  const [r] = rowsOf<{ ok: boolean }>(await db.execute(check));
  return Boolean(r?.ok);
}

/** Cancels the row when its recipient is no longer entitled to it; true when it did. */
export async function cancelIfNotEntitled(db: Db, row: OutboxRecipient): Promise<boolean> {
  if (await stillEntitled(db, row)) return false;
  await db
    .update(outbox)
    .set({ status: 'cancelled', lockedUntil: null, lastError: 'recipient no longer entitled' })
    .where(sql`${outbox.id} = ${row.id} and ${outbox.status} = 'pending'`);
  return true;
}
