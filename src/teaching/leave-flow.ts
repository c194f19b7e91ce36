/**
 * Leave as the teaching day meets it: a member of staff asks (/leave: days, reason, a document
 * photo when one is needed), the principal approves or declines in one tap, and an approval
 * turns the teacher's lessons of those days into lessons that need cover — the office gets the
 * list with buttons to choose a free teacher for each (cover.ts). Each step writes its change,
 * its audit row and its messages in one transaction; a refused step changes nothing and is audited.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import type { Locale } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { addDays } from '../core/clock.js';
import { displayName, formatNumber, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { decideLeave, insertLeave, leaveById, overlappingLeave, type LeaveRecord } from '../staffing/leave.js';
import type { LeaveReason } from '../staffing/schema.js';
import { leaveApprove, leaveDecline } from './buttons.js';
import { schoolDaysBetween } from './calendar.js';
import { coverNeeds } from './cover.js';
import { leaveDays, renderCoverList } from './cover-view.js';
import { closedWeeks } from './lessons.js';

export const MAX_LEAVE_DAYS = 180;
/** how far back a leave may start (a sick day reported afterwards) */
export const MAX_DAYS_BACK = 30;

/** A document is needed for maternity leave and for sick leave of more than two days. */
export function documentNeeded(reason: LeaveReason, fromDay: string, toDay: string): boolean {
  if (reason === 'maternity') return true;
  return reason === 'sick' && toDay >= addDays(fromDay, 2);
}

interface Recipient {
  staffId: number;
  chatId: number;
  locale: Locale | null;
}

/** Linked members of a school holding one of the roles. */
export async function schoolRecipients(ex: Executor, schoolId: number, roles: Array<'principal' | 'operator'>): Promise<Recipient[]> {
  const rows = rowsOf<{ staff_id: number; chat_id: string; locale: Locale | null }>(
    await ex.execute(sql`
      select distinct st.id as staff_id, st.telegram_user_id as chat_id, ta.locale
        from staff st join staff_roles r on r.staff_id = st.id
        left join telegram_accounts ta on ta.telegram_user_id = st.telegram_user_id
       where st.school_id = ${schoolId} and st.active and st.telegram_user_id is not null
         and r.role::text = any(${`{${roles.join(',')}}`}::text[])
       order by st.id`),
  );
  return rows.map((r) => ({ staffId: Number(r.staff_id), chatId: Number(r.chat_id), locale: r.locale }));
}

export type LeaveRefusal = 'forbidden' | 'bad-days' | 'too-long' | 'too-old' | 'document-needed' | 'overlap' | 'closed-week';

/**
 * Who decides a request: the school's principals other than the person asking (nobody approves
 * their own leave). A principal who is the school's only one asks the provincial office (or the
 * national one) instead, the people above a principal.
 */
export async function deciders(ex: Executor, schoolId: number, requesterStaffId: number): Promise<Recipient[]> {
  const principals = (await schoolRecipients(ex, schoolId, ['principal'])).filter((p) => p.staffId !== requesterStaffId);
  if (principals.length > 0) return principals;
  const [asking] = rowsOf<{ principal: boolean }>(
    await ex.execute(sql`select exists (select 1 from staff_roles where staff_id = ${requesterStaffId} and role = 'principal') as principal`),
  );
  if (!asking?.principal) return [];
  const rows = rowsOf<{ id: number; chat_id: string; locale: Locale | null }>(
    await ex.execute(sql`
      select o.id, o.telegram_user_id as chat_id, ta.locale
        from officials o join schools s on s.id = ${schoolId}
        left join telegram_accounts ta on ta.telegram_user_id = o.telegram_user_id
       where o.telegram_user_id is not null and (o.province_id = s.province_id or o.province_id is null)
       order by o.province_id nulls last, o.id`),
  );
  // Officials are not staff: a negative id keeps their dedupe keys apart from staff ids.
  return rows.map((r) => ({ staffId: -Number(r.id), chatId: Number(r.chat_id), locale: r.locale }));
}

/** Whether this actor may decide this leave: never their own; a principal's by the office above. */
async function mayDecide(ex: Executor, actor: Actor, leave: LeaveRecord): Promise<'ok' | 'own-leave' | 'forbidden'> {
  if (actor.staff.some((m) => m.staffId === leave.staffId)) return 'own-leave';
  if (actor.staff.some((m) => m.schoolId === leave.schoolId && m.roles.includes('principal'))) return 'ok';
  if (actor.officeProvinces.length === 0) return 'forbidden';
  const [row] = rowsOf<{ province_id: number | null; principal: boolean }>(
    await ex.execute(sql`select s.province_id, exists (select 1 from staff_roles where staff_id = ${leave.staffId} and role = 'principal') as principal
                           from schools s where s.id = ${leave.schoolId}`),
  );
  if (!row?.principal) return 'forbidden';
  const office = actor.officeProvinces.some((p) => p === null || p === row.province_id);
  return office ? 'ok' : 'forbidden';
}

/** The principal's copy of a request: what, when, the document, and the two buttons. */
export function requestMessage(leave: LeaveRecord, locale: Locale, t: Notifier['t']): { text: string; buttons: Array<{ text: string; callback_data: string }> } {
  const days = Math.round((Date.parse(leave.toDay) - Date.parse(leave.fromDay)) / 86_400_000) + 1;
  return {
    text: t(locale, 'teaching-leave-request', {
      name: displayName(locale, leave),
      reason: t(locale, `teaching-leave-reason-${leave.reason}`),
      days: leaveDays(locale, t, leave),
      count: formatNumber(locale, days),
    }),
    buttons: [
      { text: t(locale, 'teaching-leave-approve'), callback_data: leaveApprove.pack({ leave: leave.id }) },
      { text: t(locale, 'teaching-leave-decline'), callback_data: leaveDecline.pack({ leave: leave.id }) },
    ],
  };
}

export async function requestLeave(
  db: Db,
  actor: Actor,
  input: { fromDay: string; toDay: string; reason: LeaveReason; documentFileId: string | null; today: string },
  notifier: Notifier,
): Promise<{ ok: true; leaveId: number; principals: number } | { ok: false; reason: LeaveRefusal }> {
  const who = actorOf(actor.telegramUserId);
  const member = actor.staff.find((m) => m.roles.includes('teacher')) ?? actor.staff[0];
  const refuse = async (reason: LeaveRefusal) => {
    await audit(db, { actor: who, schoolId: member?.schoolId ?? null, action: 'leave.request', entity: 'staff', entityId: member?.staffId, outcome: 'denied', details: { reason, from: input.fromDay, to: input.toDay } });
    return { ok: false as const, reason };
  };
  if (!member) return refuse('forbidden');
  if (input.toDay < input.fromDay) return refuse('bad-days');
  if (input.toDay > addDays(input.fromDay, MAX_LEAVE_DAYS - 1)) return refuse('too-long');
  if (input.fromDay < addDays(input.today, -MAX_DAYS_BACK)) return refuse('too-old');
  if (!input.documentFileId && documentNeeded(input.reason, input.fromDay, input.toDay)) return refuse('document-needed');
  if ((await overlappingLeave(db, member.staffId, input.fromDay, input.toDay)).length > 0) return refuse('overlap');
  const taught = rowsOf<{ class_id: number }>(
    await db.execute(sql`select distinct class_id from timetable_lessons l join timetables t on t.id = l.timetable_id
                          where l.staff_id = ${member.staffId} and t.valid_from <= ${input.toDay}::date and (t.valid_to is null or t.valid_to >= ${input.fromDay}::date)`),
  ).map((r) => Number(r.class_id));
  if ((await closedWeeks(db, member.schoolId, input.fromDay, input.toDay, taught)).length > 0) return refuse('closed-week');
  return db.transaction(async (tx) => {
    const leaveId = await insertLeave(tx, { schoolId: member.schoolId, staffId: member.staffId, fromDay: input.fromDay, toDay: input.toDay, reason: input.reason, documentFileId: input.documentFileId, requestedBy: who });
    const leave = (await leaveById(tx, leaveId))!;
    const principals = await deciders(tx, member.schoolId, member.staffId);
    await addToOutbox(
      tx,
      principals.map((p): OutgoingMessage => {
        const locale = p.locale ?? notifier.defaultLocale;
        const m = requestMessage(leave, locale, notifier.t);
        const reply_markup = { inline_keyboard: [m.buttons] };
        return {
          dedupeKey: `leave:${leaveId}:ask:${p.staffId}`,
          schoolId: member.schoolId,
          capability: 'teaching',
          entity: 'leave',
          entityId: leaveId,
          chatId: p.chatId,
          ...(leave.documentFileId ? { method: 'sendPhoto' as const, payload: { photo: leave.documentFileId, caption: m.text, reply_markup } } : { payload: { text: m.text, reply_markup } }),
        };
      }),
    );
    await audit(tx, { actor: who, schoolId: member.schoolId, action: 'leave.request', entity: 'leave', entityId: leaveId, details: { reason: input.reason, from: input.fromDay, to: input.toDay, document: Boolean(input.documentFileId) } });
    return { ok: true as const, leaveId, principals: principals.length };
  });
}

export type DecideResult =
  | { ok: true; leave: LeaveRecord; needs: number }
  | { ok: false; reason: 'forbidden' | 'own-leave' | 'not-found' | 'closed-week'; leave?: LeaveRecord }
  | { ok: false; reason: 'already'; leave: LeaveRecord };

/**
 * The principal decides. An approval also: marks the teacher's lessons already written for those
 * days (and not confirmed) as not taught, teacher absent; and sends the office the lessons that
 * need cover, from today on, with buttons to choose who covers each.
 */
export async function decideLeaveRequest(db: Db, actor: Actor, leaveId: number, decision: 'approved' | 'declined', notifier: Notifier, today: string): Promise<DecideResult> {
  const who = actorOf(actor.telegramUserId);
  const leave = await leaveById(db, leaveId);
  const deny = async (reason: 'forbidden' | 'own-leave' | 'not-found' | 'closed-week') => {
    await audit(db, { actor: who, schoolId: leave?.schoolId ?? null, action: 'leave.decide', entity: 'leave', entityId: leaveId, outcome: 'denied', details: { reason, decision } });
    return { ok: false as const, reason, leave };
  };
  if (!leave) return deny('not-found');
  const may = await mayDecide(db, actor, leave);
  if (may !== 'ok') return deny(may);
  if (leave.status !== 'pending') return { ok: false, reason: 'already', leave };
  if (decision === 'approved' && (await closedWeeks(db, leave.schoolId, leave.fromDay, leave.toDay, [])).length > 0) return deny('closed-week');
  return db.transaction(async (tx): Promise<DecideResult> => {
    const decided = await decideLeave(tx, leaveId, decision, who);
    if (!decided) return { ok: false, reason: 'already', leave: (await leaveById(tx, leaveId))! };
    await audit(tx, { actor: who, schoolId: leave.schoolId, action: 'leave.decide', entity: 'leave', entityId: leaveId, details: { decision } });
    const messages: OutgoingMessage[] = [];
    if (decided.telegramUserId) {
      const [acc] = rowsOf<{ locale: Locale | null }>(await tx.execute(sql`select locale from telegram_accounts where telegram_user_id = ${decided.telegramUserId}`));
      const locale = acc?.locale ?? notifier.defaultLocale;
      messages.push({
        dedupeKey: `leave:${leaveId}:told`,
        schoolId: leave.schoolId,
        capability: 'teaching',
        entity: 'leave',
        entityId: leaveId,
        chatId: Number(decided.telegramUserId),
        payload: { text: notifier.t(locale, `teaching-leave-told-${decision}`, { days: leaveDays(locale, notifier.t, decided), reason: notifier.t(locale, `teaching-leave-reason-${decided.reason}`) }) },
      });
    }
    let needs = 0;
    if (decision === 'approved') {
      await tx.execute(sql`
        update lessons set staff_id = null, status = 'not-taught', reason = 'teacher-absent', confirmed_at = now(), confirmed_by = 'system'
         where planned_staff_id = ${leave.staffId} and day between ${leave.fromDay}::date and ${leave.toDay}::date
           and not covered and confirmed_at is null`);
      const list = await coverNeeds(tx, decided, today);
      needs = list.filter((n) => !n.coveredBy).length;
      if (list.length > 0) {
        for (const r of await schoolRecipients(tx, leave.schoolId, ['principal', 'operator'])) {
          const locale = r.locale ?? notifier.defaultLocale;
          const view = renderCoverList(decided, list, locale, notifier.t);
          messages.push({ dedupeKey: `leave:${leaveId}:cover:${r.staffId}`, schoolId: leave.schoolId, capability: 'teaching', entity: 'leave', entityId: leaveId, chatId: r.chatId, payload: { ...view } });
        }
      }
    }
    await addToOutbox(tx, messages);
    return { ok: true, leave: decided, needs };
  });
}

/** School days of approved leave per person in [from, to] (for the hours report). */
export async function leaveDaysOf(ex: Executor, schoolId: number, fromDay: string, toDay: string): Promise<Map<number, number>> {
  const days = new Set(await schoolDaysBetween(ex, schoolId, fromDay, toDay));
  const rows = rowsOf<{ staff_id: number; from_day: string; to_day: string }>(
    await ex.execute(sql`select staff_id, greatest(from_day, ${fromDay}::date)::text as from_day, least(to_day, ${toDay}::date)::text as to_day
                           from leave_requests where school_id = ${schoolId} and status = 'approved' and from_day <= ${toDay}::date and to_day >= ${fromDay}::date`),
  );
  const out = new Map<number, number>();
  for (const r of rows) {
    let n = 0;
    for (let d = r.from_day; d <= r.to_day; d = addDays(d, 1)) if (days.has(d)) n++;
    out.set(Number(r.staff_id), (out.get(Number(r.staff_id)) ?? 0) + n);
  }
  return out;
}
