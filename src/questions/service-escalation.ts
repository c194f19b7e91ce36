/**
 * Escalation: an open question past its school's answer time goes to the principal (or, with no
 * principal on Telegram, the office), once per thread and round.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import { pgArrayLiteral } from '../core/db/batch.js';
import type { Locale } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { displayName, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { historyButton } from './buttons.js';
import { deliveryTime } from './rules.js';
import { childName, formatDuration, formatMoment } from './render.js';

/**
 * Tells the principal(s) of the school — or, where none is on Telegram, its operators — about
 * each open question past its due time, once per thread and round (the escalated round on the
 * thread and the outbox dedupe key both guard it). A principal's own quiet hours are respected.
 */
export async function escalateOverdue(db: Db, now: Date, notifier: Notifier, batch = ESCALATION_BATCH): Promise<{ threads: number; messages: number }> {
  let total = { threads: 0, messages: 0 };
  // Batches keep each transaction (and its row locks) small; a backlog is worked off in one run.
  for (;;) {
    const r = await escalateBatch(db, now, notifier, batch);
    total = { threads: total.threads + r.threads, messages: total.messages + r.messages };
    if (r.threads < batch) return total;
  }
}

export const ESCALATION_BATCH = 500;

async function escalateBatch(db: Db, now: Date, notifier: Notifier, batch: number): Promise<{ threads: number; messages: number }> {
  const at = now.toISOString();
  return db.transaction(async (tx) => {
    const due = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`
        select t.id, t.school_id, t.student_id, t.round, t.urgent, t.awaiting_since, sc.timezone,
               s.name_km as child_km, s.name_en as child_en, c.name as class_name, st.name_km as staff_km, st.name_en as staff_en
          from question_threads t
          join students s on s.id = t.student_id
          join staff st on st.id = t.staff_id
          join schools sc on sc.id = t.school_id
          left join classes c on c.id = t.class_id
         where t.status = 'open' and t.due_at <= ${at}::timestamptz and t.escalated_round < t.round
         order by t.due_at
         limit ${batch}
         for update of t skip locked`),
    );
    if (due.length === 0) return { threads: 0, messages: 0 };
    const schoolIds = [...new Set(due.map((d) => Number(d.school_id)))];
    const leaders = rowsOf<{ staff_id: number; school_id: number; role: string; user_id: number | string; locale: Locale | null; starts_at: string | null; ends_at: string | null }>(
      await tx.execute(sql`
        select st.id as staff_id, st.school_id, r.role, st.telegram_user_id as user_id, ta.locale, q.starts_at, q.ends_at
          from staff st
          join staff_roles r on r.staff_id = st.id and r.role in ('principal', 'operator')
          left join telegram_accounts ta on ta.telegram_user_id = st.telegram_user_id
          left join staff_quiet_hours q on q.staff_id = st.id
         where st.school_id = any(${pgArrayLiteral(schoolIds)}::int[]) and st.active and st.telegram_user_id is not null
         order by st.id`),
    );
    const messages: OutgoingMessage[] = [];
    for (const d of due) {
      const schoolId = Number(d.school_id);
      const here = leaders.filter((l) => Number(l.school_id) === schoolId);
      const principals = here.filter((l) => l.role === 'principal');
      const recipients = principals.length > 0 ? principals : here.filter((l) => l.role === 'operator');
      const timezone = String(d.timezone);
      const since = new Date(d.awaiting_since as string);
      for (const p of recipients) {
        const locale = p.locale ?? notifier.defaultLocale;
        const t = (key: string, vars?: Record<string, string | number>) => notifier.t(locale, key, vars);
        const quiet = p.starts_at && p.ends_at ? { startsAt: p.starts_at, endsAt: p.ends_at } : null;
        const deliverAt = deliveryTime(now, timezone, quiet, Boolean(d.urgent));
        messages.push({
          dedupeKey: `q-esc:${d.id}:${d.round}:${p.staff_id}`,
          schoolId,
          capability: 'questions',
          entity: 'question_thread',
          entityId: Number(d.id),
          studentId: Number(d.student_id),
          chatId: Number(p.user_id),
          priority: 3,
          ...(deliverAt.getTime() > now.getTime() ? { notBefore: deliverAt } : {}),
          payload: {
            text: t('questions-escalation', {
              child: childName(locale, { nameKm: String(d.child_km), nameEn: (d.child_en as string | null) ?? null }),
              class: (d.class_name as string | null) ?? '—',
              teacher: displayName(locale, { nameKm: String(d.staff_km), nameEn: (d.staff_en as string | null) ?? null }),
              waited: formatDuration(t, locale, (now.getTime() - since.getTime()) / 1000),
              since: formatMoment(locale, since, timezone),
            }),
            reply_markup: { inline_keyboard: [[{ text: t('questions-button-open'), callback_data: historyButton.pack({ threadId: Number(d.id) }) }]] },
          },
        });
      }
    }
    const inserted = await addToOutbox(tx, messages);
    await tx.execute(sql`update question_threads set escalated_round = round where id = any(${pgArrayLiteral(due.map((d) => Number(d.id)))}::bigint[])`);
    await audit(
      tx,
      due.map((d) => ({ actor: 'system', schoolId: Number(d.school_id), action: 'question.escalate', entity: 'thread', entityId: Number(d.id), details: { round: Number(d.round) } })),
    );
    return { threads: due.length, messages: inserted.length };
  });
}
