/**
 * Parents' questions: who may write to whom, asking (new thread or follow-up), answering,
 * reading a thread, lists, quiet hours, per-school rules and escalation to the principal.
 * No grammY: plain inputs, plain results. Every change writes its audit row and its outgoing
 * message (through the outbox) in one transaction; every refusal is audited.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { telegramAccounts, type Locale } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import type { Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { questionMessages, questionSettings, questionThreads, staffQuietHours, type QuestionKind } from './schema.js';
import { checkContent, deliveryTime, type CleanContent, type Content, type ContentProblem, type QuietHours } from './rules.js';
import { answerCopy, childName, formatDuration, formatMoment, questionCopy, plainName, type HistoryThread, type Named } from './render.js';

const json = <T,>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** A Postgres array literal, passed as one text parameter on both drivers. */
function pgIntArray(values: number[]): string {
  return `{${values.map((v) => String(Math.trunc(v))).join(',')}}`;
}

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
// Who a parent may write to

export interface TeacherChoice extends Named {
  staffId: number;
  subject: string;
  homeroom: boolean;
  /** this parent's thread with this teacher about this child, if there is one */
  threadId: number | null;
}

export interface ChildChoice extends Named {
  studentId: number;
  schoolId: number;
  classId: number | null;
  className: string | null;
  /** the actor's guardian record for this child (the first listed, if several) */
  guardianId: number;
  guardianName: string | null;
  teachers: TeacherChoice[];
}

/**
 * The actor's children and, for each, the staff a parent may write to: the class's homeroom
 * teacher and its subject teachers who are active and on Telegram; with the actor's guardian
 * record and any thread they already have with each teacher. One statement (it is on the path of
 * every question).
 */
export async function childrenToAsk(db: Executor, actor: Actor, onlyStudentId?: number): Promise<ChildChoice[]> {
  const ids = onlyStudentId === undefined ? actor.childIds : actor.childIds.filter((id) => id === onlyStudentId);
  if (ids.length === 0) return [];
  const result = await db.execute(sql`
    select s.id as "studentId", s.name_km as "nameKm", s.name_en as "nameEn", s.school_id as "schoolId",
           c.id as "classId", c.name as "className",
           g.id as "guardianId", g.name as "guardianName",
           coalesce((select json_agg(json_build_object('staffId', x.id, 'nameKm', x.name_km, 'nameEn', x.name_en, 'subject', x.subject, 'homeroom', x.homeroom,
                                                       'threadId', (select max(q.id) from question_threads q
                                                                     where q.parent_user_id = ${actor.telegramUserId} and q.student_id = s.id and q.staff_id = x.id))
                                     order by x.homeroom desc, x.subject, x.name_km)
              from (select st.id, st.name_km, st.name_en, true as homeroom,
                           coalesce((select ct.subject from class_teachers ct where ct.class_id = c.id and ct.staff_id = st.id), '') as subject
                      from staff st
                     where st.id = c.homeroom_staff_id and st.active and st.telegram_user_id is not null
                    union all
                    select st.id, st.name_km, st.name_en, false, ct.subject
                      from class_teachers ct join staff st on st.id = ct.staff_id
                     where ct.class_id = c.id and st.active and st.telegram_user_id is not null
                       and st.id is distinct from c.homeroom_staff_id) x), '[]'::json) as teachers
      from students s
      left join classes c on c.id = s.class_id
      join lateral (select g.id, g.name from guardians g join student_guardians sg on sg.guardian_id = g.id
                     where g.telegram_user_id = ${actor.telegramUserId} and sg.student_id = s.id
                     order by sg.priority, g.id limit 1) g on true
     where s.id = any(${pgIntArray(ids)}::bigint[]) and s.active
     order by s.name_km, s.id`);
  return rowsOf<Record<string, unknown>>(result).map((r) => ({
    studentId: Number(r.studentId),
    nameKm: String(r.nameKm),
    nameEn: (r.nameEn as string | null) ?? null,
    schoolId: Number(r.schoolId),
    classId: r.classId === null ? null : Number(r.classId),
    className: (r.className as string | null) ?? null,
    guardianId: Number(r.guardianId),
    guardianName: (r.guardianName as string | null) ?? null,
    teachers: json<TeacherChoice[]>(r.teachers).map((t) => ({ ...t, staffId: Number(t.staffId), threadId: t.threadId === null ? null : Number(t.threadId) })),
  }));
}

export type Refusal = 'not-your-child' | 'not-their-teacher' | 'not-your-thread' | 'not-addressed' | 'not-found' | 'not-allowed';

async function refuse(ex: Executor, actor: Actor, action: string, reason: string, details: Record<string, unknown>, schoolId: number | null = null) {
  await audit(ex, { actor: actorOf(actor.telegramUserId), schoolId, action, entity: 'thread', entityId: (details.threadId as number | undefined) ?? undefined, outcome: 'denied', details: { reason, ...details } });
}

interface Target {
  child: ChildChoice;
  teacher: TeacherChoice;
}

/** May this parent write to this member of staff about this child? Refusals are audited. */
export async function resolveTarget(db: Executor, actor: Actor, studentId: number, staffId: number, action = 'question.ask'): Promise<{ ok: true; target: Target } | { ok: false; reason: Refusal }> {
  const [child] = await childrenToAsk(db, actor, studentId);
  if (!child) {
    await refuse(db, actor, action, 'not-your-child', { studentId, staffId });
    return { ok: false, reason: 'not-your-child' };
  }
  const teacher = child.teachers.find((t) => t.staffId === staffId);
  if (!teacher) {
    await refuse(db, actor, action, 'not-their-teacher', { studentId, staffId }, child.schoolId);
    return { ok: false, reason: 'not-their-teacher' };
  }
  return { ok: true, target: { child, teacher } };
}

/** One of the actor's children, to choose a teacher for; a forged child is refused and audited. */
export async function childForAsking(db: Executor, actor: Actor, studentId: number): Promise<{ ok: true; child: ChildChoice } | { ok: false; reason: Refusal }> {
  const [child] = await childrenToAsk(db, actor, studentId);
  if (!child) {
    await refuse(db, actor, 'question.ask', 'not-your-child', { studentId });
    return { ok: false, reason: 'not-your-child' };
  }
  return { ok: true, child };
}

// ---------------------------------------------------------------------------------------------
// Threads

interface ThreadRow {
  id: number;
  schoolId: number;
  studentId: number;
  classId: number | null;
  className: string | null;
  parentUserId: number;
  staffId: number;
  status: 'open' | 'answered';
  urgent: boolean;
  round: number;
  awaitingSince: Date | null;
  dueAt: Date | null;
  timezone: string;
  child: Named;
  teacher: Named;
}

async function loadThread(ex: Executor, threadId: number, forUpdate = false): Promise<ThreadRow | undefined> {
  const [r] = rowsOf<Record<string, unknown>>(
    await ex.execute(sql`
      select t.id, t.school_id, t.student_id, t.class_id, c.name as class_name,
             t.parent_user_id, t.staff_id, t.status, t.urgent, t.round,
             t.awaiting_since, t.due_at, sc.timezone, s.name_km as child_km, s.name_en as child_en,
             st.name_km as staff_km, st.name_en as staff_en
        from question_threads t
        join students s on s.id = t.student_id
        join staff st on st.id = t.staff_id
        join schools sc on sc.id = t.school_id
        left join classes c on c.id = t.class_id
       where t.id = ${threadId}
       ${forUpdate ? sql`for update of t` : sql``}`),
  );
  if (!r) return undefined;
  return {
    id: Number(r.id),
    schoolId: Number(r.school_id),
    studentId: Number(r.student_id),
    classId: r.class_id === null ? null : Number(r.class_id),
    className: (r.class_name as string | null) ?? null,
    parentUserId: Number(r.parent_user_id),
    staffId: Number(r.staff_id),
    status: r.status as 'open' | 'answered',
    urgent: Boolean(r.urgent),
    round: Number(r.round),
    awaitingSince: r.awaiting_since ? new Date(r.awaiting_since as string) : null,
    dueAt: r.due_at ? new Date(r.due_at as string) : null,
    timezone: String(r.timezone),
    child: { nameKm: String(r.child_km), nameEn: (r.child_en as string | null) ?? null },
    teacher: { nameKm: String(r.staff_km), nameEn: (r.staff_en as string | null) ?? null },
  };
}

async function localeOf(ex: Executor, telegramUserId: number, notifier: Notifier): Promise<Locale> {
  const [row] = await ex.select({ locale: telegramAccounts.locale }).from(telegramAccounts).where(eq(telegramAccounts.telegramUserId, telegramUserId));
  return row?.locale ?? notifier.defaultLocale;
}

/** Namespace of the per-parent advisory lock that makes the rate limit exact. */
const ASK_LOCK = 7_301;

function mediaMessage(content: CleanContent, text: string, keyboard: Array<Array<{ text: string; callback_data: string }>>): Pick<OutgoingMessage, 'method' | 'payload'> {
  const reply_markup = { inline_keyboard: keyboard };
  // Media is passed on by Telegram's file id: never downloaded, never re-uploaded.
  if (content.kind === 'voice') return { method: 'sendVoice', payload: { voice: content.fileId, caption: text, reply_markup } };
  if (content.kind === 'photo') return { method: 'sendPhoto', payload: { photo: content.fileId, caption: text, reply_markup } };
  return { method: 'sendMessage', payload: { text, reply_markup } };
}

export type AskResult =
  | { ok: true; threadId: number; messageId: number; teacher: Named; child: Named; delayedUntil: string | null; timezone: string }
  | { ok: false; reason: 'bad-content'; problem: ContentProblem }
  | { ok: false; reason: 'rate-hour' | 'rate-day'; limit: number }
  | { ok: false; reason: Refusal };

export interface AskInput {
  actor: Actor;
  /** a new thread to this member of staff about this child, or more in an existing thread */
  to: { studentId: number; staffId: number } | { threadId: number };
  content: Content;
  urgent: boolean;
}

/**
 * A parent's question (or follow-up): checked (own child, staff who teach them, content, rate),
 * stored, and copied to the teacher through the outbox — after the teacher's quiet hours unless
 * urgent. The time to answer starts when it reaches the teacher.
 */
export async function askQuestion(db: Db, input: AskInput, env: { notifier: Notifier; now: Date }): Promise<AskResult> {
  const { actor, notifier, now } = { ...input, ...env };
  const who = actorOf(actor.telegramUserId);
  const action = 'threadId' in input.to ? 'question.followup' : 'question.ask';

  // Who and about whom: a follow-up is the asker's own thread, still to a teacher of the child.
  let studentId: number;
  let staffId: number;
  if ('threadId' in input.to) {
    const threadId = input.to.threadId;
    const [own] = await db
      .select({ parentUserId: questionThreads.parentUserId, studentId: questionThreads.studentId, staffId: questionThreads.staffId, schoolId: questionThreads.schoolId })
      .from(questionThreads)
      .where(eq(questionThreads.id, threadId));
    if (!own || own.parentUserId !== actor.telegramUserId) {
      const reason = own ? 'not-your-thread' : 'not-found';
      await refuse(db, actor, action, reason, { threadId }, own?.schoolId ?? null);
      return { ok: false, reason };
    }
    ({ studentId, staffId } = own);
  } else {
    ({ studentId, staffId } = input.to);
  }
  const resolved = await resolveTarget(db, actor, studentId, staffId, action);
  if (!resolved.ok) return resolved;
  const { child, teacher } = resolved.target;
  // One parent, one child, one teacher: one thread, so the history reads as one conversation.
  const existingId = teacher.threadId;

  const checked = checkContent(input.content, 'parent');
  if (!checked.ok) {
    await refuse(db, actor, action, 'bad-content', { problem: checked.problem, studentId, staffId, threadId: existingId ?? undefined }, child.schoolId);
    return { ok: false, reason: 'bad-content', problem: checked.problem };
  }
  const content = checked.value;
  const at = now.toISOString();

  return db.transaction(async (tx): Promise<AskResult> => {
    // One parent's questions are counted and written one at a time, so the limit is exact.
    await tx.execute(sql`select pg_advisory_xact_lock(${ASK_LOCK}, ${actor.telegramUserId % 2_147_483_647})`);
    // The school's rules, this parent's recent questions and the teacher's chat, language, quiet
    // hours and time zone: one statement.
    const [ctx] = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`
        select qs.answer_within_hours, qs.max_per_hour, qs.max_per_day,
               (select count(*) filter (where m.created_at > ${at}::timestamptz - interval '1 hour') from question_messages m
                 where m.author_user_id = ${actor.telegramUserId} and m.author = 'parent' and m.created_at > ${at}::timestamptz - interval '24 hours') as hour,
               (select count(*) from question_messages m
                 where m.author_user_id = ${actor.telegramUserId} and m.author = 'parent' and m.created_at > ${at}::timestamptz - interval '24 hours') as day,
               st.telegram_user_id as user_id, ta.locale, q.starts_at, q.ends_at, sc.timezone
          from staff st join schools sc on sc.id = st.school_id
          left join telegram_accounts ta on ta.telegram_user_id = st.telegram_user_id
          left join staff_quiet_hours q on q.staff_id = st.id
          left join question_settings qs on qs.school_id = ${child.schoolId}
         where st.id = ${staffId}`),
    );
    const row = ctx!;
    const rules: QuestionRules = {
      answerWithinHours: Number(row.answer_within_hours ?? DEFAULT_RULES.answerWithinHours),
      maxPerHour: Number(row.max_per_hour ?? DEFAULT_RULES.maxPerHour),
      maxPerDay: Number(row.max_per_day ?? DEFAULT_RULES.maxPerDay),
    };
    const standing = rateStandingOf(Number(row.hour), Number(row.day), rules);
    if (!standing.ok) {
      await refuse(tx, actor, action, standing.reason, { limit: standing.limit, threadId: existingId ?? undefined }, child.schoolId);
      return standing;
    }
    const timezone = String(row.timezone);
    const quiet = row.starts_at && row.ends_at ? { startsAt: String(row.starts_at), endsAt: String(row.ends_at) } : null;
    const deliverAt = deliveryTime(now, timezone, quiet, input.urgent);
    const dueAt = new Date(deliverAt.getTime() + rules.answerWithinHours * 3_600_000);

    let threadId: number;
    let round: number;
    if (existingId !== null) {
      // An answered thread opens a new round with its own clock; a thread still waiting keeps
      // the clock of its first unanswered question. (SET reads the row as it was.)
      const [updated] = rowsOf<{ round: number }>(
        await tx.execute(sql`
          update question_threads set
                 round = case when status = 'answered' then round + 1 else round end,
                 awaiting_since = case when status = 'answered' then ${deliverAt.toISOString()}::timestamptz else awaiting_since end,
                 due_at = case when status = 'answered' then ${dueAt.toISOString()}::timestamptz else due_at end,
                 urgent = case when status = 'answered' then ${input.urgent} else urgent or ${input.urgent} end,
                 status = 'open', last_message_at = ${at}::timestamptz
           where id = ${existingId}
          returning round`),
      );
      threadId = existingId;
      round = Number(updated!.round);
    } else {
      const [created] = await tx
        .insert(questionThreads)
        .values({
          schoolId: child.schoolId,
          studentId,
          classId: child.classId,
          guardianId: child.guardianId,
          parentUserId: actor.telegramUserId,
          staffId,
          urgent: input.urgent,
          awaitingSince: deliverAt,
          dueAt,
          createdAt: now,
          lastMessageAt: now,
        })
        .returning({ id: questionThreads.id });
      threadId = created!.id;
      round = 1;
    }
    const [message] = await tx
      .insert(questionMessages)
      .values({ threadId, schoolId: child.schoolId, author: 'parent', authorUserId: actor.telegramUserId, kind: content.kind, body: content.body, fileId: content.fileId, urgent: input.urgent, createdAt: now })
      .returning({ id: questionMessages.id });

    const locale = (row.locale as Locale | null) ?? notifier.defaultLocale;
    const t = (key: string, vars?: Record<string, string | number>) => notifier.t(locale, key, vars);
    const text = questionCopy(t, locale, { child, className: child.className, guardianName: child.guardianName, urgent: input.urgent, followUp: existingId !== null, body: content.body });
    const delayed = deliverAt.getTime() > now.getTime();
    // The copy for the teacher and the audit row go in together (one round trip).
    await Promise.all([
      addToOutbox(tx, {
        dedupeKey: `q:${message!.id}:staff`,
        schoolId: child.schoolId,
        chatId: Number(row.user_id),
        priority: input.urgent ? 1 : 4,
        ...(delayed ? { notBefore: deliverAt } : {}),
        ...mediaMessage(content, text, [[{ text: t('questions-button-reply'), callback_data: `q:r:${threadId}` }, { text: t('questions-button-history'), callback_data: `q:h:${threadId}` }]]),
      }),
      audit(tx, { actor: who, schoolId: child.schoolId, action, entity: 'thread', entityId: threadId, details: { studentId, staffId, kind: content.kind, urgent: input.urgent, delayed, round } }),
    ]);
    return { ok: true, threadId, messageId: message!.id, teacher, child, delayedUntil: delayed ? deliverAt.toISOString() : null, timezone };
  });
}

/** May this parent write more in this thread (their own, still to a teacher of the child)? */
export async function mayFollowUp(db: Executor, actor: Actor, threadId: number): Promise<{ ok: true; child: Named; teacher: Named; schoolId: number } | { ok: false; reason: Refusal }> {
  const thread = await loadThread(db, threadId);
  if (!thread || thread.parentUserId !== actor.telegramUserId) {
    const reason = thread ? 'not-your-thread' : 'not-found';
    await refuse(db, actor, 'question.followup', reason, { threadId }, thread?.schoolId ?? null);
    return { ok: false, reason };
  }
  const resolved = await resolveTarget(db, actor, thread.studentId, thread.staffId, 'question.followup');
  if (!resolved.ok) return resolved;
  return { ok: true, child: thread.child, teacher: thread.teacher, schoolId: thread.schoolId };
}

export type AnswerResult =
  | { ok: true; threadId: number; child: Named }
  | { ok: false; reason: 'bad-content'; problem: ContentProblem }
  | { ok: false; reason: Refusal | 'parent-gone' };

/** May this member of staff answer this thread (it is addressed to them)? Refusals are audited. */
export async function mayAnswer(db: Executor, actor: Actor, threadId: number): Promise<{ ok: true; child: Named; className: string | null } | { ok: false; reason: Refusal }> {
  const thread = await loadThread(db, threadId);
  if (!thread || !actor.staff.some((m) => m.staffId === thread.staffId)) {
    const reason = thread ? 'not-addressed' : 'not-found';
    await refuse(db, actor, 'question.answer', reason, { threadId }, thread?.schoolId ?? null);
    return { ok: false, reason };
  }
  return { ok: true, child: thread.child, className: thread.className };
}

/** A teacher's answer (text or voice): stored, and sent to the parent who asked, only to them. */
export async function answerQuestion(db: Db, input: { actor: Actor; threadId: number; content: Content }, env: { notifier: Notifier; now: Date }): Promise<AnswerResult> {
  const { actor, threadId } = input;
  const { notifier, now } = env;
  const allowed = await mayAnswer(db, actor, threadId);
  if (!allowed.ok) return allowed;
  const checked = checkContent(input.content, 'staff');
  if (!checked.ok) {
    await refuse(db, actor, 'question.answer', 'bad-content', { problem: checked.problem, threadId });
    return { ok: false, reason: 'bad-content', problem: checked.problem };
  }
  const content = checked.value;
  return db.transaction(async (tx): Promise<AnswerResult> => {
    const thread = (await loadThread(tx, threadId, true))!;
    // The answer goes to the asker only while they are still this child's guardian.
    const [still] = rowsOf<{ ok: number }>(
      await tx.execute(sql`select 1 as ok from guardians g join student_guardians sg on sg.guardian_id = g.id
                            where g.telegram_user_id = ${thread.parentUserId} and sg.student_id = ${thread.studentId} limit 1`),
    );
    if (!still) {
      await audit(tx, { actor: actorOf(actor.telegramUserId), schoolId: thread.schoolId, action: 'question.answer', entity: 'thread', entityId: threadId, outcome: 'failed', details: { reason: 'parent-gone' } });
      return { ok: false, reason: 'parent-gone' };
    }
    const responseSeconds = thread.status === 'open' && thread.awaitingSince ? Math.max(0, Math.round((now.getTime() - thread.awaitingSince.getTime()) / 1000)) : null;
    const [message] = await tx
      .insert(questionMessages)
      .values({ threadId, schoolId: thread.schoolId, author: 'staff', authorUserId: actor.telegramUserId, kind: content.kind, body: content.body, fileId: content.fileId, responseSeconds, createdAt: now })
      .returning({ id: questionMessages.id });
    await tx
      .update(questionThreads)
      .set({ status: 'answered', awaitingSince: null, dueAt: null, urgent: false, lastMessageAt: now })
      .where(eq(questionThreads.id, threadId));
    const locale = await localeOf(tx, thread.parentUserId, notifier);
    const t = (key: string, vars?: Record<string, string | number>) => notifier.t(locale, key, vars);
    await addToOutbox(tx, {
      dedupeKey: `q:${message!.id}:parent`,
      schoolId: thread.schoolId,
      chatId: thread.parentUserId,
      priority: 3,
      ...mediaMessage(content, answerCopy(t, locale, { teacher: thread.teacher, child: thread.child, body: content.body }), [
        [{ text: t('questions-button-write-back'), callback_data: `q:f:${threadId}` }, { text: t('questions-button-history'), callback_data: `q:h:${threadId}` }],
      ]),
    });
    await audit(tx, { actor: actorOf(actor.telegramUserId), schoolId: thread.schoolId, action: 'question.answer', entity: 'thread', entityId: threadId, details: { kind: content.kind, responseSeconds } });
    return { ok: true, threadId, child: thread.child };
  });
}

export type Reader = 'parent' | 'staff' | 'principal';

export interface ThreadView extends HistoryThread {
  reader: Reader;
  /** messages with a voice note or photo, to play or show again */
  media: Array<{ id: number; kind: QuestionKind; n: number }>;
}

function readerOf(actor: Actor, thread: Pick<ThreadRow, 'parentUserId' | 'staffId' | 'schoolId'>): Reader | null {
  if (actor.staff.some((m) => m.staffId === thread.staffId)) return 'staff';
  if (thread.parentUserId === actor.telegramUserId) return 'parent';
  if (actor.staff.some((m) => m.schoolId === thread.schoolId && m.roles.includes('principal'))) return 'principal';
  return null;
}

/**
 * A thread and its messages, for the parent who asked, the teacher it is addressed to or the
 * school's principal. A staff read is a read of a child's record: audited.
 */
export async function viewThread(db: Db, actor: Actor, threadId: number): Promise<{ ok: true; view: ThreadView } | { ok: false; reason: Refusal }> {
  const thread = await loadThread(db, threadId);
  const reader = thread ? readerOf(actor, thread) : null;
  if (!thread || !reader) {
    const reason = thread ? 'not-allowed' : 'not-found';
    await refuse(db, actor, 'question.read', reason, { threadId }, thread?.schoolId ?? null);
    return { ok: false, reason };
  }
  const messages = await db
    .select({ id: questionMessages.id, author: questionMessages.author, kind: questionMessages.kind, body: questionMessages.body, urgent: questionMessages.urgent, createdAt: questionMessages.createdAt })
    .from(questionMessages)
    .where(eq(questionMessages.threadId, threadId))
    .orderBy(questionMessages.id);
  if (reader !== 'parent') {
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: thread.schoolId, action: 'question.read', entity: 'student', entityId: thread.studentId, details: { threadId, as: reader } });
  }
  return {
    ok: true,
    view: {
      id: thread.id,
      child: thread.child,
      className: thread.className,
      teacher: thread.teacher,
      status: thread.status,
      timezone: thread.timezone,
      reader,
      messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })),
      media: messages.flatMap((m, i) => (m.kind === 'text' ? [] : [{ id: m.id, kind: m.kind, n: i + 1 }])),
    },
  };
}

/** A voice note or photo of a thread the actor may read (audited like a read). */
export async function mediaOf(db: Db, actor: Actor, messageId: number): Promise<{ ok: true; kind: 'voice' | 'photo'; fileId: string } | { ok: false; reason: Refusal }> {
  const [m] = await db
    .select({ threadId: questionMessages.threadId, kind: questionMessages.kind, fileId: questionMessages.fileId })
    .from(questionMessages)
    .where(eq(questionMessages.id, messageId));
  const thread = m ? await loadThread(db, m.threadId) : undefined;
  const reader = thread ? readerOf(actor, thread) : null;
  if (!m || !thread || !reader || m.kind === 'text' || !m.fileId) {
    const reason = thread && !reader ? 'not-allowed' : 'not-found';
    await refuse(db, actor, 'question.read', reason, { messageId, threadId: m?.threadId }, thread?.schoolId ?? null);
    return { ok: false, reason };
  }
  if (reader !== 'parent') {
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: thread.schoolId, action: 'question.read', entity: 'student', entityId: thread.studentId, details: { threadId: thread.id, messageId, as: reader } });
  }
  return { ok: true, kind: m.kind, fileId: m.fileId };
}

// ---------------------------------------------------------------------------------------------
// Lists

export interface ThreadSummary {
  id: number;
  child: Named;
  className: string | null;
  teacher: Named;
  status: 'open' | 'answered';
  urgent: boolean;
  awaitingSince: string | null;
  dueAt: string | null;
  lastMessageAt: string;
}

function summaries(rows: Array<Record<string, unknown>>): ThreadSummary[] {
  return rows.map((r) => ({
    id: Number(r.id),
    child: { nameKm: String(r.child_km), nameEn: (r.child_en as string | null) ?? null },
    className: (r.class_name as string | null) ?? null,
    teacher: { nameKm: String(r.staff_km), nameEn: (r.staff_en as string | null) ?? null },
    status: r.status as 'open' | 'answered',
    urgent: Boolean(r.urgent),
    awaitingSince: r.awaiting_since ? new Date(r.awaiting_since as string).toISOString() : null,
    dueAt: r.due_at ? new Date(r.due_at as string).toISOString() : null,
    lastMessageAt: new Date(r.last_message_at as string).toISOString(),
  }));
}

const SUMMARY_COLUMNS = sql`t.id, s.name_km as child_km, s.name_en as child_en, c.name as class_name, st.name_km as staff_km, st.name_en as staff_en,
  t.status, t.urgent, t.awaiting_since, t.due_at, t.last_message_at`;
const SUMMARY_FROM = sql`question_threads t join students s on s.id = t.student_id join staff st on st.id = t.staff_id left join classes c on c.id = t.class_id`;

/** A parent's own threads, newest first. */
export async function parentThreads(db: Db, telegramUserId: number, limit = 10): Promise<ThreadSummary[]> {
  return summaries(rowsOf(await db.execute(sql`select ${SUMMARY_COLUMNS} from ${SUMMARY_FROM} where t.parent_user_id = ${telegramUserId} order by t.last_message_at desc limit ${limit}`)));
}

/** Open threads addressed to these staff records, longest waiting first. */
export async function openThreadsFor(db: Db, staffIds: number[], limit = 20): Promise<{ total: number; threads: ThreadSummary[] }> {
  if (staffIds.length === 0) return { total: 0, threads: [] };
  const ids = pgIntArray(staffIds);
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select ${SUMMARY_COLUMNS}, count(*) over () as total from ${SUMMARY_FROM}
                          where t.staff_id = any(${ids}::int[]) and t.status = 'open'
                          order by t.awaiting_since, t.id limit ${limit}`),
  );
  return { total: rows.length ? Number(rows[0]!.total) : 0, threads: summaries(rows) };
}

export interface TeacherStats extends Named {
  staffId: number;
  open: number;
  overdue: number;
  answered: number;
  avgSeconds: number | null;
  medianSeconds: number | null;
}

export interface SchoolOverview {
  open: number;
  overdue: number;
  oldest: ThreadSummary[];
  teachers: TeacherStats[];
  answerWithinHours: number;
}

/**
 * The principal's view: open questions across the school (longest waiting first) and, per
 * teacher, open and overdue counts and response times over the last 30 days. Audited.
 */
export async function schoolOverview(db: Db, actor: Actor, schoolId: number, now: Date, limit = 15): Promise<SchoolOverview> {
  const at = now.toISOString();
  const [oldestRows, statRows, rules] = await Promise.all([
    db.execute(sql`select ${SUMMARY_COLUMNS}, count(*) over () as total, count(*) filter (where t.due_at <= ${at}::timestamptz) over () as overdue
                     from ${SUMMARY_FROM} where t.school_id = ${schoolId} and t.status = 'open'
                    order by t.awaiting_since, t.id limit ${limit}`),
    db.execute(sql`
      with answers as (
        select t.staff_id, m.response_seconds from question_messages m join question_threads t on t.id = m.thread_id
         where t.school_id = ${schoolId} and m.author = 'staff' and m.response_seconds is not null
           and m.created_at > ${at}::timestamptz - interval '30 days'),
      waiting as (
        select staff_id, count(*) as open, count(*) filter (where due_at <= ${at}::timestamptz) as overdue
          from question_threads where school_id = ${schoolId} and status = 'open' group by staff_id),
      people as (select staff_id from answers union select staff_id from waiting)
      select p.staff_id, st.name_km, st.name_en,
             coalesce(w.open, 0) as open, coalesce(w.overdue, 0) as overdue,
             (select count(*) from answers a where a.staff_id = p.staff_id) as answered,
             (select avg(a.response_seconds) from answers a where a.staff_id = p.staff_id) as avg_seconds,
             (select percentile_cont(0.5) within group (order by a.response_seconds) from answers a where a.staff_id = p.staff_id) as median_seconds
        from people p join staff st on st.id = p.staff_id left join waiting w on w.staff_id = p.staff_id
       order by coalesce(w.overdue, 0) desc, st.name_km`),
    getQuestionRules(db, schoolId),
  ]);
  const oldest = rowsOf<Record<string, unknown>>(oldestRows);
  await audit(db, { actor: actorOf(actor.telegramUserId), schoolId, action: 'question.overview', details: { open: oldest.length ? Number(oldest[0]!.total) : 0 } });
  const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
  return {
    open: oldest.length ? Number(oldest[0]!.total) : 0,
    overdue: oldest.length ? Number(oldest[0]!.overdue) : 0,
    oldest: summaries(oldest),
    answerWithinHours: rules.answerWithinHours,
    teachers: rowsOf<Record<string, unknown>>(statRows).map((r) => ({
      staffId: Number(r.staff_id),
      nameKm: String(r.name_km),
      nameEn: (r.name_en as string | null) ?? null,
      open: Number(r.open),
      overdue: Number(r.overdue),
      answered: Number(r.answered),
      avgSeconds: num(r.avg_seconds),
      medianSeconds: num(r.median_seconds),
    })),
  };
}

type RateStanding = { ok: true } | { ok: false; reason: 'rate-hour' | 'rate-day'; limit: number };

function rateStandingOf(lastHour: number, lastDay: number, rules: QuestionRules): RateStanding {
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

// ---------------------------------------------------------------------------------------------
// Escalation

/**
 * Tells the principal(s) of the school — or, where none is on Telegram, its operators — about
 * each open question past its due time, once per thread and round (the escalated round on the
 * thread and the outbox dedupe key both guard it). A principal's own quiet hours are respected.
 */
export async function escalateOverdue(db: Db, now: Date, notifier: Notifier, batch = ESCALATION_BATCH): Promise<{ threads: number; messages: number }> {
  let total = { threads: 0, messages: 0 };
  // Batches keep each transaction (and its row locks) small; a backlog is worked off in one run.
  for (;;) {
    const r = await escalateBatch(db, now, notifier, batch);
    total = { threads: total.threads + r.threads, messages: total.messages + r.messages };
    if (r.threads < batch) return total;
  }
}

export const ESCALATION_BATCH = 500;

async function escalateBatch(db: Db, now: Date, notifier: Notifier, batch: number): Promise<{ threads: number; messages: number }> {
  const at = now.toISOString();
  return db.transaction(async (tx) => {
    const due = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`
        select t.id, t.school_id, t.round, t.urgent, t.awaiting_since, sc.timezone,
               s.name_km as child_km, s.name_en as child_en, c.name as class_name, st.name_km as staff_km, st.name_en as staff_en
          from question_threads t
          join students s on s.id = t.student_id
          join staff st on st.id = t.staff_id
          join schools sc on sc.id = t.school_id
          left join classes c on c.id = t.class_id
         where t.status = 'open' and t.due_at <= ${at}::timestamptz and t.escalated_round < t.round
         order by t.due_at
         limit ${batch}
         for update of t skip locked`),
    );
    if (due.length === 0) return { threads: 0, messages: 0 };
    const schoolIds = [...new Set(due.map((d) => Number(d.school_id)))];
    const leaders = rowsOf<{ staff_id: number; school_id: number; role: string; user_id: number | string; locale: Locale | null; starts_at: string | null; ends_at: string | null }>(
      await tx.execute(sql`
        select st.id as staff_id, st.school_id, r.role, st.telegram_user_id as user_id, ta.locale, q.starts_at, q.ends_at
          from staff st
          join staff_roles r on r.staff_id = st.id and r.role in ('principal', 'operator')
          left join telegram_accounts ta on ta.telegram_user_id = st.telegram_user_id
          left join staff_quiet_hours q on q.staff_id = st.id
         where st.school_id = any(${pgIntArray(schoolIds)}::int[]) and st.active and st.telegram_user_id is not null
         order by st.id`),
    );
    const messages: OutgoingMessage[] = [];
    for (const d of due) {
      const schoolId = Number(d.school_id);
      const here = leaders.filter((l) => Number(l.school_id) === schoolId);
      const principals = here.filter((l) => l.role === 'principal');
      const recipients = principals.length > 0 ? principals : here.filter((l) => l.role === 'operator');
      const timezone = String(d.timezone);
      const since = new Date(d.awaiting_since as string);
      for (const p of recipients) {
        const locale = p.locale ?? notifier.defaultLocale;
        const t = (key: string, vars?: Record<string, string | number>) => notifier.t(locale, key, vars);
        const quiet = p.starts_at && p.ends_at ? { startsAt: p.starts_at, endsAt: p.ends_at } : null;
        const deliverAt = deliveryTime(now, timezone, quiet, Boolean(d.urgent));
        messages.push({
          dedupeKey: `q-esc:${d.id}:${d.round}:${p.staff_id}`,
          schoolId,
          chatId: Number(p.user_id),
          priority: 3,
          ...(deliverAt.getTime() > now.getTime() ? { notBefore: deliverAt } : {}),
          payload: {
            text: t('questions-escalation', {
              child: childName(locale, { nameKm: String(d.child_km), nameEn: (d.child_en as string | null) ?? null }),
              class: (d.class_name as string | null) ?? '—',
              teacher: plainName(locale, { nameKm: String(d.staff_km), nameEn: (d.staff_en as string | null) ?? null }),
              waited: formatDuration(t, locale, (now.getTime() - since.getTime()) / 1000),
              since: formatMoment(locale, since, timezone),
            }),
            reply_markup: { inline_keyboard: [[{ text: t('questions-button-open'), callback_data: `q:h:${d.id}` }]] },
          },
        });
      }
    }
    const inserted = await addToOutbox(tx, messages);
    await tx.execute(sql`update question_threads set escalated_round = round where id = any(${pgIntArray(due.map((d) => Number(d.id)))}::bigint[])`);
    await audit(
      tx,
      due.map((d) => ({ actor: 'system', schoolId: Number(d.school_id), action: 'question.escalate', entity: 'thread', entityId: Number(d.id), details: { round: Number(d.round) } })),
    );
    return { threads: due.length, messages: inserted.length };
  });
}

/** The school of each office membership (principal or operator) of the actor. */
export function officeSchools(actor: Actor, roles: Array<'principal' | 'operator'> = ['principal', 'operator']): number[] {
  return actor.staff.filter((m) => m.roles.some((r) => (roles as string[]).includes(r))).map((m) => m.schoolId);
}
