/**
 * A school's rules for questions (the answer time, questions per parent per hour and day) and
 * staff's quiet hours.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { questionSettings, staffQuietHours } from './schema.js';
import type { QuietHours } from './rules.js';

// ---------------------------------------------------------------------------------------------
// Settings and quiet hours

export interface QuestionRules {
  answerWithinHours: number;
  maxPerHour: number;
  maxPerDay: number;
}

export const DEFAULT_RULES: QuestionRules = { answerWithinHours: 24, maxPerHour: 5, maxPerDay: 20 };

export async function getQuestionRules(ex: Executor, schoolId: number): Promise<QuestionRules> {
  const [row] = await ex.select().from(questionSettings).where(eq(questionSettings.schoolId, schoolId));
  return row ? { answerWithinHours: row.answerWithinHours, maxPerHour: row.maxPerHour, maxPerDay: row.maxPerDay } : { ...DEFAULT_RULES };
}

export async function setQuestionRules(db: Db, input: Partial<QuestionRules> & { schoolId: number; actor: string }): Promise<QuestionRules> {
  const current = await getQuestionRules(db, input.schoolId);
  const next: QuestionRules = {
    answerWithinHours: input.answerWithinHours ?? current.answerWithinHours,
    maxPerHour: input.maxPerHour ?? current.maxPerHour,
    maxPerDay: input.maxPerDay ?? current.maxPerDay,
  };
  for (const v of Object.values(next)) if (!Number.isInteger(v) || v < 1 || v > 720) throw new RangeError('question rules take whole numbers 1-720');
  await db
    .insert(questionSettings)
    .values({ schoolId: input.schoolId, ...next })
    .onConflictDoUpdate({ target: questionSettings.schoolId, set: next });
  await audit(db, { actor: input.actor, schoolId: input.schoolId, action: 'question.settings', details: { ...next } });
  return next;
}

/** Sets (or with null clears) the quiet hours of every staff record of this account. */
export async function setQuietHours(db: Db, actor: Actor, quiet: QuietHours | null): Promise<number> {
  const ids = actor.staff.map((m) => m.staffId);
  if (ids.length === 0) return 0;
  await db.transaction(async (tx) => {
    if (quiet === null) await tx.delete(staffQuietHours).where(inArray(staffQuietHours.staffId, ids));
    else {
      await tx
        .insert(staffQuietHours)
        .values(ids.map((staffId) => ({ staffId, ...quiet })))
        .onConflictDoUpdate({ target: staffQuietHours.staffId, set: { startsAt: sql`excluded.starts_at`, endsAt: sql`excluded.ends_at` } });
    }
    await audit(
      tx,
      actor.staff.map((m) => ({ actor: actorOf(actor.telegramUserId), schoolId: m.schoolId, action: 'question.quiet', entity: 'staff', entityId: m.staffId, details: { quiet } })),
    );
  });
  return ids.length;
}

export async function getQuietHours(ex: Executor, staffId: number): Promise<QuietHours | null> {
  const [row] = await ex.select({ startsAt: staffQuietHours.startsAt, endsAt: staffQuietHours.endsAt }).from(staffQuietHours).where(eq(staffQuietHours.staffId, staffId));
  return row ?? null;
}

// ---------------------------------------------------------------------------------------------
// The rate limit

export type RateStanding = { ok: true } | { ok: false; reason: 'rate-hour' | 'rate-day'; limit: number };

export function rateStandingOf(lastHour: number, lastDay: number, rules: QuestionRules): RateStanding {
  if (lastHour >= rules.maxPerHour) return { ok: false, reason: 'rate-hour', limit: rules.maxPerHour };
  if (lastDay >= rules.maxPerDay) return { ok: false, reason: 'rate-day', limit: rules.maxPerDay };
  return { ok: true };
}

/**
 * Questions a parent account sent in the last hour and day, against the school's limits: asked
 * before they choose and type, so they are stopped before, not after. (The service checks again
 * when the question is sent.)
 */
export async function rateStanding(db: Db, telegramUserId: number, schoolId: number, now: Date): Promise<RateStanding> {
  const rules = await getQuestionRules(db, schoolId);
  const [counts] = rowsOf<{ hour: number | string; day: number | string }>(
    await db.execute(sql`
      select count(*) filter (where created_at > ${now.toISOString()}::timestamptz - interval '1 hour') as hour, count(*) as day
        from question_messages
       where author_user_id = ${telegramUserId} and author = 'parent' and created_at > ${now.toISOString()}::timestamptz - interval '24 hours'`),
  );
  return rateStandingOf(Number(counts!.hour), Number(counts!.day), rules);
}
