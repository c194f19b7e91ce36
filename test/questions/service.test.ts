/**
 * The questions service without Telegram: who may be asked, one thread per parent, child and
 * teacher, what the teacher's and the parent's copies carry, an answer to a guardian who has since
 * unlinked, and the principal's response-time figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createNotifier } from '../../src/app.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { guardians, outbox, staff, students } from '../../src/core/db/schema.js';
import { answerQuestion, askQuestion, childrenToAsk, mayAnswer } from '../../src/questions/service.js';
import { escalateOverdue } from '../../src/questions/service-escalation.js';
import { schoolOverview } from '../../src/questions/service-overview.js';
import { viewThread } from '../../src/questions/service-threads.js';
import { addClassTeacher } from '../../src/questions/teaching.js';
import { questionThreads } from '../../src/questions/schema.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { staffId, studentId } from './helpers.js';

let database: TestDatabase;
const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
const PARENT = 5101; // guardian of Chhim Ratanak (7A)
const TEACHER = 5001; // T005, homeroom 7A
const ENGLISH = 5002; // T006
const PRINCIPAL = 5003;
const id = { ratanak: 0, t005: 0, t006: 0, t007: 0 };
const at = (iso: string) => new Date(iso);
const text = (t: string) => ({ kind: 'text' as const, text: t });

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  await loadDemoSchool(db);
  Object.assign(id, {
    ratanak: await studentId(db, 'DEMO-001-S00065'),
    t005: await staffId(db, 'DEMO-001-T005'),
    t006: await staffId(db, 'DEMO-001-T006'),
    t007: await staffId(db, 'DEMO-001-T007'),
  });
  await db.update(staff).set({ telegramUserId: TEACHER }).where(eq(staff.id, id.t005));
  await db.update(staff).set({ telegramUserId: ENGLISH }).where(eq(staff.id, id.t006));
  await db.update(staff).set({ telegramUserId: PRINCIPAL }).where(eq(staff.staffCode, 'DEMO-001-T001'));
  await db.execute(sql`update guardians set telegram_user_id = ${PARENT} where phone = '+85515433601'`);
});
afterAll(() => database.drop());

describe('who a parent may write to', () => {
  it('the homeroom teacher and the subject teachers on Telegram, homeroom first', async () => {
    const db = database.db;
    await addClassTeacher(db, { schoolId: 1, className: '7A', staffCode: 'DEMO-001-T006', subject: 'English', actor: 'cli' });
    await addClassTeacher(db, { schoolId: 1, className: '7A', staffCode: 'DEMO-001-T007', subject: 'Mathematics', actor: 'cli' }); // not on Telegram
    const [child] = await childrenToAsk(db, await loadActor(db, PARENT));
    expect(child).toMatchObject({ studentId: id.ratanak, className: '7A', nameKm: 'ឈឹម រតនៈ' });
    expect(child!.teachers.map((t) => [t.staffId, t.homeroom, t.subject])).toEqual([
      [id.t005, true, ''],
      [id.t006, false, 'English'],
    ]);
  });

  it('no one for a child who has left', async () => {
    const db = database.db;
    await db.update(students).set({ active: false }).where(eq(students.id, id.ratanak));
    expect(await childrenToAsk(db, await loadActor(db, PARENT))).toEqual([]);
    await db.update(students).set({ active: true }).where(eq(students.id, id.ratanak));
  });
});

describe('threads', () => {
  let threadId = 0;

  it('a second question to the same teacher about the same child continues the thread', async () => {
    const db = database.db;
    const actor = await loadActor(db, PARENT);
    const first = await askQuestion(db, { actor, to: { studentId: id.ratanak, staffId: id.t005 }, content: text('One'), urgent: false }, { notifier, now: at('2027-01-11T03:00:00Z') });
    const second = await askQuestion(db, { actor, to: { studentId: id.ratanak, staffId: id.t005 }, content: text('Two'), urgent: false }, { notifier, now: at('2027-01-11T03:10:00Z') });
    const other = await askQuestion(db, { actor, to: { studentId: id.ratanak, staffId: id.t006 }, content: text('Three'), urgent: false }, { notifier, now: at('2027-01-11T03:20:00Z') });
    expect(first.ok && second.ok && other.ok).toBe(true);
    if (!first.ok || !second.ok || !other.ok) return;
    threadId = first.threadId;
    expect(second.threadId).toBe(first.threadId);
    expect(other.threadId).not.toBe(first.threadId);
    const copies = await db.select().from(outbox).where(eq(outbox.chatId, TEACHER)).orderBy(outbox.id);
    expect(copies.map((c) => (c.payload.text as string).split('\n')[0])).toEqual([
      notifier.t('km', 'questions-copy-question', { child: 'ឈឹម រតនៈ', class: '7A' }),
      notifier.t('km', 'questions-copy-followup', { child: 'ឈឹម រតនៈ', class: '7A' }),
    ]);
    const view = await viewThread(db, actor, threadId);
    expect(view.ok && view.view.messages.map((m) => m.body)).toEqual(['One', 'Two']);
    // The clock of an open question keeps running from the first unanswered message.
    const [thread] = await db.select().from(questionThreads).where(eq(questionThreads.id, threadId));
    expect(thread).toMatchObject({ round: 1, status: 'open', awaitingSince: at('2027-01-11T03:00:00Z'), dueAt: at('2027-01-12T03:00:00Z') });
  });

  it('only the teacher it is addressed to may answer', async () => {
    const db = database.db;
    expect(await mayAnswer(db, await loadActor(db, ENGLISH), threadId)).toEqual({ ok: false, reason: 'not-addressed' });
    expect(await mayAnswer(db, await loadActor(db, PRINCIPAL), threadId)).toEqual({ ok: false, reason: 'not-addressed' });
    expect(await mayAnswer(db, await loadActor(db, TEACHER), 999_999)).toEqual({ ok: false, reason: 'not-found' });
    const ok = await answerQuestion(db, { actor: await loadActor(db, TEACHER), threadId, content: text('Answer') }, { notifier, now: at('2027-01-11T04:00:00Z') });
    expect(ok).toEqual({ ok: true, threadId, child: { nameKm: 'ឈឹម រតនៈ', nameEn: 'Chhim Ratanak' } });
    const [toParent] = await db.select().from(outbox).where(eq(outbox.chatId, PARENT));
    expect(toParent!.payload.text).toBe(`${notifier.t('km', 'questions-copy-answer', { teacher: 'កែវ មករា', child: 'ឈឹម រតនៈ' })}\n\nAnswer`);
    expect(toParent!.dedupeKey).toMatch(/^q:\d+:parent$/);
  });

  it('an answer to a guardian who has since unlinked is not sent', async () => {
    const db = database.db;
    const before = await db.select().from(outbox);
    await db.update(guardians).set({ telegramUserId: null }).where(eq(guardians.telegramUserId, PARENT));
    const r = await answerQuestion(db, { actor: await loadActor(db, TEACHER), threadId, content: text('Anyone there?') }, { notifier, now: at('2027-01-11T05:00:00Z') });
    expect(r).toEqual({ ok: false, reason: 'parent-gone' });
    expect(await db.select().from(outbox)).toHaveLength(before.length);
    await db.execute(sql`update guardians set telegram_user_id = ${PARENT} where phone = '+85515433601'`);
  });

  it('gives the principal open questions and response times (average and median)', async () => {
    const db = database.db;
    const actor = await loadActor(db, PARENT);
    // Three more rounds answered after 10, 20 and 60 minutes (the first took 60).
    let t0 = at('2027-01-12T03:00:00Z').getTime();
    for (const minutes of [10, 20, 60]) {
      await askQuestion(db, { actor, to: { threadId }, content: text('Again'), urgent: false }, { notifier, now: new Date(t0) });
      await answerQuestion(db, { actor: await loadActor(db, TEACHER), threadId, content: text('Yes') }, { notifier, now: new Date(t0 + minutes * 60_000) });
      t0 += 3 * 3_600_000;
    }
    const o = await schoolOverview(db, await loadActor(db, PRINCIPAL), 1, at('2027-01-12T20:00:00Z'));
    expect(o.open).toBe(1); // the English teacher's, asked at 03:20 the day before: overdue
    expect(o.overdue).toBe(1);
    expect(o.oldest.map((s) => s.teacher.nameKm)).toEqual(['កែវ ពិសី']);
    const homeroom = o.teachers.find((t) => t.staffId === id.t005)!;
    // 60, 10, 20, 60 minutes
    expect(homeroom).toMatchObject({ open: 0, overdue: 0, answered: 4, avgSeconds: 2250, medianSeconds: 2400 });
    const english = o.teachers.find((t) => t.staffId === id.t006)!;
    expect(english).toMatchObject({ open: 1, overdue: 1, answered: 0, avgSeconds: null, medianSeconds: null });
    // A minute before its 24 hours were up it was not.
    expect((await schoolOverview(db, await loadActor(db, PRINCIPAL), 1, at('2027-01-12T03:19:00Z'))).overdue).toBe(0);
  });

  it('works off a backlog of overdue questions in one run, batch by batch, each once', async () => {
    const db = database.db;
    await db.execute(sql`update guardians set telegram_user_id = 5102 where phone = '+85516812644'`);
    const other = await askQuestion(
      db,
      { actor: await loadActor(db, 5102), to: { studentId: await studentId(db, 'DEMO-001-S00066'), staffId: id.t005 }, content: text('Hello?'), urgent: false },
      { notifier, now: at('2027-01-11T06:00:00Z') },
    );
    expect(other.ok).toBe(true);
    // Open and overdue now: the English teacher's thread and this one.
    expect(await escalateOverdue(db, at('2027-01-13T00:00:00Z'), notifier, 1)).toEqual({ threads: 2, messages: 2 });
    expect(await escalateOverdue(db, at('2027-01-13T00:10:00Z'), notifier, 1)).toEqual({ threads: 0, messages: 0 });
    const notices = await db.select().from(outbox).where(sql`dedupe_key like 'q-esc:%'`);
    expect(notices.map((n) => n.chatId)).toEqual([PRINCIPAL, PRINCIPAL]);
  });
});
