/**
 * Who an announcement reaches. One statement (recipientRows) for both the preview and the
 * confirmation, so the number the author is shown is the number written. A guardian with
 * children in several targeted classes is one recipient; a class whose group is linked is one
 * recipient (the group) and its parents are not written to one by one.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db/client.js';
import { pgArrayLiteral } from '../core/db/batch.js';
import type { Locale } from '../core/db/schema.js';
import { currentYearJoin } from '../core/db/years.js';
import type { Audience } from './schema.js';

// ---------------------------------------------------------------------------------------------
// Recipients

export interface RecipientRow {
  chatId: number;
  /** the class a parent or group counts under in the report; null for staff */
  classId: number | null;
  kind: 'parent' | 'staff' | 'group';
  locale: Locale | null;
}

/**
 * Everyone an announcement reaches, each chat once: linked class groups (when `viaGroups`),
 * linked guardians of the targeted classes not covered by a group (counted under their first
 * such child's class), and for the whole school or staff the school's linked staff. The author is
 * never a recipient (they get the preview and the report).
 */
export async function recipientRows(
  ex: Executor,
  input: { schoolId: number; audience: Audience; viaGroups: boolean; authorTelegramId: number },
): Promise<RecipientRow[]> {
  const a = input.audience;
  const classFilter =
    a.kind === 'staff'
      ? sql`false`
      : a.kind === 'grades'
        ? sql`c.grade = any(${pgArrayLiteral(a.grades.map(Math.trunc))}::int[])`
        : a.kind === 'classes'
          ? sql`c.id = any(${pgArrayLiteral(a.classIds.map(Math.trunc))}::int[])`
          : sql`true`;
  const includeStaff = sql.raw(a.kind === 'school' || a.kind === 'staff' ? 'true' : 'false');
  const viaGroups = sql.raw(input.viaGroups ? 'true' : 'false');
  const author = input.authorTelegramId;
  const result = await ex.execute(sql`
    with t as (
      select c.id, c.grade, c.section from classes c
        ${currentYearJoin('c')}
       where c.school_id = ${input.schoolId} and ${classFilter}),
    g as (
      select cg.class_id, cg.chat_id from class_groups cg join t on t.id = cg.class_id where ${viaGroups}),
    p as (
      select distinct on (gu.telegram_user_id) gu.telegram_user_id as chat_id, s.class_id
        from t
        join students s on s.class_id = t.id and s.active
        join student_guardians sg on sg.student_id = s.id
        join guardians gu on gu.id = sg.guardian_id
       where gu.telegram_user_id is not null and gu.telegram_user_id <> ${author}
         and s.class_id not in (select class_id from g)
       order by gu.telegram_user_id, t.grade, t.section, t.id),
    st as (
      select distinct st.telegram_user_id as chat_id from staff st
       where ${includeStaff} and st.school_id = ${input.schoolId} and st.active and st.telegram_user_id is not null
         and st.telegram_user_id <> ${author} and st.telegram_user_id not in (select chat_id from p))
    select r.chat_id::text as "chatId", r.class_id as "classId", r.kind, ta.locale
      from (select chat_id, class_id, 'group' as kind from g
            union all select chat_id, class_id, 'parent' from p
            union all select chat_id, null::int, 'staff' from st) r
      left join telegram_accounts ta on ta.telegram_user_id = r.chat_id
     order by (r.kind = 'group') desc, r.chat_id`);
  return rowsOf<{ chatId: string; classId: number | null; kind: RecipientRow['kind']; locale: Locale | null }>(result).map((r) => ({ chatId: Number(r.chatId), classId: r.classId === null ? null : Number(r.classId), kind: r.kind, locale: r.locale }));
}

export interface RecipientCount {
  total: number;
  groups: number;
  people: number;
}

export function countRecipients(rows: RecipientRow[]): RecipientCount {
  const groups = rows.filter((r) => r.kind === 'group').length;
  return { total: rows.length, groups, people: rows.length - groups };
}
