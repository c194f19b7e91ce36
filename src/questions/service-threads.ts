/**
 * Threads: loading one (with its child, teacher and school), who may read it, a thread's history
 * and media, and the lists (a parent's own threads, a teacher's open ones). Refusals are audited,
 * and so is every staff read of a child's thread.
 */
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { pgArrayLiteral } from '../core/db/batch.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { questionMessages, type QuestionKind } from './schema.js';
import type { HistoryThread, Named } from './render.js';

export type Refusal = 'not-your-child' | 'not-their-teacher' | 'not-your-thread' | 'not-addressed' | 'not-found' | 'not-allowed';

export async function refuse(ex: Executor, actor: Actor, action: string, reason: string, details: Record<string, unknown>, schoolId: number | null = null) {
  await audit(ex, { actor: actorOf(actor.telegramUserId), schoolId, action, entity: 'thread', entityId: (details.threadId as number | undefined) ?? undefined, outcome: 'denied', details: { reason, ...details } });
}

// ---------------------------------------------------------------------------------------------
// Threads

export interface ThreadRow {
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

export async function loadThread(ex: Executor, threadId: number, forUpdate = false): Promise<ThreadRow | undefined> {
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

// ---------------------------------------------------------------------------------------------
// Reading a thread

export type Reader = 'parent' | 'staff' | 'principal';

export interface ThreadView extends HistoryThread {
  reader: Reader;
  /** messages with a voice note or photo, to play or show again */
  media: Array<{ id: number; kind: QuestionKind; n: number }>;
}

function readerOf(actor: Actor, thread: Pick<ThreadRow, 'parentUserId' | 'staffId' | 'schoolId' | 'studentId'>): Reader | null {
  if (actor.staff.some((m) => m.staffId === thread.staffId)) return 'staff';
  // the parent who asked, while still linked to the child (an unlink ends reading the thread too)
  if (thread.parentUserId === actor.telegramUserId && actor.childIds.includes(Number(thread.studentId))) return 'parent';
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

export function summaries(rows: Array<Record<string, unknown>>): ThreadSummary[] {
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

export const SUMMARY_COLUMNS = sql`t.id, s.name_km as child_km, s.name_en as child_en, c.name as class_name, st.name_km as staff_km, st.name_en as staff_en,
  t.status, t.urgent, t.awaiting_since, t.due_at, t.last_message_at`;
export const SUMMARY_FROM = sql`question_threads t join students s on s.id = t.student_id join staff st on st.id = t.staff_id left join classes c on c.id = t.class_id`;

/** A parent's own threads, newest first. */
export async function parentThreads(db: Db, telegramUserId: number, limit = 10): Promise<ThreadSummary[]> {
  return summaries(rowsOf(await db.execute(sql`select ${SUMMARY_COLUMNS} from ${SUMMARY_FROM} where t.parent_user_id = ${telegramUserId} order by t.last_message_at desc limit ${limit}`)));
}

/** Open threads addressed to these staff records, longest waiting first. */
export async function openThreadsFor(db: Db, staffIds: number[], limit = 20): Promise<{ total: number; threads: ThreadSummary[] }> {
  if (staffIds.length === 0) return { total: 0, threads: [] };
  const ids = pgArrayLiteral(staffIds);
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select ${SUMMARY_COLUMNS}, count(*) over () as total from ${SUMMARY_FROM}
                          where t.staff_id = any(${ids}::int[]) and t.status = 'open'
                          order by t.awaiting_since, t.id limit ${limit}`),
  );
  return { total: rows.length ? Number(rows[0]!.total) : 0, threads: summaries(rows) };
}
