/**
 * Recording a card scan: one rule for the three ways in (phone camera → deep link, a photo sent
 * to the bot, the Mini App at the gate).
 *
 * - Only staff of the student's own school with a scanning role (gate keeper, operator, teacher)
 *   may record a scan. A card is accepted when its signature verifies and its version is the
 *   student's current one (a re-issued card voids the old one at once).
 * - The first scan of the student's shift is the arrival (late after the school's threshold), a
 *   later one the departure; scans within the cooldown are repeats and change nothing.
 * - An arrival queues one notice per linked guardian (unless they turned notices off) in the same
 *   statement, so a notice exists exactly when the arrival does, and the dedupe key makes a
 *   retried update produce none twice.
 *
 * The morning rush is the hot path (≈ 1,800 scans/s nationally): the whole accepted scan is ONE
 * statement (card check, insert or departure update, notices, audit row), with the notice texts rendered
 * per language beforehand and the child's name and time filled in by Postgres.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import type { Notifier } from '../core/i18n/index.js';
import type { Locale, StaffRole } from '../core/db/schema.js';
import { verifyCard } from './tokens.js';

export const SCANNING_ROLES: readonly StaffRole[] = ['gatekeeper', 'operator', 'teacher'];

export type ScanVia = 'camera' | 'photo' | 'miniapp';

export interface ScannedStudent {
  studentId: number;
  nameKm: string;
  nameEn: string | null;
  className: string;
  classId: number;
  schoolId: number;
}

export type ScanDenial = 'malformed' | 'forged' | 'revoked' | 'unknown' | 'other-school' | 'not-scanner';

export type ScanResult =
  | { ok: true; kind: 'arrival'; late: boolean; time: string; student: ScannedStudent; noticesQueued: number; markedAbsent: boolean; day: string; shift: 'morning' | 'afternoon' }
  | { ok: true; kind: 'departure'; time: string; arrivedTime: string; student: ScannedStudent }
  | { ok: true; kind: 'repeat'; arrivedTime: string; departedTime: string | null; student: ScannedStudent }
  | { ok: false; reason: ScanDenial };

/** A card's token out of whatever the scanner read: the t.me link a camera reads, or the bare token. */
export function extractCardToken(text: string): string | null {
  const trimmed = text.trim();
  const fromLink = /[?&]start=(c[A-Za-z0-9_-]{24})(?:&|$)/.exec(trimmed);
  if (fromLink) return fromLink[1]!;
  return /^c[A-Za-z0-9_-]{24}$/.test(trimmed) ? trimmed : null;
}

/** The scanner's staff rows that may scan, by school. */
export function scanningMemberships(actor: Actor): Array<{ schoolId: number; staffId: number }> {
  return actor.staff.filter((m) => m.roles.some((r) => SCANNING_ROLES.includes(r))).map((m) => ({ schoolId: m.schoolId, staffId: m.staffId }));
}

const NAME = '@@NAME@@';
const TIME = '@@TIME@@';

/**
 * The notice payloads for one language, as JSON text with markers for the child's name and the
 * time: rendered once per process (Fluent is not free at 2,000 scans/s).
 */
function noticeTemplates(notifier: Notifier): Record<`${Locale}-${'on' | 'late'}`, string> {
  const make = (locale: Locale, late: boolean) =>
    JSON.stringify({
      text: notifier.t(locale, late ? 'scan-notice-late' : 'scan-notice-arrived', { name: NAME, time: TIME }),
      reply_markup: { inline_keyboard: [[{ text: notifier.t(locale, 'scan-notices-off-button'), callback_data: 'an:off' }]] },
    });
  return { 'km-on': make('km', false), 'km-late': make('km', true), 'en-on': make('en', false), 'en-late': make('en', true) };
}

const templatesCache = new WeakMap<Notifier, ReturnType<typeof noticeTemplates>>();

function templatesFor(notifier: Notifier) {
  let t = templatesCache.get(notifier);
  if (!t) templatesCache.set(notifier, (t = noticeTemplates(notifier)));
  return t;
}

interface ScanRow {
  kind: 'arrival' | 'departure' | 'repeat';
  student_id: string | number;
  school_id: number;
  class_id: number;
  name_km: string;
  name_en: string | null;
  class_name: string;
  day: string;
  shift: 'morning' | 'afternoon';
  late: boolean | null;
  arrived_time: string | null;
  departed_time: string | null;
  now_time: string;
  notices: number;
  was_absent: boolean;
}

export async function recordScan(
  db: Db,
  input: { actor: Actor; token: string; via: ScanVia; secret: string; notifier: Notifier; now: Date },
): Promise<ScanResult> {
  const { actor } = input;
  const who = actorOf(actor.telegramUserId);
  const deny = async (reason: ScanDenial, schoolId: number | null = null, studentId?: number): Promise<ScanResult> => {
    await audit(db, { actor: who, schoolId, action: 'scan.record', entity: 'student', entityId: studentId, outcome: 'denied', details: { reason, via: input.via } });
    return { ok: false, reason };
  };

  const memberships = scanningMemberships(actor);
  if (memberships.length === 0) return deny('not-scanner');
  const check = verifyCard(input.secret, input.token);
  if (!check.ok) return deny(check.reason);
  const { studentId, version } = check.claims;
  const t = templatesFor(input.notifier);
  const now = input.now.toISOString();

  const result = await db.execute(sql`
    with scanner(school_id, staff_id) as (
      select * from unnest(${`{${memberships.map((m) => m.schoolId).join(',')}}`}::int[], ${`{${memberships.map((m) => m.staffId).join(',')}}`}::int[])),
    card as (
      select s.id as student_id, s.school_id, s.class_id, s.name_km, s.name_en, c.name as class_name, c.shift, sc.staff_id,
             (${now}::timestamptz at time zone sch.timezone)::date as day,
             to_char(${now}::timestamptz at time zone sch.timezone, 'HH24:MI') as hhmm,
             coalesce(ss.late_after ->> c.shift::text,
                      to_char((sch.shifts -> c.shift::text ->> 'start')::time + interval '10 minutes', 'HH24:MI')) as late_after,
             coalesce(ss.cooldown_seconds, 300) as cooldown
        from student_cards k
        join students s on s.id = k.student_id and s.active
        join classes c on c.id = s.class_id
        join schools sch on sch.id = s.school_id
        join scanner sc on sc.school_id = s.school_id
        left join scan_settings ss on ss.school_id = s.school_id
       where k.student_id = ${studentId} and k.version = ${version}),
    before as (
      select k.arrived_time, k.departed_at, k.last_scan_at, k.late
        from checkins k join card c on k.student_id = c.student_id and k.day = c.day and k.shift = c.shift),
    arrival as (
      insert into checkins (student_id, day, shift, school_id, class_id, arrived_at, arrived_time, late, arrived_by, arrived_via, last_scan_at)
      select student_id, day, shift, school_id, class_id, ${now}::timestamptz, hhmm, hhmm > late_after, staff_id, ${input.via}, ${now}::timestamptz
        from card
      on conflict do nothing
      returning late, arrived_time),
    departure as (
      update checkins k set departed_at = ${now}::timestamptz, departed_by = c.staff_id, last_scan_at = ${now}::timestamptz
        from card c
       where k.student_id = c.student_id and k.day = c.day and k.shift = c.shift
         and not exists (select 1 from arrival)
         and k.departed_at is null
         and k.last_scan_at < ${now}::timestamptz - make_interval(secs => c.cooldown)
      returning k.arrived_time),
    notices as (
      insert into outbox (dedupe_key, school_id, chat_id, method, payload, priority)
      select 'arr:' || c.day || ':' || c.shift || ':' || c.student_id || ':' || g.telegram_user_id, c.school_id, g.telegram_user_id, 'sendMessage',
             replace(replace(
               case when coalesce(ta.locale::text, ${input.notifier.defaultLocale}) = 'en'
                    then case when a.late then ${t['en-late']} else ${t['en-on']} end
                    else case when a.late then ${t['km-late']} else ${t['km-on']} end end,
               ${NAME}, (select substr(j, 2, length(j) - 2) from (select to_json(
                 case when coalesce(ta.locale::text, ${input.notifier.defaultLocale}) = 'en' and c.name_en is not null
                      then c.name_en || ' (' || c.name_km || ')' else c.name_km end)::text as j) x)),
               ${TIME}, case when coalesce(ta.locale::text, ${input.notifier.defaultLocale}) = 'en' then a.arrived_time
                             else translate(a.arrived_time, '0123456789', '០១២៣៤៥៦៧៨៩') end)::jsonb,
             6
        from arrival a cross join card c
        join student_guardians sg on sg.student_id = c.student_id
        join guardians g on g.id = sg.guardian_id and g.telegram_user_id is not null
        left join telegram_accounts ta on ta.telegram_user_id = g.telegram_user_id
       where coalesce(ta.arrival_notices, true) and ta.unreachable_at is null
      on conflict (dedupe_key) do nothing
      returning 1),
    audited as (
      insert into audit_log (actor, school_id, action, entity, entity_id, details)
      select ${who}, c.school_id, 'scan.record', 'student', c.student_id::text,
             jsonb_build_object('via', ${input.via}::text, 'kind',
               case when exists (select 1 from arrival) then 'arrival' when exists (select 1 from departure) then 'departure' else 'repeat' end)
        from card c)
    select case when exists (select 1 from arrival) then 'arrival' when exists (select 1 from departure) then 'departure' else 'repeat' end as kind,
           c.student_id, c.school_id, c.class_id, c.name_km, c.name_en, c.class_name, c.day::text as day, c.shift, c.hhmm as now_time,
           coalesce((select late from arrival), (select late from before)) as late,
           coalesce((select arrived_time from arrival), (select arrived_time from before)) as arrived_time,
           (select to_char(departed_at at time zone sch.timezone, 'HH24:MI') from before, schools sch where sch.id = c.school_id) as departed_time,
           (select count(*) from notices)::int as notices,
           exists (select 1 from attendance at where at.student_id = c.student_id and at.day = c.day and at.shift = c.shift and at.status = 'absent') as was_absent
      from card c`);
  const row = (Array.isArray(result) ? result[0] : (result as { rows: unknown[] }).rows[0]) as ScanRow | undefined;
  if (!row) return deny(...(await whyRefused(db, studentId, version, memberships)), studentId);

  const student: ScannedStudent = {
    studentId: Number(row.student_id),
    nameKm: row.name_km,
    nameEn: row.name_en,
    className: row.class_name,
    classId: row.class_id,
    schoolId: row.school_id,
  };
  if (row.kind === 'arrival') {
    return { ok: true, kind: 'arrival', late: Boolean(row.late), time: row.arrived_time!, student, noticesQueued: row.notices, markedAbsent: row.was_absent, day: row.day, shift: row.shift };
  }
  if (row.kind === 'departure') return { ok: true, kind: 'departure', time: row.now_time, arrivedTime: row.arrived_time ?? '', student };
  return { ok: true, kind: 'repeat', arrivedTime: row.arrived_time ?? '', departedTime: row.departed_time, student };
}

/** Only on the refused path: tell a revoked card from another school's from an unknown one. */
async function whyRefused(db: Db, studentId: number, version: number, memberships: Array<{ schoolId: number }>): Promise<[ScanDenial, number | null]> {
  const result = await db.execute(sql`
    select k.version, s.school_id, s.active from student_cards k join students s on s.id = k.student_id where k.student_id = ${studentId}`);
  const row = (Array.isArray(result) ? result[0] : (result as { rows: unknown[] }).rows[0]) as { version: number; school_id: number; active: boolean } | undefined;
  if (!row || !row.active) return ['unknown', row?.school_id ?? null];
  if (!memberships.some((m) => m.schoolId === row.school_id)) return ['other-school', row.school_id];
  if (row.version !== version) return ['revoked', row.school_id];
  return ['unknown', row.school_id];
}

/** A parent turns arrival notices off (or on again) for their account; absence alerts are not affected. */
export async function setArrivalNotices(db: Db, telegramUserId: number, on: boolean): Promise<void> {
  await db.execute(sql`update telegram_accounts set arrival_notices = ${on}, updated_at = now() where telegram_user_id = ${telegramUserId}`);
  await audit(db, { actor: actorOf(telegramUserId), action: on ? 'scan.notices-on' : 'scan.notices-off' });
}
