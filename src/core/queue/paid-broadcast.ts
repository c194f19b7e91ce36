/**
 * Paid broadcast (Bot API `allow_paid_broadcast`): up to 1,000 messages a second instead of 30,
 * for 0.1 Star each from the bot's balance. Kept for urgent announcements, under a budget of
 * Stars a day (PAID_BROADCAST_STARS_PER_DAY): a broadcast reserves its messages in
 * paid_broadcast_days in the transaction that queues it, all or nothing, so two at once cannot
 * pass the cap together. The day is Phnom Penh's.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../db/client.js';

export const STARS_PER_PAID_MESSAGE = 0.1;

/**
 * The sender's options where a Stars budget allows paid broadcast (app.ts; the broadcast-paid
 * benchmark runs the same): paid rows in a window of their own at Telegram's 1,000/s, and the jobs
 * in flight following that rate × the observed job time, up to 256, while they go out
 * (in-flight.ts); ordinary rows keep the sender's usual 8 in flight and 30/s.
 */
export const PAID_SENDER_OPTIONS = { paidRatePerSecond: 1000, maxConcurrency: 256 } as const;

export type PaidReservation = { ok: true; messages: number; stars: number; leftStars: number } | { ok: false; costStars: number; leftStars: number };

const starsOf = (messages: number) => Math.round(messages * STARS_PER_PAID_MESSAGE * 10) / 10;

/** Reserves `messages` paid messages of today's budget, or refuses (nothing reserved). */
export async function reservePaidBroadcast(ex: Executor, messages: number, starsPerDay: number): Promise<PaidReservation> {
  const cap = Math.floor(starsPerDay / STARS_PER_PAID_MESSAGE + 1e-9);
  const [row] = rowsOf<{ used: number | null; reserved: number | null }>(
    await ex.execute(sql`
      with today as (select (now() at time zone 'Asia/Phnom_Penh')::date as day),
      taken as (
        insert into paid_broadcast_days (day, messages)
        select day, ${messages}::int from today where ${messages}::int <= ${cap}::int
        on conflict (day) do update set messages = paid_broadcast_days.messages + excluded.messages
         where paid_broadcast_days.messages + excluded.messages <= ${cap}::int
        returning messages)
      select (select messages from paid_broadcast_days where day = (select day from today)) as used,
             (select messages from taken) as reserved`),
  );
  if (row?.reserved !== null && row?.reserved !== undefined) {
    return { ok: true, messages, stars: starsOf(messages), leftStars: starsOf(cap - Number(row.reserved)) };
  }
  return { ok: false, costStars: starsOf(messages), leftStars: starsOf(cap - Number(row?.used ?? 0)) };
}
