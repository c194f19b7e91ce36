/**
 * How many messages a deployment sends and how many bots it needs. Counts come from Postgres
 * (schools, active students, families and staff on Telegram, which schools scan at the gate);
 * the rates (absence share, announcements a week, the gate's busiest minutes) are assumptions the
 * caller may change. One bot sends ≈ 30 messages/s (Telegram's limit), 2.6 M a day; what decides
 * the fleet is the morning peak: every arrival notice of the morning shift falls in the minutes
 * the gates are busiest.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';

export const MESSAGES_PER_SECOND_PER_BOT = 30;

export interface CapacityAssumptions {
  /** share of children absent on a day (each absent child's family gets one alert) */
  absentShare: number;
  /** announcements a school sends to all its families and staff each week */
  announcementsPerWeek: number;
  /** school days a week */
  schoolDays: number;
  /** minutes in which a shift's arrivals happen (the gate rush) */
  rushMinutes: number;
  /** share of a bot's 30/s the sender may plan for (429s, retries, other messages) */
  headroom: number;
  /** arrival digests on (ARRIVAL_DIGEST_SECONDS > 0): one notice per family and shift; off: one per child */
  arrivalDigests: boolean;
}

export const DEFAULT_ASSUMPTIONS: CapacityAssumptions = { absentShare: 0.05, announcementsPerWeek: 2, schoolDays: 6, rushMinutes: 30, headroom: 0.8, arrivalDigests: true };

/** A shift's arrival notices, per child and per family (a family's notices come from each bot of its children's schools). */
export interface ShiftArrivals {
  perChild: { morning: number; afternoon: number };
  perFamily: { morning: number; afternoon: number };
}

export interface DeploymentCounts {
  schools: number;
  scanningSchools: number;
  students: number;
  /** Telegram chats of families (a parent of children in two schools is one chat) */
  familyChats: number;
  /** families on Telegram with more than one child */
  familiesWithSeveral: number;
  /** arrival notices a day if every child's arrival were its own message, per shift */
  arrivalsPerChild: { morning: number; afternoon: number };
  /** arrival notices a day with one message per family and shift, per shift */
  arrivalsPerFamily: { morning: number; afternoon: number };
  staffChats: number;
  /** chats of teachers (lesson book, reminders) */
  teacherChats: number;
  /** chats of principals and operators (daily report) */
  officeChats: number;
  /** the arrival notices of the scanning schools each bot serves (botId null: the default bot) */
  arrivalsByBot: Array<{ botId: number | null } & ShiftArrivals>;
}

export async function deploymentCounts(db: Db): Promise<DeploymentCounts> {
  const [row] = rowsOf<Record<string, number>>(
    await db.execute(sql`
      with scanning as (select school_id from scan_settings where enabled),
      links as (
        select s.school_id, c.shift, s.id as student_id, g.telegram_user_id as chat
          from students s join classes c on c.id = s.class_id
          join student_guardians sg on sg.student_id = s.id
          join guardians g on g.id = sg.guardian_id and g.telegram_user_id is not null
          left join telegram_accounts ta on ta.telegram_user_id = g.telegram_user_id
         where s.active and ta.unreachable_at is null),
      scan_links as (select * from links where school_id in (select school_id from scanning)),
      families as (select chat, count(distinct student_id) as children from links group by chat)
      select
        (select count(*) from schools)::int as schools,
        (select count(*) from scanning)::int as scanning_schools,
        (select count(*) from students where active)::int as students,
        (select count(*) from families)::int as family_chats,
        (select count(*) from families where children > 1)::int as several,
        (select count(*) from scan_links where shift = 'morning')::int as child_morning,
        (select count(*) from scan_links where shift = 'afternoon')::int as child_afternoon,
        (select count(distinct chat) from scan_links where shift = 'morning')::int as family_morning,
        (select count(distinct chat) from scan_links where shift = 'afternoon')::int as family_afternoon,
        (select count(distinct telegram_user_id) from staff where active and telegram_user_id is not null)::int as staff_chats,
        (select count(distinct s.telegram_user_id) from staff s join staff_roles r on r.staff_id = s.id
          where s.active and s.telegram_user_id is not null and r.role = 'teacher')::int as teacher_chats,
        (select count(distinct s.telegram_user_id) from staff s join staff_roles r on r.staff_id = s.id
          where s.active and s.telegram_user_id is not null and r.role in ('principal', 'operator'))::int as office_chats`),
  );
  const n = (k: string) => Number(row?.[k] ?? 0);
  // Each school's notices go through its own bot (schools.bot_id), so the rush is split by bot.
  const byBot = rowsOf<{ bot_id: number | null; child_morning: number; child_afternoon: number; family_morning: number; family_afternoon: number }>(
    await db.execute(sql`
      select sc.bot_id,
             count(*) filter (where c.shift = 'morning')::int as child_morning,
             count(*) filter (where c.shift = 'afternoon')::int as child_afternoon,
             count(distinct g.telegram_user_id) filter (where c.shift = 'morning')::int as family_morning,
             count(distinct g.telegram_user_id) filter (where c.shift = 'afternoon')::int as family_afternoon
        from students s join classes c on c.id = s.class_id
        join schools sc on sc.id = s.school_id
        join student_guardians sg on sg.student_id = s.id
        join guardians g on g.id = sg.guardian_id and g.telegram_user_id is not null
        left join telegram_accounts ta on ta.telegram_user_id = g.telegram_user_id
       where s.active and ta.unreachable_at is null and s.school_id in (select school_id from scan_settings where enabled)
       group by sc.bot_id order by sc.bot_id nulls first`),
  );
  return {
    arrivalsByBot: byBot.map((b) => ({
      botId: b.bot_id === null ? null : Number(b.bot_id),
      perChild: { morning: Number(b.child_morning), afternoon: Number(b.child_afternoon) },
      perFamily: { morning: Number(b.family_morning), afternoon: Number(b.family_afternoon) },
    })),
    schools: n('schools'),
    scanningSchools: n('scanning_schools'),
    students: n('students'),
    familyChats: n('family_chats'),
    familiesWithSeveral: n('several'),
    arrivalsPerChild: { morning: n('child_morning'), afternoon: n('child_afternoon') },
    arrivalsPerFamily: { morning: n('family_morning'), afternoon: n('family_afternoon') },
    staffChats: n('staff_chats'),
    teacherChats: n('teacher_chats'),
    officeChats: n('office_chats'),
  };
}

export interface CapacityPlan {
  counts: DeploymentCounts;
  assumptions: CapacityAssumptions;
  /** messages on a school day, by kind */
  perDay: Array<{ kind: string; messages: number }>;
  totalPerDay: number;
  /** messages per second in the morning rush (arrival notices of the morning shift) */
  morningPeakPerSecond: number;
  /** bots needed for the morning peak, and for the day's volume alone */
  botsForPeak: number;
  botsForVolume: number;
  bots: number;
}

/** The notices of the busier shift (all of them fall in its gate rush). */
export function rushArrivals(arrivals: ShiftArrivals, a: Pick<CapacityAssumptions, 'arrivalDigests'>): number {
  const shift = a.arrivalDigests ? arrivals.perFamily : arrivals.perChild;
  return Math.max(shift.morning, shift.afternoon);
}

export function planCapacity(counts: DeploymentCounts, a: CapacityAssumptions = DEFAULT_ASSUMPTIONS): CapacityPlan {
  const notices = a.arrivalDigests ? counts.arrivalsPerFamily : counts.arrivalsPerChild;
  const arrivals = notices.morning + notices.afternoon;
  const perDay = [
    { kind: a.arrivalDigests ? 'arrival notices (one per family and shift)' : 'arrival notices (one per child: digests off)', messages: arrivals },
    { kind: 'absence alerts', messages: Math.round(counts.familyChats * a.absentShare) },
    { kind: 'announcements (all families and staff)', messages: Math.round(((counts.familyChats + counts.staffChats) * a.announcementsPerWeek) / a.schoolDays) },
    { kind: 'lesson books and reminders (teachers)', messages: counts.teacherChats * 2 },
    { kind: 'daily reports (principals, operators)', messages: counts.officeChats },
  ];
  const totalPerDay = perDay.reduce((s, k) => s + k.messages, 0);
  const morningPeakPerSecond = rushArrivals({ perChild: counts.arrivalsPerChild, perFamily: counts.arrivalsPerFamily }, a) / (a.rushMinutes * 60);
  const usable = MESSAGES_PER_SECOND_PER_BOT * a.headroom;
  const botsForPeak = Math.max(1, Math.ceil(morningPeakPerSecond / usable));
  const botsForVolume = Math.max(1, Math.ceil(totalPerDay / (usable * 86_400)));
  return { counts, assumptions: a, perDay, totalPerDay, morningPeakPerSecond, botsForPeak, botsForVolume, bots: Math.max(botsForPeak, botsForVolume) };
}
