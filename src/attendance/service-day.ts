/**
 * The office's view of a day: which classes submitted (with counts, families' answers and
 * families the bot cannot reach), reminders to teachers of classes not yet submitted, and
 * substitutes for a day.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import { classes, staff, telegramAccounts, type Shift } from '../core/db/schema.js';
import { currentYearJoin, currentYearOf } from '../core/db/years.js';
import { officeMembership, type Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { formatDay, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { sheetOpen } from './buttons.js';
import { classSubmissions, classSubstitutes } from './schema.js';
import { isSchoolDay } from './service-calendar.js';
import { shiftName } from './alert-texts.js';

export interface ClassDay {
  classId: number;
  className: string;
  shift: Shift;
  students: number;
  teacherName: string | null;
  teacherLinked: boolean;
  submittedAt: Date | null;
  via: string | null;
  counts: Record<string, number> | null;
  answers: number;
  /** linked guardians of this class whose Telegram answered 403 (blocked the bot) */
  unreachable: number;
}

export async function dayOverview(db: Db, schoolId: number, day: string): Promise<ClassDay[]> {
  const rows = await db.execute(sql`
    select c.id as "classId", c.name as "className", c.shift,
           (select count(*)::int from students s where s.class_id = c.id and s.active) as students,
           t.name_km as "teacherName", (t.telegram_user_id is not null) as "teacherLinked",
           cs.submitted_at as "submittedAt", cs.via, cs.counts,
           (select count(*)::int from absence_alerts a
             where a.school_id = c.school_id and a.day = ${day} and a.shift = c.shift and a.response is not null
               and a.student_ids && array(select s.id from students s where s.class_id = c.id)) as answers,
           (select count(distinct g.id)::int from students s
              join student_guardians sg on sg.student_id = s.id
              join guardians g on g.id = sg.guardian_id
              join telegram_accounts ta on ta.telegram_user_id = g.telegram_user_id
             where s.class_id = c.id and s.active and ta.unreachable_at is not null) as unreachable
      from classes c
      ${currentYearJoin('c')}
      left join staff t on t.id = c.homeroom_staff_id
      left join class_submissions cs on cs.class_id = c.id and cs.day = ${day} and cs.shift = c.shift
     where c.school_id = ${schoolId}
     order by c.shift, c.grade, c.section`);
  const list = rowsOf<ClassDay>(rows);
  return list.map((r) => ({ ...r, submittedAt: r.submittedAt ? new Date(r.submittedAt) : null }));
}

/**
 * Reminds the teachers (homeroom and today's substitutes) of classes not yet submitted. Never
 * reminds a class that has submitted. `slot` makes the reminder idempotent: the scheduled one
 * once per shift, a manual one at most once per class per hour.
 */
export async function remindMissing(
  db: Db,
  input: { schoolId: number; day: string; shift?: Shift; slot: string; actor: string },
  notifier: Notifier,
): Promise<{ classes: number; messages: number; unreachable: Unreachable[] }> {
  if (!(await isSchoolDay(db, input.schoolId, input.day))) return { classes: 0, messages: 0, unreachable: [] };
  return db.transaction(async (tx) => {
    const missing = await tx
      .select({ classId: classes.id, className: classes.name, shift: classes.shift, homeroom: classes.homeroomStaffId })
      .from(classes)
      .innerJoin(...currentYearOf(classes))
      .leftJoin(classSubmissions, and(eq(classSubmissions.classId, classes.id), eq(classSubmissions.day, input.day), eq(classSubmissions.shift, classes.shift)))
      .where(and(eq(classes.schoolId, input.schoolId), isNull(classSubmissions.id), input.shift ? eq(classes.shift, input.shift) : undefined));
    if (missing.length === 0) return { classes: 0, messages: 0, unreachable: [] };
    const subs = await tx
      .select({ classId: classSubstitutes.classId, staffId: classSubstitutes.staffId })
      .from(classSubstitutes)
      .where(and(eq(classSubstitutes.day, input.day), inArray(classSubstitutes.classId, missing.map((m) => m.classId))));
    const staffIds = new Set<number>([...missing.flatMap((m) => (m.homeroom ? [m.homeroom] : [])), ...subs.map((s) => s.staffId)]);
    const people = staffIds.size
      ? await tx
          .select({ id: staff.id, telegramUserId: staff.telegramUserId, locale: telegramAccounts.locale, nameKm: staff.nameKm, nameEn: staff.nameEn, staffCode: staff.staffCode })
          .from(staff)
          .leftJoin(telegramAccounts, eq(telegramAccounts.telegramUserId, staff.telegramUserId))
          .where(inArray(staff.id, [...staffIds]))
      : [];
    const personById = new Map(people.map((p) => [p.id, p]));
    const messages: OutgoingMessage[] = [];
    // Who could not be reminded, so the office can call them or invite them.
    const unreachable: Unreachable[] = [];
    for (const m of missing) {
      const teachers = [m.homeroom, ...subs.filter((s) => s.classId === m.classId).map((s) => s.staffId)].filter((x): x is number => x !== null);
      if (teachers.length === 0) unreachable.push({ className: m.className, teacher: null });
      for (const id of new Set(teachers)) {
        const p = personById.get(id);
        if (!p?.telegramUserId) {
          if (p) unreachable.push({ className: m.className, teacher: { nameKm: p.nameKm, nameEn: p.nameEn, staffCode: p.staffCode } });
          continue;
        }
        const locale = p.locale ?? notifier.defaultLocale;
        messages.push({
          dedupeKey: `remind:${m.classId}:${input.day}:${m.shift}:${id}:${input.slot}`,
          schoolId: input.schoolId,
          capability: 'attendance',
          entity: 'class',
          entityId: m.classId,
          studentId: null,
          chatId: p.telegramUserId,
          priority: 3,
          payload: {
            text: notifier.t(locale, 'attendance-reminder', { class: m.className, shift: shiftName(notifier, locale, m.shift), date: formatDay(locale, input.day) }),
            reply_markup: { inline_keyboard: [[{ text: notifier.t(locale, 'attendance-open'), callback_data: sheetOpen.pack({ classId: m.classId, day: input.day }) }]] },
          },
        });
      }
    }
    const inserted = await addToOutbox(tx, messages);
    await audit(tx, { actor: input.actor, schoolId: input.schoolId, action: 'attendance.remind', details: { day: input.day, shift: input.shift ?? 'all', classes: missing.length, messages: inserted.length, slot: input.slot } });
    return { classes: missing.length, messages: inserted.length, unreachable };
  });
}

/** A class not yet submitted whose teacher cannot be reminded: not on Telegram, or no teacher at all. */
export interface Unreachable {
  className: string;
  teacher: { nameKm: string; nameEn: string | null; staffCode: string } | null;
}

/** Gives a class to a substitute teacher for one day. */
export async function assignSubstitute(
  db: Db,
  actor: Actor,
  input: { className: string; staffCode: string; day: string },
): Promise<{ ok: true; className: string; staffName: string } | { ok: false; reason: 'forbidden' | 'unknown-class' | 'unknown-staff' }> {
  const who = actorOf(actor.telegramUserId);
  const schoolIds = [...new Set(actor.staff.map((m) => m.schoolId))].filter((schoolId) => officeMembership(actor, schoolId));
  if (schoolIds.length === 0) {
    await audit(db, { actor: who, action: 'attendance.substitute', outcome: 'denied', details: { reason: 'forbidden' } });
    return { ok: false, reason: 'forbidden' };
  }
  const [cls] = await db
    .select({ id: classes.id, name: classes.name, schoolId: classes.schoolId })
    .from(classes)
    .innerJoin(...currentYearOf(classes))
    .where(and(inArray(classes.schoolId, schoolIds), eq(classes.name, input.className.toUpperCase())));
  if (!cls) return { ok: false, reason: 'unknown-class' };
  const [person] = await db
    .select({ id: staff.id, name: staff.nameKm })
    .from(staff)
    .where(and(eq(staff.schoolId, cls.schoolId), eq(staff.staffCode, input.staffCode), eq(staff.active, true)));
  if (!person) return { ok: false, reason: 'unknown-staff' };
  await db
    .insert(classSubstitutes)
    .values({ classId: cls.id, day: input.day, staffId: person.id, schoolId: cls.schoolId, assignedBy: who })
    .onConflictDoNothing();
  await audit(db, { actor: who, schoolId: cls.schoolId, action: 'attendance.substitute', entity: 'class', entityId: cls.id, details: { day: input.day, staffId: person.id } });
  return { ok: true, className: cls.name, staffName: person.name };
}

