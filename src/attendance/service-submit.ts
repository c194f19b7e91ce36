/**
 * Submitting a class's list: attendance rows + submission + family alerts through the outbox, in
 * one statement; corrections for families told of an absence that is no longer one (also when a
 * child is scanned at the gate after the list went in); families' answers to an alert.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db, type Tx } from '../core/db/client.js';
import { pgArrayLiteral } from '../core/db/batch.js';
import { guardians, students, telegramAccounts, type Shift } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit, type AuditEntry } from '../core/auth/audit.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { eventInsert } from '../webhooks/events.js';
import type { AlertAnswer } from './buttons.js';
import type { AbsenceCorrectionPayload } from './alert-texts.js';
import { absenceAlerts, alertedAbsences, attendance } from './schema.js';
import { getSettings } from './service-calendar.js';
import { countMarks, readSheet, sheetStamp, type ClassAccess, type SheetStudent } from './service-sheet.js';

export type { AlertAnswer };

const CAPABILITY = 'attendance';

export interface SubmitResult {
  version: number;
  counts: ReturnType<typeof countMarks>;
  changed: number;
  alertsQueued: number;
  correctionsQueued: number;
}

/**
 * Writes the sheet as the day's attendance: one read, then ONE statement that writes everything
 * (no transaction around them: each round trip, BEGIN and COMMIT included, is a socket write and a
 * wake-up of the bot's one busy core, and those were most of a submit's cost).
 *
 * The statement writes only if the class's submission is still the version the read saw: the
 * submission row's upsert carries that condition, and every other write of the statement depends
 * on its row. A teacher and an operator submitting at once cannot both write (the second waits
 * on the row's lock, then finds the version moved on and writes nothing), and the loser reads the
 * sheet again (or, confirming a list it showed, is told the list changed). Alerts go only to
 * families of children newly absent (not excused, not already alerted, not the person who took
 * the roll); families of a child alerted earlier and now present or late get a correction.
 */
export async function submitSheet(
  db: Db,
  access: ClassAccess,
  day: string,
  actor: Actor,
  opts: { who?: string; today?: string; stamp?: number } = {},
): Promise<SubmitResult> {
  const who = opts.who ?? actorOf(actor.telegramUserId);
  // A list for an earlier day (the office catching up) is a record, not an alarm: families get a
  // plain notice of that day's absence, with no "coming late" to answer days later.
  const pastDay = opts.today !== undefined && day < opts.today;
  for (let attempt = 1; ; attempt++) {
    const { sheet, saved: before } = await readSheet(db, access, day);
    // The list the teacher confirmed is no longer this one (a tap, an answer or a submit since):
    // nothing is written and the bot shows the list as it is now.
    if (opts.stamp !== undefined && sheetStamp(sheet) !== opts.stamp) throw new StaleSheetError();
    const read = sheet.submission?.version ?? 0;
    const version = read + 1;
    const counts = countMarks(sheet);
    const changed = sheet.students.filter((s) => {
      const b = before.get(s.studentId);
      return !b || b.status !== s.mark.status || (b.arrivedAt ?? undefined) !== s.mark.arrivedAt || (b.reason ?? undefined) !== s.mark.reason || (b.note ?? undefined) !== s.mark.note;
    });
    const newlyAbsent = changed.filter((s) => s.mark.status === 'absent' && before.get(s.studentId)?.status !== 'absent');
    const noLongerAbsent = changed.filter((s) => s.mark.status !== 'absent' && before.get(s.studentId)?.status === 'absent');
    // A past day: the school's choice of a plain notice of that day (the default) or none.
    const alerting = newlyAbsent.length > 0 && (!pastDay || (await getSettings(db, access.schoolId)).pastDayNotice === 'plain');

    const entries: AuditEntry[] = [
      { actor: who, schoolId: access.schoolId, action: 'attendance.submit', entity: 'class', entityId: access.classId, details: { day, shift: access.shift, via: access.via, version, counts } },
    ];
    if (version > 1) {
      for (const s of changed) {
        entries.push({ actor: who, schoolId: access.schoolId, action: 'attendance.correct', entity: 'student', entityId: s.studentId, details: { day, shift: access.shift, from: before.get(s.studentId)?.status ?? null, to: s.mark.status, via: access.via } });
      }
    }
    const [row] = rowsOf<{ version: number | null; alerts: number; corrections: number }>(
      await db.execute(
        submitStatement({ access, day, who, read, counts, changed, absent: alerting ? newlyAbsent : [], back: noLongerAbsent, actorTelegramId: actor.telegramUserId, pastDay, entries }),
      ),
    );
    if (row?.version !== null && row?.version !== undefined) {
      return { version: Number(row.version), counts, changed: changed.length, alertsQueued: Number(row.alerts), correctionsQueued: Number(row.corrections) };
    }
    // Another submit of this class went in between the read and the write: nothing was written.
    if (opts.stamp !== undefined || attempt >= 5) throw new StaleSheetError();
  }
}

/**
 * The submit's one statement. Its text never changes (lists go as array parameters), so each
 * connection parses and plans it once. Every write depends on `ok`, the submission's row written
 * at the version after the one read; with no row there, the statement writes nothing at all.
 */
function submitStatement(input: {
  access: ClassAccess;
  day: string;
  who: string;
  /** the submission's version the sheet was read at (0: none yet) */
  read: number;
  counts: ReturnType<typeof countMarks>;
  changed: SheetStudent[];
  /** children whose families are to be alerted (newly absent, and the day alerts) */
  absent: SheetStudent[];
  /** children alerted as absent earlier and now not absent */
  back: SheetStudent[];
  actorTelegramId: number;
  pastDay: boolean;
  entries: AuditEntry[];
}): SQL {
  const { access, day, who, changed, back } = input;
  const version = input.read + 1;
  const ids = (list: SheetStudent[]) => pgArrayLiteral(list.map((r) => r.studentId));
  const event = { schoolId: access.schoolId, data: { classId: access.classId, class: access.className, day, shift: access.shift, version } };
  const audits = input.entries.map((e) => ({ action: e.action, entity: e.entity ?? null, entity_id: e.entityId === undefined ? null : String(e.entityId), details: e.details ?? null }));
  return sql`
    with sub as (
      insert into class_submissions (school_id, class_id, day, shift, via, submitted_by, submitted_by_staff_id, counts)
      values (${access.schoolId}::int, ${access.classId}::int, ${day}::date, ${access.shift}::shift, ${access.via}, ${who}, ${access.staffId}::int, ${JSON.stringify(input.counts)}::jsonb)
      on conflict (class_id, day, shift) do update set
        via = excluded.via, submitted_by = excluded.submitted_by, submitted_by_staff_id = excluded.submitted_by_staff_id,
        submitted_at = now(), version = class_submissions.version + 1, counts = excluded.counts
        where class_submissions.version = ${input.read}::int
      returning version),
    ok as (select version from sub),
    draft_cleared as (
      delete from attendance_drafts d
       where d.class_id = ${access.classId}::int and d.day = ${day}::date and d.shift = ${access.shift}::shift and exists (select 1 from ok)),
    marks as (
      insert into attendance (student_id, day, shift, school_id, class_id, status, arrived_at, excuse_reason, excuse_note, source, marked_by)
      select u.student_id, ${day}::date, ${access.shift}::shift, ${access.schoolId}::int, ${access.classId}::int,
             u.status::attendance_status, u.arrived_at, u.excuse_reason::excuse_reason, u.excuse_note, ${access.via}, ${who}
        from unnest(${ids(changed)}::bigint[], ${pgArrayLiteral(changed.map((r) => r.mark.status))}::text[],
                    ${pgArrayLiteral(changed.map((r) => r.mark.arrivedAt ?? null))}::text[], ${pgArrayLiteral(changed.map((r) => r.mark.reason ?? null))}::text[],
                    ${pgArrayLiteral(changed.map((r) => r.mark.note ?? null))}::text[])
             as u(student_id, status, arrived_at, excuse_reason, excuse_note)
       where exists (select 1 from ok)
      on conflict (student_id, day, shift) do update set
        status = excluded.status, arrived_at = excluded.arrived_at, excuse_reason = excluded.excuse_reason,
        excuse_note = excluded.excuse_note, source = excluded.source, marked_by = excluded.marked_by,
        class_id = excluded.class_id, updated_at = now()),
    -- the families to alert: guardians on Telegram of the newly absent, never the one who took the roll
    t as (
      select sg.guardian_id, sg.student_id from student_guardians sg join guardians g on g.id = sg.guardian_id
       where sg.student_id = any(${ids(input.absent)}::bigint[])
         and g.telegram_user_id is not null and g.telegram_user_id <> ${input.actorTelegramId}::bigint
         and exists (select 1 from ok)),
    alert_ids as (select guardian_id, nextval('absence_alerts_id_seq'::regclass) as id from (select distinct guardian_id from t) x),
    -- the claim of each (guardian, child) pair: a family hears of an absence once, whatever races it
    claimed as (
      insert into alerted_absences (guardian_id, student_id, day, shift, alert_id)
      select t.guardian_id, t.student_id, ${day}::date, ${access.shift}::shift, alert_ids.id from t join alert_ids using (guardian_id)
      on conflict do nothing
      returning guardian_id, student_id, alert_id),
    alerts as (
      insert into absence_alerts (id, school_id, guardian_id, day, shift, student_ids)
      select alert_id, ${access.schoolId}::int, guardian_id, ${day}::date, ${access.shift}::shift, array_agg(student_id order by student_id)
        from claimed group by alert_id, guardian_id
      returning id, guardian_id, student_ids),
    alert_rows as (
      insert into outbox (dedupe_key, school_id, capability, entity, entity_id, student_id, chat_id, method, payload, priority)
      select 'absent:' || a.id, ${access.schoolId}::int, ${CAPABILITY}, 'absence_alert', a.id,
             -- one alert may name several children of one family: then it is about none of them alone
             case when cardinality(a.student_ids) = 1 then a.student_ids[1] end,
             g.telegram_user_id, 'sendMessage',
             jsonb_build_object('absenceAlert', a.id, 'pastDay', ${input.pastDay}::boolean, 'class', ${access.className}::text, 'day', ${day}::text,
                                'shift', ${access.shift}::text, 'locale', ta.locale,
                                'children', (select jsonb_agg(jsonb_build_object('km', s.name_km, 'en', s.name_en) order by s.roll_no, s.id)
                                               from students s where s.id = any(a.student_ids))),
             2
        from alerts a join guardians g on g.id = a.guardian_id left join telegram_accounts ta on ta.telegram_user_id = g.telegram_user_id
      on conflict (dedupe_key) do nothing),
    -- corrections: families told of an absence that is no longer one, once per new mark
    back as (
      select * from unnest(${ids(back)}::bigint[], ${pgArrayLiteral(back.map((r) => r.mark.status))}::text[], ${pgArrayLiteral(back.map((r) => r.mark.arrivedAt ?? null))}::text[])
               as b(student_id, status, arrived_at)
       where exists (select 1 from ok)),
    told as (
      select al.guardian_id, al.student_id, al.alert_id, g.telegram_user_id, ta.locale, b.status, b.arrived_at, s.name_km, s.name_en
        from back b
        join alerted_absences al on al.student_id = b.student_id and al.day = ${day}::date and al.shift = ${access.shift}::shift
        join guardians g on g.id = al.guardian_id
        left join telegram_accounts ta on ta.telegram_user_id = g.telegram_user_id
        join students s on s.id = b.student_id
       where g.telegram_user_id is not null and al.corrected_to is distinct from b.status),
    told_marked as (
      update alerted_absences al set corrected_to = told.status from told
       where al.guardian_id = told.guardian_id and al.student_id = told.student_id and al.day = ${day}::date and al.shift = ${access.shift}::shift),
    correction_rows as (
      insert into outbox (dedupe_key, school_id, capability, entity, entity_id, student_id, chat_id, method, payload, priority)
      select 'correct:' || told.guardian_id || ':' || told.student_id || ':' || ${day}::text || ':' || ${access.shift}::text || ':' || told.status || ':' || coalesce(told.arrived_at, ''),
             ${access.schoolId}::int, ${CAPABILITY}, 'absence_alert', told.alert_id, told.student_id, told.telegram_user_id, 'sendMessage',
             jsonb_build_object('absenceCorrection', told.status, 'time', told.arrived_at, 'child', jsonb_build_object('km', told.name_km, 'en', told.name_en),
                                'class', ${access.className}::text, 'day', ${day}::text, 'locale', told.locale),
             3
        from told
      on conflict (dedupe_key) do nothing),
    audited as (
      insert into audit_log (actor, school_id, action, entity, entity_id, outcome, details)
      select ${who}, ${access.schoolId}::int, x.action, x.entity, x.entity_id, 'ok', x.details
        from jsonb_to_recordset(${JSON.stringify(audits)}::jsonb) as x(action text, entity text, entity_id text, details jsonb)
       where exists (select 1 from ok)),
    submitted_event as (${eventInsert({ ...event, event: 'attendance.submitted', key: `attendance.submitted:${access.classId}:${day}:${access.shift}:${version}`, onlyIf: sql`exists (select 1 from ok)` })}),
    -- a school adopts the system with its first list ever
    adopted_event as (${eventInsert({
      event: 'school.adopted',
      schoolId: access.schoolId,
      key: `school.adopted:${access.schoolId}`,
      data: { day },
      onlyIf: sql`${version}::int = 1 and exists (select 1 from ok)
                  and not exists (select 1 from class_submissions x where x.school_id = s.id and not (x.class_id = ${access.classId}::int and x.day = ${day}::date and x.shift = ${access.shift}::shift))`,
    })})
    select (select version from ok) as version, (select count(*) from alerts)::int as alerts, (select count(*) from told)::int as corrections`;
}

/** The list confirmed is not the list as it is now: nothing was submitted. */
export class StaleSheetError extends Error {
  constructor() {
    super('the list changed since it was shown');
  }
}

/**
 * Corrections for families told of an absence that is no longer one (the gate scan's way; the
 * submit writes the same rows in its statement): texts made when they go out (alert-texts.ts).
 */
async function correctionMessages(tx: Tx, access: Pick<ClassAccess, 'schoolId' | 'className' | 'shift'>, day: string, back: SheetStudent[]): Promise<OutgoingMessage[]> {
  if (back.length === 0) return [];
  const alerted = await tx
    .select({
      guardianId: alertedAbsences.guardianId,
      studentId: alertedAbsences.studentId,
      alertId: alertedAbsences.alertId,
      correctedTo: alertedAbsences.correctedTo,
      telegramUserId: guardians.telegramUserId,
      locale: telegramAccounts.locale,
    })
    .from(alertedAbsences)
    .innerJoin(guardians, eq(guardians.id, alertedAbsences.guardianId))
    .leftJoin(telegramAccounts, eq(telegramAccounts.telegramUserId, guardians.telegramUserId))
    .where(and(inArray(alertedAbsences.studentId, back.map((b) => b.studentId)), eq(alertedAbsences.day, day), eq(alertedAbsences.shift, access.shift)));
  const byId = new Map(back.map((s) => [s.studentId, s]));
  const messages: OutgoingMessage[] = [];
  for (const a of alerted) {
    const s = byId.get(a.studentId)!;
    if (a.telegramUserId === null || a.correctedTo === s.mark.status) continue;
    messages.push({
      dedupeKey: `correct:${a.guardianId}:${a.studentId}:${day}:${access.shift}:${s.mark.status}:${s.mark.arrivedAt ?? ''}`,
      schoolId: access.schoolId,
      capability: CAPABILITY,
      entity: 'absence_alert',
      entityId: a.alertId,
      studentId: a.studentId,
      chatId: a.telegramUserId,
      priority: 3,
      payload: {
        absenceCorrection: s.mark.status as AbsenceCorrectionPayload['absenceCorrection'],
        time: s.mark.arrivedAt ?? null,
        child: { km: s.nameKm, en: s.nameEn },
        class: access.className,
        day,
        locale: a.locale,
      } satisfies AbsenceCorrectionPayload,
    });
    await tx
      .update(alertedAbsences)
      .set({ correctedTo: s.mark.status })
      .where(and(eq(alertedAbsences.guardianId, a.guardianId), eq(alertedAbsences.studentId, a.studentId), eq(alertedAbsences.day, day), eq(alertedAbsences.shift, access.shift)));
  }
  return messages;
}

/**
 * A child already submitted as absent is scanned at the gate: the row becomes what the scan says
 * (late with the scan's time after the school's late time, present before it), and families told
 * of the absence get that one correction (the scan sends them no arrival notice of its own).
 */
export async function markScannedArrival(
  db: Db,
  input: { studentId: number; classId: number; className: string; schoolId: number; day: string; shift: Shift; time: string; late: boolean; who: string },
): Promise<number> {
  const status = input.late ? 'late' : 'present';
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(attendance)
      .set({ status, arrivedAt: input.late ? input.time : null, source: 'scan', markedBy: input.who, updatedAt: sql`now()` })
      .where(and(eq(attendance.studentId, input.studentId), eq(attendance.day, input.day), eq(attendance.shift, input.shift), eq(attendance.status, 'absent')))
      .returning({ studentId: attendance.studentId });
    if (!row) return 0;
    const [student] = await tx.select({ nameKm: students.nameKm, nameEn: students.nameEn }).from(students).where(eq(students.id, input.studentId));
    const mark = input.late ? { status: 'late' as const, arrivedAt: input.time } : { status: 'present' as const };
    const back: SheetStudent = { studentId: input.studentId, roll: 0, nameKm: student!.nameKm, nameEn: student!.nameEn, sex: 'M', mark, response: null };
    const corrections = await correctionMessages(tx, input, input.day, [back]);
    await Promise.all([
      addToOutbox(tx, corrections),
      audit(tx, { actor: input.who, schoolId: input.schoolId, action: 'attendance.correct', entity: 'student', entityId: input.studentId, details: { day: input.day, shift: input.shift, from: 'absent', to: status, via: 'scan' } }),
    ]);
    return corrections.length;
  });
}

// ---------------------------------------------------------------------------------------------
// Guardians' answers

export type AnswerResult =
  | { ok: true; answer: AlertAnswer; studentIds: number[]; schoolId: number; day: string; children: Array<{ nameKm: string; nameEn: string | null }> }
  | { ok: false; reason: 'forbidden' | 'not-found' };

export async function answerAlert(db: Db, telegramUserId: number, alertId: number, answer: AlertAnswer): Promise<AnswerResult> {
  const who = actorOf(telegramUserId);
  return db.transaction(async (tx) => {
    const [alert] = await tx
      .select({ id: absenceAlerts.id, schoolId: absenceAlerts.schoolId, day: absenceAlerts.day, shift: absenceAlerts.shift, studentIds: absenceAlerts.studentIds, owner: guardians.telegramUserId })
      .from(absenceAlerts)
      .innerJoin(guardians, eq(guardians.id, absenceAlerts.guardianId))
      .where(eq(absenceAlerts.id, alertId));
    if (!alert || alert.owner !== telegramUserId) {
      await audit(tx, { actor: who, schoolId: alert?.schoolId ?? null, action: 'alert.answer', entity: 'alert', entityId: alertId, outcome: 'denied', details: { reason: alert ? 'not-theirs' : 'not-found' } });
      return { ok: false, reason: alert ? 'forbidden' : 'not-found' } as const;
    }
    await tx.update(absenceAlerts).set({ response: answer, respondedAt: sql`now()` }).where(eq(absenceAlerts.id, alertId));
    if (answer === 'sick') {
      // The family knew: the absence is excused (sick), unless the school has changed it since.
      await tx
        .update(attendance)
        .set({ status: 'excused', excuseReason: 'sick', source: 'guardian', markedBy: who, updatedAt: sql`now()` })
        .where(and(inArray(attendance.studentId, alert.studentIds), eq(attendance.day, alert.day), eq(attendance.shift, alert.shift), eq(attendance.status, 'absent')));
    }
    await audit(tx, { actor: who, schoolId: alert.schoolId, action: 'alert.answer', entity: 'alert', entityId: alertId, details: { answer, students: alert.studentIds } });
    // The answered message keeps saying which child and which day it was about.
    const children = await tx.select({ nameKm: students.nameKm, nameEn: students.nameEn }).from(students).where(inArray(students.id, alert.studentIds)).orderBy(students.rollNo);
    return { ok: true, answer, studentIds: alert.studentIds, schoolId: alert.schoolId, day: alert.day, children } as const;
  });
}

/** An answer button whose data we never made (forged, or an id out of range): refused, audited. */
export async function refuseAnswer(db: Db, telegramUserId: number): Promise<AnswerResult> {
  await audit(db, { actor: actorOf(telegramUserId), action: 'alert.answer', entity: 'alert', outcome: 'denied', details: { reason: 'malformed' } });
  return { ok: false, reason: 'not-found' };
}
