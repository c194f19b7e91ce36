/**
 * Submitting a class's list: attendance rows + submission + family alerts through the outbox, in
 * one transaction; corrections for families told of an absence that is no longer one (also when a
 * child is scanned at the gate after the list went in); families' answers to an alert.
 */
import { and, eq, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { rowsOf, type Db, type Tx } from '../core/db/client.js';
import { pgArrayLiteral, withParts, writeTogether } from '../core/db/batch.js';
import { guardians, students, telegramAccounts, type Locale, type Shift } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit, auditInsert, type AuditEntry } from '../core/auth/audit.js';
import { displayName, formatDay, formatTime, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, outboxInsert, type OutgoingMessage } from '../core/queue/outbox.js';
import { eventInsert } from '../webhooks/events.js';
import { alertAnswer, type AlertAnswer } from './buttons.js';
import { absenceAlerts, alertedAbsences, attendance, attendanceDrafts, classSubmissions } from './schema.js';
import { getSettings } from './service-calendar.js';
import { countMarks, readSheet, sheetColumns, sheetFromRow, sheetStamp, type ClassAccess, type SheetStudent } from './service-sheet.js';

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
 * Writes the sheet as the day's attendance. Serialized per class by the submission row's lock,
 * so a teacher and an operator submitting at once cannot both alert a family. Alerts go only to
 * families of children newly absent (not excused, not already alerted, not the person who took
 * the roll); families of a child alerted earlier and now present or late get a correction.
 */
export async function submitSheet(
  db: Db,
  access: ClassAccess,
  day: string,
  actor: Actor,
  notifier: Notifier,
  opts: { who?: string; today?: string; stamp?: number } = {},
): Promise<SubmitResult> {
  const who = opts.who ?? actorOf(actor.telegramUserId);
  // A list for an earlier day (the office catching up) is a record, not an alarm: families get a
  // plain notice of that day's absence, with no "coming late" to answer days later.
  const pastDay = opts.today !== undefined && day < opts.today;
  return db.transaction(async (tx) => {
    // The submission row is written first: its row lock is what serializes the submits of one
    // class (teacher and operator racing, a retried update) — the second waits in this statement.
    // The sheet is read in the same statement, from the snapshot taken as it began; when another
    // submit committed while this one waited (the version written is not the one after the
    // version read), the sheet is read again, and then sees what that submit saved.
    // Its counts are written with the messages, at the end, once the sheet is known.
    const submission = tx
      .insert(classSubmissions)
      .values({ schoolId: access.schoolId, classId: access.classId, day, shift: access.shift, via: access.via, submittedBy: who, submittedByStaffId: access.staffId, counts: {} })
      .onConflictDoUpdate({
        target: [classSubmissions.classId, classSubmissions.day, classSubmissions.shift],
        set: { via: access.via, submittedBy: who, submittedByStaffId: access.staffId, submittedAt: sql`now()`, version: sql`${classSubmissions.version} + 1` },
      })
      .returning({ version: classSubmissions.version });
    const [first] = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`with submitted as (${submission.getSQL()}) select (select version from submitted) as "writtenVersion", ${sheetColumns(access, day)}`),
    );
    const version = Number(first!.writtenVersion);
    let { sheet, saved: before } = sheetFromRow(access, day, first!);
    const raced = (sheet.submission?.version ?? 0) + 1 !== version;
    // The list the teacher confirmed is no longer this one (a tap, an answer or a submit since):
    // nothing is written (the transaction rolls back) and the bot shows the list as it is now.
    if (opts.stamp !== undefined && (raced || sheetStamp(sheet) !== opts.stamp)) throw new StaleSheetError();
    if (raced) ({ sheet, saved: before } = await readSheet(tx, access, day));
    const counts = countMarks(sheet);
    const changed = sheet.students.filter((s) => {
      const b = before.get(s.studentId);
      return !b || b.status !== s.mark.status || (b.arrivedAt ?? undefined) !== s.mark.arrivedAt || (b.reason ?? undefined) !== s.mark.reason || (b.note ?? undefined) !== s.mark.note;
    });
    const newlyAbsent = changed.filter((s) => s.mark.status === 'absent' && before.get(s.studentId)?.status !== 'absent');
    const noLongerAbsent = changed.filter((s) => s.mark.status !== 'absent' && before.get(s.studentId)?.status === 'absent');

    // The class's writes (attendance rows, the draft cleared) and the family alerts (who to tell,
    // and the claim of each guardian-child pair) as ONE statement while the class's lock is held.
    // A past day: the school's choice of a plain notice of that day (the default) or none.
    const classWrites = [
      tx.delete(attendanceDrafts).where(and(eq(attendanceDrafts.classId, access.classId), eq(attendanceDrafts.day, day), eq(attendanceDrafts.shift, access.shift))),
      changed.length > 0 && attendanceUpsert(access, day, changed, who),
    ];
    const alerting = newlyAbsent.length > 0 && (!pastDay || (await getSettings(tx, access.schoolId)).pastDayNotice === 'plain');
    let alerts: OutgoingMessage[] = [];
    if (alerting) alerts = await absenceAlertMessages(tx, access, day, newlyAbsent, actor, notifier, pastDay, classWrites);
    else await writeTogether(tx, classWrites);

    const corrections = await correctionMessages(tx, access, day, noLongerAbsent, notifier);

    const entries: AuditEntry[] = [
      { actor: who, schoolId: access.schoolId, action: 'attendance.submit', entity: 'class', entityId: access.classId, details: { day, shift: access.shift, via: access.via, version, counts } },
    ];
    if (version > 1) {
      for (const s of changed) {
        entries.push({ actor: who, schoolId: access.schoolId, action: 'attendance.correct', entity: 'student', entityId: s.studentId, details: { day, shift: access.shift, from: before.get(s.studentId)?.status ?? null, to: s.mark.status, via: access.via } });
      }
    }
    // The messages, the audit rows and the webhook events: one statement.
    const event = { schoolId: access.schoolId, data: { classId: access.classId, class: access.className, day, shift: access.shift, version } };
    await writeTogether(tx, [
      tx
        .update(classSubmissions)
        .set({ counts })
        .where(and(eq(classSubmissions.classId, access.classId), eq(classSubmissions.day, day), eq(classSubmissions.shift, access.shift))),
      outboxInsert(tx, [...alerts, ...corrections]),
      auditInsert(tx, entries),
      eventInsert({ ...event, event: 'attendance.submitted', key: `attendance.submitted:${access.classId}:${day}:${access.shift}:${version}` }),
      // a school adopts the system with its first list ever
      version === 1 &&
        eventInsert({ event: 'school.adopted', schoolId: access.schoolId, key: `school.adopted:${access.schoolId}`, data: { day }, onlyIf: sql`not exists (select 1 from class_submissions x where x.school_id = s.id and not (x.class_id = ${access.classId} and x.day = ${day}::date and x.shift = ${access.shift}::shift))` }),
    ]);
    return { version, counts, changed: changed.length, alertsQueued: alerts.length, correctionsQueued: corrections.length };
  });
}

/**
 * A class's rows in one statement with a fixed text and one array per column (unnest), instead
 * of a 40-row VALUES list with 480 parameters that the server parses and plans every time.
 */
function attendanceUpsert(access: ClassAccess, day: string, rows: SheetStudent[], who: string): SQL {
  return sql`
    insert into attendance (student_id, day, shift, school_id, class_id, status, arrived_at, excuse_reason, excuse_note, source, marked_by)
    select u.student_id, ${day}::date, ${access.shift}::shift, ${access.schoolId}::int, ${access.classId}::int,
           u.status::attendance_status, u.arrived_at, u.excuse_reason::excuse_reason, u.excuse_note, ${access.via}, ${who}
      from unnest(${pgArrayLiteral(rows.map((r) => r.studentId))}::bigint[], ${pgArrayLiteral(rows.map((r) => r.mark.status))}::text[],
                  ${pgArrayLiteral(rows.map((r) => r.mark.arrivedAt ?? null))}::text[], ${pgArrayLiteral(rows.map((r) => r.mark.reason ?? null))}::text[],
                  ${pgArrayLiteral(rows.map((r) => r.mark.note ?? null))}::text[])
           as u(student_id, status, arrived_at, excuse_reason, excuse_note)
    on conflict (student_id, day, shift) do update set
      status = excluded.status, arrived_at = excluded.arrived_at, excuse_reason = excluded.excuse_reason,
      excuse_note = excluded.excuse_note, source = excluded.source, marked_by = excluded.marked_by,
      class_id = excluded.class_id, updated_at = now()`;
}

/** The list confirmed is not the list as it is now: nothing was submitted. */
export class StaleSheetError extends Error {
  constructor() {
    super('the list changed since it was shown');
  }
}

export function shiftName(notifier: Notifier, locale: Locale, shift: Shift) {
  return notifier.t(locale, `core-shift-${shift}`);
}

/** A child as a family reads them: in English the Latin spelling with the Khmer one after it. */
function childName(locale: Locale, s: { nameKm: string; nameEn: string | null }) {
  const shown = displayName(locale, s);
  return shown === s.nameKm ? shown : `${shown} (${s.nameKm})`;
}

/**
 * The alert messages for newly absent children: their families on Telegram (never the person who
 * took the roll about their own child), one alert row per guardian and the claim of each
 * (guardian, child) pair, all in one statement. Only pairs this transaction claims are announced,
 * so no family hears of an absence twice.
 */
async function absenceAlertMessages(
  tx: Tx,
  access: ClassAccess,
  day: string,
  absent: SheetStudent[],
  actor: Actor,
  notifier: Notifier,
  pastDay: boolean,
  /** other writes of the transaction that go in the same statement (data-modifying WITH parts) */
  alongside: ReadonlyArray<SQLWrapper | null | undefined | false> = [],
): Promise<OutgoingMessage[]> {
  if (absent.length === 0) return [];
  const writes = withParts(alongside);
  const result = await tx.execute(sql`
    with ${writes ? sql`${writes}, ` : sql``}t as (
      select sg.guardian_id, sg.student_id, g.telegram_user_id, ta.locale
        from student_guardians sg
        join guardians g on g.id = sg.guardian_id
        left join telegram_accounts ta on ta.telegram_user_id = g.telegram_user_id
       where sg.student_id = any(${pgArrayLiteral(absent.map((s) => s.studentId))}::bigint[])
         and g.telegram_user_id is not null and g.telegram_user_id <> ${actor.telegramUserId}::bigint),
    a as (
      insert into absence_alerts (school_id, guardian_id, day, shift, student_ids)
      select ${access.schoolId}::int, guardian_id, ${day}::date, ${access.shift}::shift, array_agg(student_id) from t group by guardian_id
      returning id, guardian_id),
    c as (
      insert into alerted_absences (guardian_id, student_id, day, shift, alert_id)
      select t.guardian_id, t.student_id, ${day}::date, ${access.shift}::shift, a.id from t join a using (guardian_id)
      on conflict do nothing
      returning guardian_id, student_id)
    select a.id, a.guardian_id as "guardianId",
           (select t.telegram_user_id from t where t.guardian_id = a.guardian_id limit 1) as "telegramUserId",
           (select t.locale from t where t.guardian_id = a.guardian_id limit 1) as locale,
           (select count(*) from t where t.guardian_id = a.guardian_id)::int as targets,
           coalesce((select json_agg(c.student_id) from c where c.guardian_id = a.guardian_id), '[]'::json) as claimed
      from a`);
  const rowsOut = rowsOf<{ id: number | string; guardianId: number | string; telegramUserId: number | string; locale: Locale | null; targets: number; claimed: unknown }>(result);
  const alerts = rowsOut.map((r) => ({ id: Number(r.id), guardianId: Number(r.guardianId), telegramUserId: Number(r.telegramUserId), locale: r.locale, targets: Number(r.targets) }));
  const claimedBy = new Map<number, number[]>();
  for (const r of rowsOut) {
    const ids = (typeof r.claimed === 'string' ? JSON.parse(r.claimed) : r.claimed) as Array<number | string>;
    if (ids.length > 0) claimedBy.set(Number(r.guardianId), ids.map(Number));
  }

  const unclaimed = alerts.filter((a) => !claimedBy.has(a.guardianId)).map((a) => a.id);
  if (unclaimed.length > 0) await tx.delete(absenceAlerts).where(inArray(absenceAlerts.id, unclaimed));
  for (const a of alerts) {
    const kids = claimedBy.get(a.guardianId);
    if (kids && kids.length !== a.targets) {
      await tx.update(absenceAlerts).set({ studentIds: kids }).where(eq(absenceAlerts.id, a.id));
    }
  }

  const byId = new Map(absent.map((s) => [s.studentId, s]));
  const messages: OutgoingMessage[] = [];
  for (const a of alerts) {
    const kidIds = claimedBy.get(a.guardianId);
    if (!kidIds) continue;
    const locale = a.locale ?? notifier.defaultLocale;
    const kids = kidIds.map((id) => byId.get(id)!);
    const names = kids.map((k) => childName(locale, k)).join(notifier.t(locale, 'core-list-and'));
    messages.push({
      dedupeKey: `absent:${a.id}`,
      schoolId: access.schoolId,
      capability: CAPABILITY,
      entity: 'absence_alert',
      entityId: a.id,
      // one alert may name several children of one family: then it is about none of them alone
      studentId: kids.length === 1 ? kids[0]!.studentId : null,
      chatId: a.telegramUserId,
      priority: 2,
      payload: pastDay
        ? {
            text: notifier.t(locale, kids.length > 1 ? 'attendance-alert-past-many' : 'attendance-alert-past-one', {
              names,
              class: access.className,
              shift: shiftName(notifier, locale, access.shift),
              date: formatDay(locale, day),
            }),
          }
        : {
            text: notifier.t(locale, kids.length > 1 ? 'attendance-alert-absent-many' : 'attendance-alert-absent-one', {
              names,
              class: access.className,
              shift: shiftName(notifier, locale, access.shift),
              date: formatDay(locale, day),
            }),
            reply_markup: {
              inline_keyboard: [
                [{ text: notifier.t(locale, 'attendance-alert-answer-sick'), callback_data: alertAnswer.pack({ alert: a.id, answer: 'sick' }) }],
                [{ text: notifier.t(locale, 'attendance-alert-answer-late'), callback_data: alertAnswer.pack({ alert: a.id, answer: 'late' }) }],
                [{ text: notifier.t(locale, 'attendance-alert-answer-unaware'), callback_data: alertAnswer.pack({ alert: a.id, answer: 'unaware' }) }],
              ],
            },
          },
    });
  }
  return messages;
}

/** Corrections for families told of an absence that is no longer one. */
async function correctionMessages(tx: Tx, access: ClassAccess, day: string, back: SheetStudent[], notifier: Notifier): Promise<OutgoingMessage[]> {
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
    const locale = a.locale ?? notifier.defaultLocale;
    const key = s.mark.status === 'late' ? 'attendance-alert-correction-late' : s.mark.status === 'excused' ? 'attendance-alert-correction-excused' : 'attendance-alert-correction-present';
    messages.push({
      dedupeKey: `correct:${a.guardianId}:${a.studentId}:${day}:${access.shift}:${s.mark.status}:${s.mark.arrivedAt ?? ''}`,
      schoolId: access.schoolId,
      capability: CAPABILITY,
      entity: 'absence_alert',
      entityId: a.alertId,
      studentId: a.studentId,
      chatId: a.telegramUserId,
      priority: 3,
      payload: { text: notifier.t(locale, key, { name: childName(locale, s), class: access.className, time: formatTime(locale, s.mark.arrivedAt ?? ''), date: formatDay(locale, day) }) },
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
  notifier: Notifier,
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
    const access = { ok: true as const, via: 'scan' as const, staffId: null, classId: input.classId, className: input.className, schoolId: input.schoolId, shift: input.shift, timezone: '' };
    const mark = input.late ? { status: 'late' as const, arrivedAt: input.time } : { status: 'present' as const };
    const back: SheetStudent = { studentId: input.studentId, roll: 0, nameKm: student!.nameKm, nameEn: student!.nameEn, sex: 'M', mark, response: null };
    const corrections = await correctionMessages(tx, access, input.day, [back], notifier);
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
