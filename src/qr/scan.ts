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
 *   retried update produce none twice. A family with several children in the shift gets ONE
 *   digest instead ("Sokha and Dara arrived at 07:02, 07:05"): an outbox row that waits up to
 *   the digest window (sent at once when the last of them arrives) and names every child scanned
 *   meanwhile (arrival_digest_items, rendered by the sender's resolver: arrival-digest.ts). Two
 *   processes scanning two siblings at the same instant still write one digest: a statement that
 *   could not see the other's digest yet finds out by the family's counter, and runs again.
 *
 * The morning rush is the hot path (≈ 1,800 scans/s nationally): accepted scans are written by ONE
 * set-based statement (card check, insert or departure update, notices, audit rows) for every
 * scan that arrived at the same moment (see ScanBatcher), with the notice texts rendered
 * per language beforehand and the child's name and time filled in by Postgres.
 */
import { noticesOff } from './buttons.js';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import type { Notifier } from '../core/i18n/index.js';
import type { Locale } from '../core/db/schema.js';
import type { StaffRole } from '../core/auth/roles.js';
import { createMicroBatcher, pgArrayLiteral, type MicroBatcher } from '../core/db/batch.js';
import { looksLikeCardToken, verifyCard } from './tokens.js';

/** The staff roles (of the role table, core/auth/roles.ts) that record scans at the gate. */
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

export type ScanDenial = 'malformed' | 'forged' | 'revoked' | 'unknown' | 'other-school' | 'not-scanner' | 'scanning-off';

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
  return looksLikeCardToken(trimmed) ? trimmed : null;
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
      text: notifier.t(locale, late ? 'qr-scan-notice-late' : 'qr-scan-notice-arrived', { name: NAME, time: TIME }),
      reply_markup: { inline_keyboard: [[{ text: notifier.t(locale, 'qr-scan-notices-off-button'), callback_data: noticesOff.pack({}) }]] },
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
  idx: number;
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

/** One verified scan waiting for the database. */
interface PendingScan {
  studentId: number;
  version: number;
  memberships: Array<{ schoolId: number; staffId: number }>;
  via: ScanVia;
  who: string;
  now: Date;
  digestSeconds?: number;
}

/** How long a family with several children in a shift waits for the others (default of ARRIVAL_DIGEST_SECONDS). */
export const ARRIVAL_DIGEST_SECONDS = 180;

/**
 * Scans that arrive together (many gates at the morning rush) are written by ONE statement (see
 * core/db/batch.ts). A student appears at most once per statement: a second scan of the same card
 * in the same instant goes into the next one, where it is a repeat.
 */
const batchers = new WeakMap<Db, WeakMap<Notifier, MicroBatcher<PendingScan, ScanRow | undefined>>>();

function batcherFor(db: Db, notifier: Notifier): MicroBatcher<PendingScan, ScanRow | undefined> {
  let byNotifier = batchers.get(db);
  if (!byNotifier) batchers.set(db, (byNotifier = new WeakMap()));
  let b = byNotifier.get(notifier);
  if (!b) {
    b = createMicroBatcher<PendingScan, ScanRow | undefined>({
      keyOf: (p) => p.studentId,
      run: async (scans) => {
        const byIdx = new Map((await writeScans(db, notifier, scans)).map((r) => [Number(r.idx), r]));
        return scans.map((_, i) => byIdx.get(i));
      },
    });
    byNotifier.set(notifier, b);
  }
  return b;
}

const pgArray = pgArrayLiteral;

async function writeScans(db: Db, notifier: Notifier, scans: PendingScan[]): Promise<ScanRow[]> {
  const digestSeconds = Math.max(0, Math.round(scans[0]?.digestSeconds ?? ARRIVAL_DIGEST_SECONDS));
  const scanner = scans.flatMap((p, idx) => p.memberships.map((m) => ({ idx, ...m })));
  for (let attempt = 1; ; attempt++) {
    try {
      return rowsOf<ScanRow>(await db.execute(scanStatement(notifier, scans, scanner, digestSeconds)));
    } catch (err) {
      // Another process wrote a digest of one of these families after this statement's snapshot
      // was taken (see `digest_bump` in the statement): it was rolled back whole; again, now seeing it.
      if (attempt >= DIGEST_RACE_ATTEMPTS || !String((err as Error)?.message ?? '').includes(DIGEST_RACE)) throw err;
    }
  }
}

/** The word the scan statement fails with when it raced another's digest of the same family. */
const DIGEST_RACE = 'arrival-digest-raced';
/** Each retry means another statement of the family committed meanwhile: a few suffice. */
const DIGEST_RACE_ATTEMPTS = 5;

function scanStatement(notifier: Notifier, scans: PendingScan[], scanner: Array<{ idx: number; schoolId: number; staffId: number }>, digestSeconds: number) {
  const t = templatesFor(notifier);
  return sql`
    with input as (
      select * from unnest(${pgArray(scans.map((_, i) => i))}::int[], ${pgArray(scans.map((p) => p.studentId))}::bigint[],
                           ${pgArray(scans.map((p) => p.version))}::int[], ${pgArray(scans.map((p) => p.now.toISOString()))}::timestamptz[],
                           ${pgArray(scans.map((p) => p.via))}::text[], ${pgArray(scans.map((p) => p.who))}::text[])
        as i(idx, student_id, version, at, via, who)),
    scanner as (
      select * from unnest(${pgArray(scanner.map((m) => m.idx))}::int[], ${pgArray(scanner.map((m) => m.schoolId))}::int[], ${pgArray(scanner.map((m) => m.staffId))}::int[])
        as x(idx, school_id, staff_id)),
    card as (
      select i.idx, i.at, i.via, i.who, s.id as student_id, s.school_id, s.class_id, s.name_km, s.name_en, c.name as class_name, c.shift,
             sc.staff_id, sch.timezone,
             (i.at at time zone sch.timezone)::date as day,
             to_char(i.at at time zone sch.timezone, 'HH24:MI') as hhmm,
             coalesce(ss.late_after ->> c.shift::text,
                      to_char((sch.shifts -> c.shift::text ->> 'start')::time + interval '10 minutes', 'HH24:MI')) as late_after,
             coalesce(ss.cooldown_seconds, 300) as cooldown
        from input i
        join student_cards k on k.student_id = i.student_id and k.version = i.version
        join students s on s.id = k.student_id and s.active
        join classes c on c.id = s.class_id
        join schools sch on sch.id = s.school_id
        join scanner sc on sc.idx = i.idx and sc.school_id = s.school_id
        left join scan_settings ss on ss.school_id = s.school_id
       -- a school that turned scanning off records no scan and tells no family
       where coalesce(ss.enabled, true)),
    before as (
      select c.idx, k.arrived_time, k.late, to_char(k.departed_at at time zone c.timezone, 'HH24:MI') as departed_time
        from checkins k join card c on k.student_id = c.student_id and k.day = c.day and k.shift = c.shift),
    arrival as (
      insert into checkins (student_id, day, shift, school_id, class_id, arrived_at, arrived_time, late, arrived_by, arrived_via, last_scan_at)
      select student_id, day, shift, school_id, class_id, at, hhmm, hhmm > late_after, staff_id, via, at from card
      on conflict do nothing
      returning student_id, late, arrived_time),
    departure as (
      update checkins k set departed_at = c.at, departed_by = c.staff_id, last_scan_at = c.at
        from card c
       where k.student_id = c.student_id and k.day = c.day and k.shift = c.shift
         and not exists (select 1 from arrival a where a.student_id = c.student_id)
         and k.departed_at is null
         and k.last_scan_at < c.at - make_interval(secs => c.cooldown)
      returning k.student_id),
    -- each family to tell of each new arrival, with the child's name and time in their language
    recip as (
      select distinct on (a.student_id, g.telegram_user_id)
             a.student_id, coalesce(a.late, false) as late, c.school_id, c.day, c.shift, g.telegram_user_id as tg,
             coalesce(ta.locale::text, ${notifier.defaultLocale}) as loc,
             case when coalesce(ta.locale::text, ${notifier.defaultLocale}) = 'en' and c.name_en is not null
                  then c.name_en || ' (' || c.name_km || ')' else c.name_km end as name_text,
             case when coalesce(ta.locale::text, ${notifier.defaultLocale}) = 'en' then a.arrived_time
                  else translate(a.arrived_time, '0123456789', '០១២៣៤៥៦៧៨៩') end as time_text
        from arrival a join card c on c.student_id = a.student_id
        join student_guardians sg on sg.student_id = c.student_id
        join guardians g on g.id = sg.guardian_id and g.telegram_user_id is not null
        left join telegram_accounts ta on ta.telegram_user_id = g.telegram_user_id
       where coalesce(ta.arrival_notices, true) and ta.unreachable_at is null
         -- a family already told of an absence gets the correction instead (one event, one message)
         and not exists (select 1 from alerted_absences aa
                          where aa.guardian_id = g.id and aa.student_id = c.student_id and aa.day = c.day and aa.shift = c.shift)),
    -- how many children each of those families has in this shift at this school, and how many have not arrived yet
    family as (
      select r.tg, r.day, r.shift, count(distinct s2.id)::int as children,
             (count(distinct s2.id) filter (where s2.id not in (select student_id from arrival)
                and not exists (select 1 from checkins k2 where k2.student_id = s2.id and k2.day = r.day and k2.shift = r.shift)))::int as waiting
        from (select distinct tg, day, shift from recip) r
        -- a family is a school's guardian: children at another school have another gate and time
        join guardians g2 on g2.telegram_user_id = r.tg and g2.school_id in (select r2.school_id from recip r2 where r2.tg = r.tg)
        join student_guardians sg2 on sg2.guardian_id = g2.id
        join students s2 on s2.id = sg2.student_id and s2.active
        join classes c2 on c2.id = s2.class_id and c2.shift = r.shift
       group by r.tg, r.day, r.shift),
    -- Two processes scanning two siblings at the same instant: each statement would look for the
    -- family's open digest, see none (the other's is not committed yet) and write its own. So each
    -- one that writes a family's digest bumps the family's counter from the value its snapshot
    -- shows; a second bump waits for the first to commit and then meets its value, not the one it
    -- expected: that statement is stale, fails (the cast of a text that is no number) and runs again.
    digest_bump as (
      insert into arrival_digest_families as d (guardian_tg, day, shift, seq)
      select f.tg, f.day, f.shift, coalesce(s.seq, 0) + 1 from family f
        left join arrival_digest_families s on s.guardian_tg = f.tg and s.day = f.day and s.shift = f.shift
       where f.children > 1
       order by f.tg, f.day, f.shift
      on conflict (guardian_tg, day, shift) do update
         set seq = case when d.seq = excluded.seq - 1 then excluded.seq else (d.guardian_tg::text || ' ' || ${DIGEST_RACE})::int end),
    -- a family with one child in this shift: the notice at once, as it always was
    notices as (
      insert into outbox (dedupe_key, school_id, capability, entity, entity_id, student_id, chat_id, method, payload, priority)
      select 'arr:' || r.day || ':' || r.shift || ':' || r.student_id || ':' || r.tg, r.school_id, 'qr', 'student', r.student_id, r.student_id,
             r.tg, 'sendMessage',
             replace(replace(
               case when r.loc = 'en' then case when r.late then ${t['en-late']} else ${t['en-on']} end
                    else case when r.late then ${t['km-late']} else ${t['km-on']} end end,
               ${NAME}, substr(to_json(r.name_text)::text, 2, length(to_json(r.name_text)::text) - 2)),
               ${TIME}, r.time_text)::jsonb,
             6
        from recip r left join family f on f.tg = r.tg and f.day = r.day and f.shift = r.shift
       where coalesce(f.children, 1) <= 1
      on conflict (dedupe_key) do nothing
      returning student_id),
    -- several children: one digest per family and shift (arrival-digest.ts). The family's digest
    -- still waiting to go is locked, so the sender takes it only after this statement's children
    -- are in it (or, once the sender holds it, they start the next round).
    open_digest as (
      select o.id, o.dedupe_key from outbox o
       where o.dedupe_key in (select i.digest_key from arrival_digest_items i
                                join family f on f.tg = i.guardian_tg and f.day = i.day and f.shift = i.shift and f.children > 1)
         and o.status = 'pending' and o.locked_until is null
       for update),
    open_one as (
      select distinct on (i.guardian_tg, i.day, i.shift) i.guardian_tg as tg, i.day, i.shift, d.dedupe_key, d.id
        from open_digest d join arrival_digest_items i on i.digest_key = d.dedupe_key
       order by i.guardian_tg, i.day, i.shift, d.id),
    digest_target as (
      select f.tg, f.day, f.shift, f.waiting, op.id as open_id,
             coalesce(op.dedupe_key, 'arrf:' || f.day || ':' || f.shift || ':' || f.tg || ':' ||
                      (select min(r.student_id) from recip r where r.tg = f.tg and r.day = f.day and r.shift = f.shift)) as key,
             (select min(r.school_id) from recip r where r.tg = f.tg and r.day = f.day and r.shift = f.shift) as school_id,
             (select min(r.loc) from recip r where r.tg = f.tg and r.day = f.day and r.shift = f.shift) as loc
        from family f left join open_one op on op.tg = f.tg and op.day = f.day and op.shift = f.shift
       where f.children > 1),
    digest_new as (
      insert into outbox (dedupe_key, school_id, capability, entity, chat_id, method, payload, priority, not_before)
      select t.key, t.school_id, 'qr', 'arrivals', t.tg, 'sendMessage',
             jsonb_build_object('arrivalDigest', t.key, 'locale', t.loc,
                                'reply_markup', case when t.loc = 'en' then ${t['en-on']}::jsonb else ${t['km-on']}::jsonb end -> 'reply_markup'),
             6,
             -- the last child of the family is in: no reason to wait
             case when t.waiting = 0 then now() else now() + make_interval(secs => ${digestSeconds}) end
        from digest_target t where t.open_id is null
      on conflict (dedupe_key) do nothing
      returning id),
    digest_due as (
      update outbox o set not_before = least(o.not_before, now())
        from digest_target t where o.id = t.open_id and t.waiting = 0
      returning o.id),
    digest_items as (
      insert into arrival_digest_items (day, shift, guardian_tg, student_id, digest_key, name, time, late)
      select r.day, r.shift, r.tg, r.student_id, t.key, r.name_text, r.time_text, r.late
        from recip r join digest_target t on t.tg = r.tg and t.day = r.day and t.shift = r.shift
      on conflict do nothing
      returning student_id),
    outcome as (
      select c.*, case when exists (select 1 from arrival a where a.student_id = c.student_id) then 'arrival'
                       when exists (select 1 from departure d where d.student_id = c.student_id) then 'departure'
                       else 'repeat' end as kind
        from card c),
    audited as (
      insert into audit_log (actor, school_id, action, entity, entity_id, details)
      select o.who, o.school_id, 'scan.record', 'student', o.student_id::text, jsonb_build_object('via', o.via, 'kind', o.kind)
        from outcome o)
    select o.idx, o.kind, o.student_id, o.school_id, o.class_id, o.name_km, o.name_en, o.class_name, o.day::text as day, o.shift, o.hhmm as now_time,
           coalesce(a.late, b.late) as late, coalesce(a.arrived_time, b.arrived_time) as arrived_time, b.departed_time,
           ((select count(*) from notices n where n.student_id = o.student_id) + (select count(*) from digest_items d where d.student_id = o.student_id))::int as notices,
           exists (select 1 from attendance at where at.student_id = o.student_id and at.day = o.day and at.shift = o.shift and at.status = 'absent') as was_absent
      from outcome o left join arrival a on a.student_id = o.student_id left join before b on b.idx = o.idx`;
}

export async function recordScan(
  db: Db,
  input: { actor: Actor; token: string; via: ScanVia; secret: string | Buffer; notifier: Notifier; now: Date; digestSeconds?: number },
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

  const row = await batcherFor(db, input.notifier).add({ studentId, version, memberships, via: input.via, who, now: input.now, digestSeconds: input.digestSeconds });
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
    select k.version, s.school_id, s.active, coalesce(ss.enabled, true) as enabled
      from student_cards k join students s on s.id = k.student_id left join scan_settings ss on ss.school_id = s.school_id
     where k.student_id = ${studentId}`);
  const [row] = rowsOf<{ version: number; school_id: number; active: boolean; enabled: boolean }>(result);
  if (!row || !row.active) return ['unknown', row?.school_id ?? null];
  if (!memberships.some((m) => m.schoolId === row.school_id)) return ['other-school', row.school_id];
  if (row.version !== version) return ['revoked', row.school_id];
  if (!row.enabled) return ['scanning-off', row.school_id];
  return ['unknown', row.school_id];
}

/** Whether this account gets arrival notices (on unless they turned them off). */
export async function arrivalNoticesOn(db: Db, telegramUserId: number): Promise<boolean> {
  const [row] = rowsOf<{ on: boolean }>(await db.execute(sql`select arrival_notices as "on" from telegram_accounts where telegram_user_id = ${telegramUserId}`));
  return row?.on ?? true;
}

/** A parent turns arrival notices off (or on again) for their account; absence alerts are not affected. */
export async function setArrivalNotices(db: Db, telegramUserId: number, on: boolean): Promise<void> {
  await db.execute(sql`update telegram_accounts set arrival_notices = ${on}, updated_at = now() where telegram_user_id = ${telegramUserId}`);
  await audit(db, { actor: actorOf(telegramUserId), action: on ? 'scan.notices-on' : 'scan.notices-off' });
}
