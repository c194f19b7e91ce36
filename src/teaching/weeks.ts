/**
 * Closing the week: the homeroom teacher closes their class's week, the principal the school's,
 * each with one tap on a summary (planned, delivered, not taught, not confirmed). A closed week's
 * lessons change only through the principal (lessons.ts), audited.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import type { Locale } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { addDays } from '../core/clock.js';
import { formatDay, formatNumber } from '../core/i18n/index.js';
import { weekClose } from './buttons.js';
import type { View } from './lessons-view.js';
import { weekClosures } from './schema.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

export interface WeekSummary {
  schoolId: number;
  weekStart: string;
  classId: number | null;
  className: string | null;
  planned: number;
  delivered: number;
  notTaught: number;
  unconfirmed: number;
  closed: boolean;
}

export async function weekSummary(ex: Executor, schoolId: number, weekStart: string, classId: number | null): Promise<WeekSummary> {
  const [row] = rowsOf<{ planned: number; delivered: number; not_taught: number; unconfirmed: number; closed: boolean; class_name: string | null }>(
    await ex.execute(sql`
      select count(x.id)::int as planned,
             count(x.id) filter (where x.status = 'taught' and x.confirmed_at is not null)::int as delivered,
             count(x.id) filter (where x.status = 'not-taught')::int as not_taught,
             count(x.id) filter (where x.confirmed_at is null)::int as unconfirmed,
             exists (select 1 from week_closures w where w.school_id = ${schoolId} and w.week_start = ${weekStart}::date
                       and (w.class_id is null or w.class_id = ${classId}::int)) as closed,
             (select name from classes where id = ${classId}::int) as class_name
        from lessons x
       where x.school_id = ${schoolId} and x.day between ${weekStart}::date and ${addDays(weekStart, 6)}::date
         and (${classId}::int is null or x.class_id = ${classId}::int)`),
  );
  return {
    schoolId,
    weekStart,
    classId,
    className: row?.class_name ?? null,
    planned: Number(row?.planned ?? 0),
    delivered: Number(row?.delivered ?? 0),
    notTaught: Number(row?.not_taught ?? 0),
    unconfirmed: Number(row?.unconfirmed ?? 0),
    closed: Boolean(row?.closed),
  };
}

export function renderWeek(s: WeekSummary, locale: Locale, t: T): View {
  const n = (x: number) => formatNumber(locale, x);
  const lines = [
    t(locale, s.classId === null ? 'teaching-week-title-school' : 'teaching-week-title-class', { class: s.className ?? '', from: formatDay(locale, s.weekStart), to: formatDay(locale, addDays(s.weekStart, 6)) }),
    t(locale, 'teaching-week-counts', { planned: n(s.planned), delivered: n(s.delivered), notTaught: n(s.notTaught), unconfirmed: n(s.unconfirmed) }),
    s.closed ? t(locale, 'teaching-week-closed') : t(locale, 'teaching-week-how'),
  ];
  return {
    text: lines.join('\n'),
    reply_markup: { inline_keyboard: s.closed ? [] : [[{ text: t(locale, 'teaching-week-close'), callback_data: weekClose.pack({ week: s.weekStart, ...(s.classId === null ? {} : { cls: s.classId }) }) }]] },
  };
}

export type CloseResult = { ok: true; summary: WeekSummary; already: boolean } | { ok: false; reason: 'forbidden' | 'not-found' | 'future' };

/** The homeroom teacher closes their class's week; the principal closes the school's (or a class's). */
export async function closeWeek(db: Db, actor: Actor, input: { weekStart: string; classId?: number; today: string }): Promise<CloseResult> {
  const who = actorOf(actor.telegramUserId);
  let schoolId: number | undefined;
  let as: 'homeroom' | 'principal' | undefined;
  if (input.classId !== undefined) {
    const [cls] = rowsOf<{ school_id: number }>(await db.execute(sql`select school_id from classes where id = ${input.classId}`));
    schoolId = cls ? Number(cls.school_id) : undefined;
    if (actor.staff.some((m) => m.homeroomClassIds.includes(input.classId!))) as = 'homeroom';
    else if (schoolId !== undefined && actor.staff.some((m) => m.schoolId === schoolId && m.roles.includes('principal'))) as = 'principal';
  } else {
    const principal = actor.staff.find((m) => m.roles.includes('principal'));
    schoolId = principal?.schoolId;
    if (principal) as = 'principal';
  }
  const deny = async (reason: 'forbidden' | 'not-found' | 'future') => {
    await audit(db, { actor: who, schoolId: schoolId ?? null, action: 'week.close', entity: input.classId === undefined ? 'school' : 'class', entityId: input.classId ?? schoolId, outcome: 'denied', details: { reason, week: input.weekStart } });
    return { ok: false as const, reason };
  };
  if (schoolId === undefined) return deny(input.classId === undefined ? 'forbidden' : 'not-found');
  if (!as) return deny('forbidden');
  if (input.weekStart > input.today) return deny('future');
  const inserted = await db.transaction(async (tx) => {
    const rows = await tx
      .insert(weekClosures)
      .values({ schoolId: schoolId!, weekStart: input.weekStart, classId: input.classId ?? null, closedBy: who })
      .onConflictDoNothing()
      .returning({ id: weekClosures.id });
    if (rows.length > 0) await audit(tx, { actor: who, schoolId, action: 'week.close', entity: input.classId === undefined ? 'school' : 'class', entityId: input.classId ?? schoolId, details: { week: input.weekStart, as } });
    return rows.length > 0;
  });
  return { ok: true, summary: await weekSummary(db, schoolId, input.weekStart, input.classId ?? null), already: !inserted };
}
