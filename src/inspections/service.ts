/**
 * Inspections: who may inspect which school, saving one (its failing items become tasks for the
 * office, each with the photo, a due date and a button to close it with a photo of the fix), and
 * closing a task. Each step writes the change, its audit row (ids only) and its messages in one
 * transaction; a refused step changes nothing and is audited.
 */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { classes, schools, type Locale } from '../core/db/schema.js';
import { currentYearOf } from '../core/db/years.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { addDays, schoolClock } from '../core/clock.js';
import { displayName, formatDay, formatNumber, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { schoolRecipients } from '../teaching/leave-flow.js';
import { taskClose } from './buttons.js';
import { checklistFor } from './checklist.js';
import { inspections, inspectionTasks, type ChecklistItem } from './schema.js';

/** Days the office has to fix a failing item. */
export const TASK_DAYS = 7;

export type InspectorKind = 'principal' | 'teacher' | 'province';
export type InspectRefusal = 'forbidden' | 'no-school' | 'outside-province' | 'need-school';

export interface InspectionSetup {
  schoolId: number;
  schoolKm: string;
  schoolEn: string;
  kind: InspectorKind;
  today: string;
  checklist: ChecklistItem[];
  classes: Array<{ id: number; name: string }>;
}

/**
 * Where and as what the actor may inspect: the principal or a teacher at their school; a
 * provincial official at a school of their province, named by its code (national: any school).
 */
export async function inspectionSetup(db: Db, actor: Actor, schoolCode: string, now: Date): Promise<{ ok: true; setup: InspectionSetup } | { ok: false; reason: InspectRefusal }> {
  const who = actorOf(actor.telegramUserId);
  const refuse = async (reason: InspectRefusal, schoolId?: number) => {
    await audit(db, { actor: who, schoolId: schoolId ?? null, action: 'inspections.start', entity: 'school', entityId: schoolId, outcome: 'denied', details: { reason } });
    return { ok: false as const, reason };
  };
  const code = schoolCode.trim().toUpperCase();
  let school: { id: number; nameKm: string; nameEn: string; provinceId: number; timezone: string } | undefined;
  let kind: InspectorKind | undefined;
  if (code) {
    [school] = await db.select({ id: schools.id, nameKm: schools.nameKm, nameEn: schools.nameEn, provinceId: schools.provinceId, timezone: schools.timezone }).from(schools).where(eq(schools.code, code));
    if (!school) return refuse('no-school');
  }
  const member = actor.staff.find((m) => (!school || m.schoolId === school.id) && (m.roles.includes('principal') || m.roles.includes('teacher')));
  if (member) {
    kind = member.roles.includes('principal') ? 'principal' : 'teacher';
    if (!school) [school] = await db.select({ id: schools.id, nameKm: schools.nameKm, nameEn: schools.nameEn, provinceId: schools.provinceId, timezone: schools.timezone }).from(schools).where(eq(schools.id, member.schoolId));
  } else if (actor.officeProvinces.length > 0) {
    if (!school) return refuse('need-school');
    if (!actor.officeProvinces.includes(null) && !actor.officeProvinces.includes(school.provinceId)) return refuse('outside-province', school.id);
    kind = 'province';
  } else return refuse('forbidden', school?.id);
  const s = school!;
  const list = await db
    .select({ id: classes.id, name: classes.name })
    .from(classes)
    .innerJoin(...currentYearOf(classes))
    .where(eq(classes.schoolId, s.id))
    .orderBy(classes.grade, classes.section);
  return { ok: true, setup: { schoolId: s.id, schoolKm: s.nameKm, schoolEn: s.nameEn, kind, today: schoolClock(s.timezone, now).day, checklist: [...(await checklistFor(db, s.id))], classes: list } };
}

export interface InspectionInput {
  schoolCode: string;
  classId: number | null;
  /** item code → passed */
  results: Record<string, boolean>;
  /** item code → photo file id, for every failing item */
  photos: Record<string, string>;
}

export type SaveRefusal = InspectRefusal | 'bad-class' | 'bad-items' | 'photo-missing';

export function taskText(task: { id: number; labelKm: string; labelEn: string; dueOn: string }, where: string, locale: Locale, t: Notifier['t']): string {
  return t(locale, 'inspections-task', { id: formatNumber(locale, task.id), item: displayName(locale, { nameKm: task.labelKm, nameEn: task.labelEn }), where, due: formatDay(locale, task.dueOn) });
}

export async function saveInspection(
  db: Db,
  actor: Actor,
  input: InspectionInput,
  notifier: Notifier,
  now: Date,
): Promise<{ ok: true; inspectionId: number; score: number; maxScore: number; tasks: number } | { ok: false; reason: SaveRefusal }> {
  const who = actorOf(actor.telegramUserId);
  const r = await inspectionSetup(db, actor, input.schoolCode, now);
  if (!r.ok) return r;
  const { setup } = r;
  const refuse = async (reason: SaveRefusal) => {
    await audit(db, { actor: who, schoolId: setup.schoolId, action: 'inspections.save', entity: 'school', entityId: setup.schoolId, outcome: 'denied', details: { reason } });
    return { ok: false as const, reason };
  };
  const room = input.classId === null ? null : setup.classes.find((c) => c.id === input.classId);
  if (room === undefined) return refuse('bad-class');
  const codes = setup.checklist.map((i) => i.code);
  if (Object.keys(input.results).length !== codes.length || !codes.every((c) => typeof input.results[c] === 'boolean')) return refuse('bad-items');
  const failing = setup.checklist.filter((i) => !input.results[i.code]);
  if (failing.some((i) => !input.photos[i.code])) return refuse('photo-missing');
  const maxScore = setup.checklist.reduce((a, i) => a + i.points, 0);
  const score = setup.checklist.reduce((a, i) => a + (input.results[i.code] ? i.points : 0), 0);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(inspections)
      .values({ schoolId: setup.schoolId, classId: room?.id ?? null, day: setup.today, inspector: who, inspectorKind: setup.kind, results: input.results, score, maxScore })
      .returning({ id: inspections.id });
    const inspectionId = row!.id;
    const due = addDays(setup.today, TASK_DAYS);
    const tasks = failing.length
      ? await tx
          .insert(inspectionTasks)
          .values(failing.map((i) => ({ schoolId: setup.schoolId, inspectionId, itemCode: i.code, labelKm: i.labelKm, labelEn: i.labelEn, photoFileId: input.photos[i.code]!, dueOn: due })))
          .returning({ id: inspectionTasks.id, labelKm: inspectionTasks.labelKm, labelEn: inspectionTasks.labelEn, dueOn: inspectionTasks.dueOn, photoFileId: inspectionTasks.photoFileId })
      : [];
    const office = await schoolRecipients(tx, setup.schoolId, ['principal', 'operator']);
    const messages: OutgoingMessage[] = [];
    for (const p of office) {
      const locale = p.locale ?? notifier.defaultLocale;
      const where = room ? notifier.t(locale, 'inspections-room', { name: room.name }) : notifier.t(locale, 'inspections-whole-school');
      for (const task of tasks) {
        messages.push({
          dedupeKey: `inspections:task:${task.id}:new:${p.staffId}`,
          schoolId: setup.schoolId,
          capability: 'inspections',
          entity: 'task',
          entityId: task.id,
          chatId: p.chatId,
          method: 'sendPhoto',
          payload: { photo: task.photoFileId, caption: taskText(task, where, locale, notifier.t), reply_markup: { inline_keyboard: [[{ text: notifier.t(locale, 'inspections-btn-close'), callback_data: taskClose.pack({ task: task.id }) }]] } },
        });
      }
    }
    await addToOutbox(tx, messages);
    await audit(tx, { actor: who, schoolId: setup.schoolId, action: 'inspections.save', entity: 'inspection', entityId: inspectionId, details: { kind: setup.kind, classId: room?.id ?? null, score, maxScore, tasks: tasks.length } });
    return { ok: true as const, inspectionId, score, maxScore, tasks: tasks.length };
  });
}

export interface TaskRecord {
  id: number;
  schoolId: number;
  labelKm: string;
  labelEn: string;
  dueOn: string;
  status: string;
}

async function taskById(ex: Executor, id: number): Promise<TaskRecord | undefined> {
  const [t] = await ex
    .select({ id: inspectionTasks.id, schoolId: inspectionTasks.schoolId, labelKm: inspectionTasks.labelKm, labelEn: inspectionTasks.labelEn, dueOn: inspectionTasks.dueOn, status: inspectionTasks.status })
    .from(inspectionTasks)
    .where(eq(inspectionTasks.id, id));
  return t;
}

/** Whether the actor may close the task (the office of its school); audited when not. */
export async function mayCloseTask(db: Db, actor: Actor, taskId: number): Promise<{ ok: true; task: TaskRecord } | { ok: false; reason: 'forbidden' | 'not-found' | 'closed' }> {
  const task = await taskById(db, taskId);
  if (!task) return { ok: false, reason: 'not-found' };
  if (!actor.staff.some((m) => m.schoolId === task.schoolId && (m.roles.includes('principal') || m.roles.includes('operator')))) {
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: task.schoolId, action: 'inspections.task.close', entity: 'task', entityId: taskId, outcome: 'denied', details: { reason: 'forbidden' } });
    return { ok: false, reason: 'forbidden' };
  }
  if (task.status !== 'open') return { ok: false, reason: 'closed' };
  return { ok: true, task };
}

export async function closeTask(db: Db, actor: Actor, taskId: number, photoFileId: string): Promise<{ ok: true; task: TaskRecord } | { ok: false; reason: 'forbidden' | 'not-found' | 'closed' }> {
  const may = await mayCloseTask(db, actor, taskId);
  if (!may.ok) return may;
  const who = actorOf(actor.telegramUserId);
  return db.transaction(async (tx) => {
    const done = await tx
      .update(inspectionTasks)
      .set({ status: 'closed', closedPhotoFileId: photoFileId, closedBy: who, closedAt: sql`now()` })
      .where(and(eq(inspectionTasks.id, taskId), eq(inspectionTasks.status, 'open')))
      .returning({ id: inspectionTasks.id });
    if (done.length === 0) return { ok: false as const, reason: 'closed' as const };
    await audit(tx, { actor: who, schoolId: may.task.schoolId, action: 'inspections.task.close', entity: 'task', entityId: taskId });
    return { ok: true as const, task: { ...may.task, status: 'closed' } };
  });
}

/** Each office member's daily reminder of the open tasks (one message a day per person). */
export async function remindTasks(db: Db, schoolId: number, now: Date, notifier: Notifier): Promise<{ sent: number }> {
  const [school] = await db.select({ timezone: schools.timezone }).from(schools).where(eq(schools.id, schoolId));
  if (!school) return { sent: 0 };
  const today = schoolClock(school.timezone, now).day;
  const open = await db
    .select({ id: inspectionTasks.id, labelKm: inspectionTasks.labelKm, labelEn: inspectionTasks.labelEn, dueOn: inspectionTasks.dueOn })
    .from(inspectionTasks)
    .where(and(eq(inspectionTasks.schoolId, schoolId), eq(inspectionTasks.status, 'open')))
    .orderBy(inspectionTasks.dueOn, inspectionTasks.id);
  if (open.length === 0) return { sent: 0 };
  const messages = (await schoolRecipients(db, schoolId, ['principal', 'operator'])).map((p): OutgoingMessage => {
    const locale = p.locale ?? notifier.defaultLocale;
    const lines = open.slice(0, 30).map((task) => `• ${taskText(task, '', locale, notifier.t)}${task.dueOn < today ? ` — ${notifier.t(locale, 'inspections-overdue')}` : ''}`);
    return {
      dedupeKey: `inspections:remind:${schoolId}:${today}:${p.staffId}`,
      schoolId,
      capability: 'inspections',
      entity: 'school',
      entityId: schoolId,
      chatId: p.chatId,
      payload: {
        text: [notifier.t(locale, 'inspections-remind', { count: formatNumber(locale, open.length) }), ...lines].join('\n').slice(0, 4000),
        reply_markup: { inline_keyboard: open.slice(0, 10).map((task) => [{ text: notifier.t(locale, 'inspections-btn-close-of', { id: formatNumber(locale, task.id) }), callback_data: taskClose.pack({ task: task.id }) }]) },
      },
    };
  });
  return { sent: (await addToOutbox(db, messages)).length };
}

export interface SchoolOverview {
  open: TaskRecord[];
  ranking: Array<{ classId: number; name: string; share: number; inspections: number }>;
  byMonth: Array<{ month: string; share: number; inspections: number }>;
}

/** Open tasks, this month's class ranking (share of points), and the school's monthly scores. */
export async function schoolOverview(db: Db, schoolId: number, today: string): Promise<SchoolOverview> {
  const open = await db
    .select({ id: inspectionTasks.id, schoolId: inspectionTasks.schoolId, labelKm: inspectionTasks.labelKm, labelEn: inspectionTasks.labelEn, dueOn: inspectionTasks.dueOn, status: inspectionTasks.status })
    .from(inspectionTasks)
    .where(and(eq(inspectionTasks.schoolId, schoolId), eq(inspectionTasks.status, 'open')))
    .orderBy(inspectionTasks.dueOn);
  const month = today.slice(0, 7);
  const ranking = rowsOf<{ class_id: number; name: string; share: string; n: number }>(
    await db.execute(sql`
      select i.class_id, c.name, sum(i.score)::float / nullif(sum(i.max_score), 0) as share, count(*)::int as n
        from inspections i join classes c on c.id = i.class_id
       where i.school_id = ${schoolId} and i.class_id is not null and to_char(i.day, 'YYYY-MM') = ${month}
       group by i.class_id, c.name order by share desc, c.name`),
  ).map((r) => ({ classId: Number(r.class_id), name: r.name, share: Number(r.share), inspections: Number(r.n) }));
  const byMonth = rowsOf<{ month: string; share: string; n: number }>(
    await db.execute(sql`
      select to_char(day, 'YYYY-MM') as month, sum(score)::float / nullif(sum(max_score), 0) as share, count(*)::int as n
        from inspections where school_id = ${schoolId} and day > ${addDays(today, -365)}::date
       group by 1 order by 1`),
  ).map((r) => ({ month: r.month, share: Number(r.share), inspections: Number(r.n) }));
  return { open, ranking, byMonth };
}

export interface ProvinceRow {
  schoolId: number;
  code: string;
  nameKm: string;
  nameEn: string;
  share: number | null;
  lastDay: string | null;
  openTasks: number;
  overdue: number;
  needsVisit: boolean;
}

/** Share of points per school over the last 90 days; a school needs a visit when it is under
 * 70 %, has not been inspected for 60 days, or has overdue tasks. */
export async function provinceScores(db: Db, provinceId: number | null, today: string): Promise<ProvinceRow[]> {
  const rows = rowsOf<{ id: number; code: string; name_km: string; name_en: string; share: string | null; last_day: string | null; open: number; overdue: number }>(
    await db.execute(sql`
      select s.id, s.code, s.name_km, s.name_en,
             (select sum(score)::float / nullif(sum(max_score), 0) from inspections i where i.school_id = s.id and i.day > ${addDays(today, -90)}::date) as share,
             (select max(day)::text from inspections i where i.school_id = s.id) as last_day,
             (select count(*)::int from inspection_tasks t where t.school_id = s.id and t.status = 'open') as open,
             (select count(*)::int from inspection_tasks t where t.school_id = s.id and t.status = 'open' and t.due_on < ${today}::date) as overdue
        from schools s where (${provinceId}::int is null or s.province_id = ${provinceId}::int) order by s.code`),
  );
  const stale = addDays(today, -60);
  return rows.map((r) => {
    const share = r.share === null ? null : Number(r.share);
    return {
      schoolId: Number(r.id),
      code: r.code,
      nameKm: r.name_km,
      nameEn: r.name_en,
      share,
      lastDay: r.last_day,
      openTasks: Number(r.open),
      overdue: Number(r.overdue),
      needsVisit: share === null || share < 0.7 || !r.last_day || r.last_day < stale || Number(r.overdue) > 0,
    };
  });
}
