/**
 * The cutoff: at a set time per school and shift, children with no gate scan and no teacher mark
 * become the proposed absent list of their class.
 *
 * - The list is written into the class's attendance draft (late scans as late with their time),
 *   so the teacher's /attendance opens pre-filled. Marks the teacher already made are kept.
 * - "confirm" (default): the homeroom teacher gets the names with one button that submits the
 *   list (the attendance sheet's own "yes, submit", so families are alerted exactly as by a
 *   teacher: once, never twice). "immediate": the list is submitted at cutoff as "gate scans"
 *   and families are alerted at once; the teacher is told and can correct.
 * - A school whose gate scanned nobody this shift gets no list (the scanner was not used: marking
 *   the whole school absent would be wrong); its office is told once instead.
 * - Idempotent: cutoff_runs has one row per class, day and shift; a re-run (a retried job, two
 *   workers) proposes nothing twice and sends nothing twice.
 */
import { sheetConfirm, sheetOpen } from '../attendance/buttons.js';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import type { Actor } from '../core/auth/actor.js';
import { audit } from '../core/auth/audit.js';
import { schoolClock } from '../core/clock.js';
import { displayName, formatDay, formatNumber, formatTime, type Notifier } from '../core/i18n/index.js';
import { pgArrayLiteral } from '../core/db/batch.js';
import { currentYearJoin } from '../core/db/years.js';
import { OFFICE_ROLES } from '../core/auth/roles.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import type { Locale, SchoolShifts, Shift } from '../core/db/schema.js';
import { isSchoolDay, submitSheet, type ClassAccess } from '../attendance/service.js';
import type { DraftMark } from '../attendance/schema.js';
import type { AlertMode } from './schema.js';

export interface ScanTimes {
  enabled: boolean;
  lateAfter: string;
  cutoffAt: string;
  alertMode: AlertMode;
}

function plusMinutes(hhmm: string, minutes: number): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const t = Math.min(h * 60 + m + minutes, 23 * 60 + 59);
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
}

/** A school's scan settings for a shift, defaults filled in (late: start + 10 min, cutoff: start + 60 min). */
export function scanTimes(
  shifts: SchoolShifts,
  settings: { enabled: boolean; lateAfter: Partial<Record<Shift, string>>; cutoffAt: Partial<Record<Shift, string>>; alertMode: AlertMode } | undefined,
  shift: Shift,
): ScanTimes {
  const start = shifts[shift]?.start ?? (shift === 'morning' ? '07:00' : '13:00');
  return {
    enabled: settings?.enabled ?? false,
    lateAfter: settings?.lateAfter[shift] ?? plusMinutes(start, 10),
    cutoffAt: settings?.cutoffAt[shift] ?? plusMinutes(start, 60),
    alertMode: settings?.alertMode ?? 'confirm',
  };
}

export interface CutoffSummary {
  skipped?: 'disabled' | 'holiday' | 'no-scans' | 'no-school';
  day: string;
  classes: Array<{ classId: number; proposed: number; submitted: boolean }>;
}

const json = <T,>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** The system as the one who submits at cutoff (audit actor 'system:cutoff'; it is nobody's parent). */
const CUTOFF_ACTOR: Actor = { telegramUserId: 0, locale: null, hasPhone: false, commandsHash: null, staff: [], guardianIds: [], childIds: [], officeProvinces: [] };

export async function runCutoff(db: Db, input: { schoolId: number; shift: Shift; now: Date; notifier: Notifier }): Promise<CutoffSummary> {
  const { schoolId, shift, notifier } = input;
  const [school] = rowsOf<{ name_km: string; name_en: string; timezone: string; shifts: SchoolShifts; settings: unknown }>(
    await db.execute(sql`
      select s.name_km, s.name_en, s.timezone, s.shifts,
             (select json_build_object('enabled', ss.enabled, 'lateAfter', ss.late_after, 'cutoffAt', ss.cutoff_at, 'alertMode', ss.alert_mode)
                from scan_settings ss where ss.school_id = s.id) as settings
        from schools s where s.id = ${schoolId}`),
  );
  if (!school) return { skipped: 'no-school', day: '', classes: [] };
  const day = schoolClock(school.timezone, input.now).day;
  const times = scanTimes(json(school.shifts), school.settings ? json(school.settings) : undefined, shift);
  if (!times.enabled) return { skipped: 'disabled', day, classes: [] };
  if (!(await isSchoolDay(db, schoolId, day))) return { skipped: 'holiday', day, classes: [] };

  const [scanned] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from checkins where school_id = ${schoolId} and day = ${day} and shift = ${shift}`));
  if (!scanned || scanned.n === 0) {
    await tellOfficeNoScans(db, { schoolId, day, shift, school, notifier });
    return { skipped: 'no-scans', day, classes: [] };
  }

  // Every class of the shift with its unscanned, unmarked children and its late scans, in one read.
  const classRows = rowsOf<{ id: number; name: string; submitted: boolean; ran: boolean; teacher: number | null; teacher_locale: Locale | null; unscanned: unknown; late: unknown }>(
    await db.execute(sql`
      select c.id, c.name,
             exists (select 1 from class_submissions cs where cs.class_id = c.id and cs.day = ${day} and cs.shift = ${shift}) as submitted,
             exists (select 1 from cutoff_runs r where r.class_id = c.id and r.day = ${day} and r.shift = ${shift}) as ran,
             st.telegram_user_id as teacher, ta.locale as teacher_locale,
             (select coalesce(json_agg(json_build_object('id', s.id, 'roll', s.roll_no, 'nameKm', s.name_km, 'nameEn', s.name_en) order by s.roll_no, s.id), '[]'::json)
                from students s
               where s.class_id = c.id and s.active
                 and not exists (select 1 from checkins k where k.student_id = s.id and k.day = ${day} and k.shift = ${shift})
                 and not exists (select 1 from attendance a where a.student_id = s.id and a.day = ${day} and a.shift = ${shift})) as unscanned,
             (select coalesce(json_agg(json_build_object('id', k.student_id, 'time', k.arrived_time)), '[]'::json)
                from checkins k where k.class_id = c.id and k.day = ${day} and k.shift = ${shift} and k.late) as late
        from classes c
        ${currentYearJoin('c')}
        left join staff st on st.id = c.homeroom_staff_id
        left join telegram_accounts ta on ta.telegram_user_id = st.telegram_user_id
       where c.school_id = ${schoolId} and c.shift = ${shift}
       order by c.grade, c.section`),
  );

  const summary: CutoffSummary = { day, classes: [] };
  for (const c of classRows) {
    const unscanned = json<Array<{ id: number | string; roll: number | null; nameKm: string; nameEn: string | null }>>(c.unscanned).map((s) => ({ ...s, id: Number(s.id) }));
    const late = json<Array<{ id: number | string; time: string }>>(c.late);
    const access: ClassAccess = { ok: true, via: 'scan', staffId: null, classId: c.id, className: c.name, schoolId, shift, timezone: school.timezone };

    if (!c.ran) {
      if (c.submitted || (unscanned.length === 0 && late.length === 0)) {
        await db.execute(sql`insert into cutoff_runs (class_id, day, shift, school_id, proposed) values (${c.id}, ${day}, ${shift}, ${schoolId}, '{}') on conflict do nothing`);
        summary.classes.push({ classId: c.id, proposed: 0, submitted: c.submitted });
        continue;
      }
      const claimed = await db.transaction(async (tx) => {
        const won = rowsOf(
          await tx.execute(sql`
            insert into cutoff_runs (class_id, day, shift, school_id, proposed)
            values (${c.id}, ${day}, ${shift}, ${schoolId}, ${`{${unscanned.map((s) => s.id).join(',')}}`}::bigint[])
            on conflict do nothing returning 1`),
        );
        if (won.length === 0) return false;
        // Into the draft, without overriding what the teacher already marked.
        const marks: Record<string, DraftMark> = {};
        for (const s of unscanned) marks[String(s.id)] = { status: 'absent' };
        for (const k of late) marks[String(k.id)] = { status: 'late', arrivedAt: k.time };
        await tx.execute(sql`
          insert into attendance_drafts (class_id, day, shift, school_id, marks)
          values (${c.id}, ${day}, ${shift}, ${schoolId}, ${JSON.stringify(marks)}::jsonb)
          on conflict (class_id, day, shift) do update set marks = ${JSON.stringify(marks)}::jsonb || attendance_drafts.marks, updated_at = now()`);
        if (c.teacher !== null && unscanned.length > 0) {
          await addToOutbox(tx, teacherMessage({ notifier, access, day, teacher: c.teacher, locale: c.teacher_locale, unscanned, time: times.cutoffAt, mode: times.alertMode }));
        }
        await audit(tx, { actor: 'system:cutoff', schoolId, action: 'scan.cutoff', entity: 'class', entityId: c.id, details: { day, shift, proposed: unscanned.map((s) => s.id), mode: times.alertMode } });
        return true;
      });
      if (!claimed) continue;
    }
    // Immediate mode submits (also on a re-run after a crash between the claim and the submit).
    let submitted = c.submitted;
    if (times.alertMode === 'immediate' && !c.submitted) {
      await submitSheet(db, access, day, CUTOFF_ACTOR, { who: 'system:cutoff' });
      submitted = true;
    }
    summary.classes.push({ classId: c.id, proposed: unscanned.length, submitted });
  }
  return summary;
}

function teacherMessage(input: {
  notifier: Notifier;
  access: ClassAccess;
  day: string;
  teacher: number;
  locale: Locale | null;
  unscanned: Array<{ roll: number | null; nameKm: string; nameEn: string | null }>;
  time: string;
  mode: AlertMode;
}): OutgoingMessage {
  const { notifier, access, day } = input;
  const locale = input.locale ?? notifier.defaultLocale;
  const names = input.unscanned
    .map((s) => `${s.roll === null ? '•' : `${formatNumber(locale, s.roll)}.`} ${displayName(locale, s)}`)
    .join('\n');
  const vars = {
    class: access.className,
    shift: notifier.t(locale, `core-shift-${access.shift}`),
    date: formatDay(locale, day),
    count: formatNumber(locale, input.unscanned.length),
    time: formatTime(locale, input.time),
    names,
  };
  // Attendance's own sheet buttons (open the class's sheet, "yes, submit").
  const open = { text: notifier.t(locale, 'qr-cutoff-open'), callback_data: sheetOpen.pack({ classId: access.classId, day }) };
  return {
    dedupeKey: `cutoff:${access.classId}:${day}:${access.shift}`,
    schoolId: access.schoolId,
    // About a class's list (many children), for its homeroom teacher: no one child.
    capability: 'qr',
    entity: 'class',
    entityId: access.classId,
    studentId: null,
    chatId: input.teacher,
    priority: 2,
    payload:
      input.mode === 'confirm'
        ? {
            text: notifier.t(locale, 'qr-cutoff-teacher', vars),
            reply_markup: { inline_keyboard: [[{ text: notifier.t(locale, 'qr-cutoff-confirm'), callback_data: sheetConfirm.pack({ classId: access.classId, day }) }], [open]] },
          }
        : { text: notifier.t(locale, 'qr-cutoff-teacher-sent', vars), reply_markup: { inline_keyboard: [[open]] } },
  };
}

async function tellOfficeNoScans(
  db: Db,
  input: { schoolId: number; day: string; shift: Shift; school: { name_km: string; name_en: string }; notifier: Notifier },
): Promise<void> {
  const office = rowsOf<{ chat: number | string; locale: Locale | null }>(
    await db.execute(sql`
      select distinct st.telegram_user_id as chat, ta.locale
        from staff st join staff_roles r on r.staff_id = st.id and r.role = any(${pgArrayLiteral([...OFFICE_ROLES])}::staff_role[])
        left join telegram_accounts ta on ta.telegram_user_id = st.telegram_user_id
       where st.school_id = ${input.schoolId} and st.telegram_user_id is not null and st.active`),
  );
  const { notifier } = input;
  await addToOutbox(
    db,
    office.map((o) => {
      const locale = o.locale ?? notifier.defaultLocale;
      return {
        dedupeKey: `cutoff-noscan:${input.schoolId}:${input.day}:${input.shift}:${o.chat}`,
        schoolId: input.schoolId,
        capability: 'qr',
        entity: 'school',
        entityId: input.schoolId,
        studentId: null,
        chatId: Number(o.chat),
        payload: {
          text: notifier.t(locale, 'qr-cutoff-office-no-scans', {
            shift: notifier.t(locale, `core-shift-${input.shift}`),
            date: formatDay(locale, input.day),
            school: displayName(locale, { nameKm: input.school.name_km, nameEn: input.school.name_en }),
          }),
        },
      };
    }),
  );
}
