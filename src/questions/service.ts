/**
 * Parents' questions: who a parent may write to, asking (a new thread or a follow-up) and
 * answering. No grammY: plain inputs, plain results. Every change writes its audit row and its
 * outgoing message (through the outbox) in one transaction; every refusal is audited. A
 * school's rules and quiet hours are in service-rules.ts, reading threads and the lists in
 * service-threads.ts, the principal's view in service-overview.ts, escalation in
 * service-escalation.ts.
 */
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { pgArrayLiteral } from '../core/db/batch.js';
import type { Locale } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { getLocale } from '../core/auth/accounts.js';
import { actorOf, audit } from '../core/auth/audit.js';
import type { Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { questionMessages, questionThreads } from './schema.js';
import { checkContent, deliveryTime, type CleanContent, type Content, type ContentProblem } from './rules.js';
import { answerCopy, questionCopy, type Named } from './render.js';
import { historyButton, replyButton, writeBackButton } from './buttons.js';
import { DEFAULT_RULES, rateStandingOf, type QuestionRules } from './service-rules.js';
import { loadThread, refuse, type Refusal } from './service-threads.js';

const json = <T,>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

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
     where s.id = any(${pgArrayLiteral(ids)}::bigint[]) and s.active
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
// Asking and answering

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
        capability: 'questions',
        entity: 'question_message',
        entityId: message!.id,
        studentId,
        chatId: Number(row.user_id),
        priority: input.urgent ? 1 : 4,
        ...(delayed ? { notBefore: deliverAt } : {}),
        ...mediaMessage(content, text, [
          [
            { text: t('questions-button-reply'), callback_data: replyButton.pack({ threadId }) },
            { text: t('questions-button-history'), callback_data: historyButton.pack({ threadId }) },
          ],
        ]),
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
    const locale = (await getLocale(tx, thread.parentUserId)) ?? notifier.defaultLocale;
    const t = (key: string, vars?: Record<string, string | number>) => notifier.t(locale, key, vars);
    await addToOutbox(tx, {
      dedupeKey: `q:${message!.id}:parent`,
      schoolId: thread.schoolId,
      capability: 'questions',
      entity: 'question_message',
      entityId: message!.id,
      studentId: thread.studentId,
      chatId: thread.parentUserId,
      priority: 3,
      ...mediaMessage(content, answerCopy(t, locale, { teacher: thread.teacher, child: thread.child, body: content.body }), [
        [
          { text: t('questions-button-write-back'), callback_data: writeBackButton.pack({ threadId }) },
          { text: t('questions-button-history'), callback_data: historyButton.pack({ threadId }) },
        ],
      ]),
    });
    await audit(tx, { actor: actorOf(actor.telegramUserId), schoolId: thread.schoolId, action: 'question.answer', entity: 'thread', entityId: threadId, details: { kind: content.kind, responseSeconds } });
    return { ok: true, threadId, child: thread.child };
  });
}
