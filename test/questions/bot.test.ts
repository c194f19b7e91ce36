/**
 * Parents' questions as people meet them, through the real bot, the outbox and the sender: a new
 * parent asks and the teacher's answer comes back to that parent only; voice messages and photos
 * pass by file id; subject teachers; forged buttons and bad messages are refused, audited, and
 * send nothing; the rate limit; the principal's view; a restart while a question is being written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, outbox } from '../../src/core/db/schema.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { askQuestion } from '../../src/questions/service.js';
import { setQuestionRules } from '../../src/questions/service-rules.js';
import { questionMessages, questionThreads } from '../../src/questions/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery, type TestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';
import { buttonData, callsTo, document, photo, sendMessage, staffId, studentId, voice } from './helpers.js';

// Monday 11 January 2027, 10:00 in Phnom Penh.
let now = new Date('2027-01-11T03:00:00Z');
const later = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};
let app: TestApp;
let delivery: TestDelivery;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

let parent: TestUser; // 015 433 601: Chhim Ratanak (ឈឹម រតនៈ), 7A
let parent2: TestUser; // 016 812 644: Keo Piseth (កែវ ពិសិដ្ឋ), 7A
let uncle: TestUser; // 086 915 326: Chea Sereyvuth (1A) and Sun Samnang (7A)
let teacher7A: TestUser; // T005 Keo Makara (កែវ មករា), homeroom 7A
let teacher7B: TestUser; // T006 Keo Pisey (កែវ ពិសី), homeroom 7B, English
let teacher1A: TestUser; // T003 Um Maly, homeroom 1A
let principal: TestUser;
let operator: TestUser;
const id = { ratanak: 0, piseth: 0, samnang: 0, t005: 0, t006: 0, t003: 0 };
let firstThread = 0;

/** What a user was told (a prompt losing its buttons is not something said). */
const texts = (u: TestUser) => u.inbox().filter((m) => m.method !== 'editMessageReplyMarkup').map((m) => m.text);
/** /ask for a 7A child, choosing the homeroom teacher when a subject teacher is offered too. */
async function askHomeroom(u: TestUser) {
  await u.send('/ask');
  if (buttonData(u.received().at(-1)?.replyMarkup).some((d) => d.startsWith('q:t:'))) {
    u.inbox();
    await u.press(t('km', 'questions-homeroom'));
  }
}
const outboxCount = async () => Number((await app.database.rows<{ n: number }>(sql`select count(*)::int as n from outbox`))[0]!.n);
const deniedAudit = (actor: TestUser, action: string) =>
  app.database.db.select().from(auditLog).where(and(eq(auditLog.actor, `tg:${actor.id}`), eq(auditLog.action, action), eq(auditLog.outcome, 'denied')));

beforeAll(async () => {
  // Users here act faster than people do: lift the flood guard (it has its own test).
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  delivery = startTestDelivery(app);
  const link = async (tgId: number, phone: string) => {
    const u = app.user(tgId, `u${tgId}`);
    await u.shareContact(phone);
    return u;
  };
  teacher7A = await link(3001, '016 025 313');
  teacher7B = await link(3002, '081 130 751');
  teacher1A = await link(3003, '016 005 138');
  principal = await link(3004, '093 388 921');
  operator = await link(3005, '016 373 035');
  parent = await link(3101, '015 433 601');
  parent2 = await link(3102, '016 812 644');
  uncle = await link(3103, '086 915 326');
  const db = app.database.db;
  Object.assign(id, {
    ratanak: await studentId(db, 'DEMO-001-S00065'),
    piseth: await studentId(db, 'DEMO-001-S00066'),
    samnang: await studentId(db, 'DEMO-001-S00094'),
    t005: await staffId(db, 'DEMO-001-T005'),
    t006: await staffId(db, 'DEMO-001-T006'),
    t003: await staffId(db, 'DEMO-001-T003'),
  });
  for (const u of [teacher7A, teacher7B, teacher1A, principal, operator, parent, parent2, uncle]) u.inbox();
});

afterAll(async () => {
  await delivery?.stop();
  await app?.close();
});

describe('a new parent asks and the answer comes back', () => {
  const question = 'សួស្តីលោកគ្រូ! តើកូនខ្ញុំមានកិច្ចការផ្ទះអ្វីខ្លះសម្រាប់ថ្ងៃឈប់សម្រាក?';
  // Starts like an attendance line on purpose: while answering, nothing else reads it.
  const reply = '7A homework: pages 12-14 of the maths book.';

  it('the question reaches the homeroom teacher with the child, the class and a Reply button', async () => {
    await parent.send('/ask');
    // One child, one teacher on Telegram: straight to writing.
    expect(texts(parent)).toEqual([t('km', 'questions-compose-prompt', { teacher: 'កែវ មករា', child: 'ឈឹម រតនៈ' })]);
    await parent.send(question);
    expect(texts(parent)).toEqual([t('km', 'questions-sent', { teacher: 'កែវ មករា' })]);

    await delivery.deliver();
    const [copy, ...more] = teacher7A.inbox();
    expect(more).toHaveLength(0);
    expect(copy!.text).toBe(`${t('km', 'questions-copy-question', { child: 'ឈឹម រតនៈ', class: '7A' })}\n${t('km', 'questions-copy-from', { name: 'ឈឹម ដារ៉ា' })}\n\n${question}`);
    const [thread] = await app.database.db.select().from(questionThreads);
    firstThread = thread!.id;
    expect(buttonData(copy!.replyMarkup)).toEqual([`q:r:${firstThread}`, `q:h:${firstThread}`]);
    expect(thread).toMatchObject({ studentId: id.ratanak, staffId: id.t005, parentUserId: parent.id, status: 'open', round: 1 });
    for (const u of [parent2, uncle, teacher7B, teacher1A, principal, operator]) expect(u.inbox()).toEqual([]);
  });

  it('the teacher replies, and the answer goes to that parent only', async () => {
    later(25);
    await teacher7A.press(t('km', 'questions-button-reply'));
    expect(texts(teacher7A)).toEqual([t('km', 'questions-answer-prompt', { child: 'ឈឹម រតនៈ', class: '7A' })]);
    await teacher7A.send(reply);
    expect(texts(teacher7A)).toEqual([t('km', 'questions-answer-sent', { child: 'ឈឹម រតនៈ' })]);

    await delivery.deliver();
    const [answer, ...more] = parent.inbox();
    expect(more).toHaveLength(0);
    expect(answer!.text).toBe(`${t('km', 'questions-copy-answer', { teacher: 'កែវ មករា', child: 'ឈឹម រតនៈ' })}\n\n${reply}`);
    expect(buttonData(answer!.replyMarkup)).toEqual([`q:f:${firstThread}`, `q:h:${firstThread}`]);
    for (const u of [parent2, uncle, teacher7B, principal]) expect(u.inbox()).toEqual([]);

    const [thread] = await app.database.db.select().from(questionThreads).where(eq(questionThreads.id, firstThread));
    expect(thread).toMatchObject({ status: 'answered', dueAt: null });
    const messages = await app.database.db.select().from(questionMessages).where(eq(questionMessages.threadId, firstThread)).orderBy(questionMessages.id);
    expect(messages.map((m) => [m.author, m.body, m.responseSeconds])).toEqual([
      ['parent', question, null],
      ['staff', reply, 25 * 60],
    ]);
    // The typed answer was not taken for an attendance line.
    expect(await app.database.rows(sql`select 1 from attendance_drafts`)).toHaveLength(0);
  });

  it('both see the history; the teacher\'s read is audited', async () => {
    await parent.press(t('km', 'questions-button-history'));
    const [history] = parent.inbox();
    expect(history!.text).toContain(t('km', 'questions-history-title', { child: 'ឈឹម រតនៈ', class: '7A', teacher: 'កែវ មករា' }));
    expect(history!.text).toContain(question);
    expect(history!.text).toContain(reply);
    expect(history!.text.indexOf(question)).toBeLessThan(history!.text.indexOf(reply));
    expect(buttonData(history!.replyMarkup)).toEqual([`q:f:${firstThread}`]);

    await teacher7A.pressData(`q:h:${firstThread}`);
    const [seen] = teacher7A.inbox();
    expect(seen!.text).toContain(reply);
    expect(buttonData(seen!.replyMarkup)).toEqual([`q:r:${firstThread}`]);
    const reads = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'question.read'), eq(auditLog.actor, `tg:${teacher7A.id}`)));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ entity: 'student', entityId: String(id.ratanak), outcome: 'ok' });

    await parent.send('/questions');
    const [list] = parent.inbox();
    expect(list!.text).toContain(t('km', 'questions-parent-title'));
    expect(list!.text).toContain(t('km', 'questions-list-answered'));
    await teacher7A.send('/questions');
    expect(texts(teacher7A)).toEqual([t('km', 'questions-mine-none')]);
  });
});

describe('voice messages and photos pass by file id', () => {
  it('the parent writes back with a voice message; the teacher answers with one', async () => {
    later(60);
    await parent.press(t('km', 'questions-button-write-back'));
    expect(texts(parent)).toEqual([t('km', 'questions-compose-prompt', { teacher: 'កែវ មករា', child: 'ឈឹម រតនៈ' })]);
    await sendMessage(parent, voice('AwACAgUAAxkBAAIParentVoice01'));
    expect(texts(parent)).toEqual([t('km', 'questions-sent', { teacher: 'កែវ មករា' })]);
    await delivery.deliver();
    const [copy] = callsTo(app.tg, teacher7A.id, 'sendVoice');
    expect(copy!.voice).toBe('AwACAgUAAxkBAAIParentVoice01');
    expect(copy!.caption).toBe(`${t('km', 'questions-copy-followup', { child: 'ឈឹម រតនៈ', class: '7A' })}\n${t('km', 'questions-copy-from', { name: 'ឈឹម ដារ៉ា' })}`);
    expect(buttonData(copy!.reply_markup)).toEqual([`q:r:${firstThread}`, `q:h:${firstThread}`]);
    // Nothing was downloaded.
    expect(app.tg.callsOf('getFile')).toHaveLength(0);

    later(5);
    await teacher7A.pressData(`q:r:${firstThread}`);
    teacher7A.inbox();
    await sendMessage(teacher7A, photo('AgACAgUAAxkBAAITeacherPhoto1'));
    expect(texts(teacher7A)).toEqual([t('km', 'questions-bad-no-photo')]);
    await sendMessage(teacher7A, voice('AwACAgUAAxkBAAITeacherVoice1'));
    expect(texts(teacher7A)).toEqual([t('km', 'questions-answer-sent', { child: 'ឈឹម រតនៈ' })]);
    await delivery.deliver();
    const [answer] = callsTo(app.tg, parent.id, 'sendVoice');
    expect(answer!.voice).toBe('AwACAgUAAxkBAAITeacherVoice1');
    expect(answer!.caption).toBe(t('km', 'questions-copy-answer', { teacher: 'កែវ មករា', child: 'ឈឹម រតនៈ' }));
    expect(callsTo(app.tg, parent.id, 'sendPhoto')).toHaveLength(0);

    const [thread] = await app.database.db.select().from(questionThreads).where(eq(questionThreads.id, firstThread));
    expect(thread).toMatchObject({ status: 'answered', round: 2 });
    const [last] = await app.database.db.select().from(questionMessages).where(eq(questionMessages.threadId, firstThread)).orderBy(sql`id desc`).limit(1);
    expect(last).toMatchObject({ author: 'staff', kind: 'voice', responseSeconds: 5 * 60 });
  });

  it('the history offers the voice messages again, by file id, to the people of the thread', async () => {
    await parent.pressData(`q:h:${firstThread}`);
    const [history] = parent.inbox();
    expect(history!.text).toContain(`🎤 ${t('km', 'questions-history-voice', { n: '៣' })}`);
    const playButtons = buttonData(history!.replyMarkup).filter((d) => d.startsWith('q:m:'));
    expect(playButtons).toHaveLength(2);
    await parent.pressData(playButtons[1]!);
    expect(callsTo(app.tg, parent.id, 'sendVoice').at(-1)!.voice).toBe('AwACAgUAAxkBAAITeacherVoice1');
    // Someone else pressing it gets nothing.
    await parent2.pressData(playButtons[1]!);
    expect(texts(parent2)).toEqual([t('km', 'questions-denied-not-allowed')]);
    expect(callsTo(app.tg, parent2.id, 'sendVoice')).toHaveLength(0);
  });

  it('a parent of two chooses the child, then a subject teacher the office recorded, and sends a photo', async () => {
    await operator.send('/teaches 7A DEMO-001-T006 English');
    expect(texts(operator)).toEqual([t('km', 'questions-teaches-added', { name: 'កែវ ពិសី', class: '7A' })]);
    await operator.send('/teaches 7a');
    const [list] = texts(operator);
    expect(list).toContain('កែវ មករា (DEMO-001-T005) — ' + t('km', 'questions-homeroom'));
    expect(list).toContain('កែវ ពិសី (DEMO-001-T006) — English');

    await uncle.send('/ask');
    const [choose] = uncle.inbox();
    expect(choose!.text).toBe(t('km', 'questions-choose-child'));
    expect(buttonData(choose!.replyMarkup).sort()).toEqual([`q:c:${id.samnang}`, `q:c:${await studentId(app.database.db, 'DEMO-001-S00001')}`].sort());
    await uncle.press('· 7A');
    const [teachers] = uncle.inbox();
    expect(teachers!.text).toBe(t('km', 'questions-choose-teacher', { child: 'ស៊ុន សំណាង' }));
    expect(teachers!.replyMarkup.inline_keyboard.flat().map((b: { text: string }) => b.text)).toEqual([`កែវ មករា — ${t('km', 'questions-homeroom')}`, 'កែវ ពិសី — English']);
    await uncle.press('English');
    expect(texts(uncle)).toEqual([t('km', 'questions-compose-prompt', { teacher: 'កែវ ពិសី', child: 'ស៊ុន សំណាង' })]);
    await sendMessage(uncle, photo('AgACAgUAAxkBAAIUnclePhoto01', 'Is this the right English book?'));
    expect(texts(uncle)).toEqual([t('km', 'questions-sent', { teacher: 'កែវ ពិសី' })]);
    await delivery.deliver();
    const [copy] = callsTo(app.tg, teacher7B.id, 'sendPhoto');
    expect(copy!.photo).toBe('AgACAgUAAxkBAAIUnclePhoto01'); // the largest size
    expect(copy!.caption).toBe(`${t('km', 'questions-copy-question', { child: 'ស៊ុន សំណាង', class: '7A' })}\n${t('km', 'questions-copy-from', { name: 'ជា បូរ៉ា' })}\n\nIs this the right English book?`);
    expect(callsTo(app.tg, teacher7A.id, 'sendPhoto')).toHaveLength(0);
    teacher7B.inbox();
  });
});

describe('what may not be done', () => {
  it('a parent cannot write about someone else\'s child, even with a forged button', async () => {
    const before = await outboxCount();
    await parent2.pressData(`q:t:${id.ratanak}:${id.t005}`);
    expect(texts(parent2)).toEqual([t('km', 'questions-denied-not-your-child')]);
    await parent2.pressData(`q:c:${id.ratanak}`);
    expect(texts(parent2)).toEqual([t('km', 'questions-denied-not-your-child')]);
    // No conversation was started: the next text is not taken for a question (it is offered as one).
    await parent2.send('hello');
    expect(texts(parent2)).toEqual([t('km', 'questions-loose-offer')]);
    await parent2.press(t('km', 'questions-loose-leave'));
    expect(texts(parent2)).toEqual([t('km', 'questions-loose-left')]);
    expect(await outboxCount()).toBe(before);
    expect((await deniedAudit(parent2, 'question.ask')).map((a) => a.details)).toEqual([
      { reason: 'not-your-child', studentId: id.ratanak, staffId: id.t005 },
      { reason: 'not-your-child', studentId: id.ratanak },
    ]);
  });

  it('nor to staff who do not teach their child', async () => {
    await parent.pressData(`q:t:${id.ratanak}:${id.t003}`);
    expect(texts(parent)).toEqual([t('km', 'questions-denied-not-their-teacher')]);
    expect((await deniedAudit(parent, 'question.ask')).map((a) => (a.details as { reason: string }).reason)).toEqual(['not-their-teacher']);
  });

  it('a teacher cannot answer a thread addressed to someone else (forged Reply), and nothing reaches the parent', async () => {
    const before = await outboxCount();
    await teacher7B.pressData(`q:r:${firstThread}`);
    expect(texts(teacher7B)).toEqual([t('km', 'questions-denied-not-addressed')]);
    await teacher7B.send('I will answer instead');
    expect(texts(teacher7B)).toEqual([t('km', 'core-error-not-understood')]);
    expect(await outboxCount()).toBe(before);
    const messages = await app.database.db.select().from(questionMessages).where(eq(questionMessages.threadId, firstThread));
    expect(messages.filter((m) => m.authorUserId === teacher7B.id)).toHaveLength(0);
    const denied = await deniedAudit(teacher7B, 'question.answer');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ entity: 'thread', entityId: String(firstThread), details: { reason: 'not-addressed', threadId: firstThread } });
  });

  it('another parent can neither write in nor read a thread that is not theirs', async () => {
    await parent2.pressData(`q:f:${firstThread}`);
    await parent2.pressData(`q:h:${firstThread}`);
    expect(texts(parent2)).toEqual([t('km', 'questions-denied-not-your-thread'), t('km', 'questions-denied-not-allowed')]);
    expect((await deniedAudit(parent2, 'question.followup')).length).toBe(1);
    expect((await deniedAudit(parent2, 'question.read')).length).toBeGreaterThanOrEqual(1);
  });

  it('the principal may read any thread of the school (audited), but not answer it', async () => {
    await principal.pressData(`q:h:${firstThread}`);
    const [seen] = principal.inbox();
    expect(seen!.text).toContain(t('km', 'questions-history-title', { child: 'ឈឹម រតនៈ', class: '7A', teacher: 'កែវ មករា' }));
    expect(buttonData(seen!.replyMarkup).filter((d) => d.startsWith('q:r:') || d.startsWith('q:f:'))).toEqual([]);
    const reads = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'question.read'), eq(auditLog.actor, `tg:${principal.id}`)));
    expect(reads[0]!.details).toEqual({ threadId: firstThread, as: 'principal' });
    await principal.pressData(`q:r:${firstThread}`);
    expect(texts(principal)).toEqual([t('km', 'questions-denied-not-addressed')]);
  });

  it('staff cannot /ask; the office alone records who teaches what', async () => {
    await teacher1A.send('/ask');
    expect(texts(teacher1A)).toEqual([t('km', 'questions-denied-not-a-parent')]);
    await teacher1A.send('/teaches 7A DEMO-001-T003 Khmer');
    expect(texts(teacher1A)).toEqual([t('km', 'questions-denied-office-only')]);
    expect(await deniedAudit(teacher1A, 'teaching.change')).toHaveLength(1);
  });
});

describe('bad messages', () => {
  it('are refused one by one with a clear reason; nothing is sent; each refusal is audited', async () => {
    later(120);
    const before = await outboxCount();
    await askHomeroom(parent2);
    expect(texts(parent2)).toEqual([t('km', 'questions-compose-prompt', { teacher: 'កែវ មករា', child: 'កែវ ពិសិដ្ឋ' })]);
    await parent2.send('   \u200B ');
    await parent2.send('ក'.repeat(5000));
    await sendMessage(parent2, document('BQACAgUAAxkBAAIDocument001'));
    await sendMessage(parent2, voice('AwACAgUAAxkBAAIHugeVoice01', { file_size: 30 * 1024 * 1024 }));
    await sendMessage(parent2, voice('AwACAgUAAxkBAAILongVoice01', { duration: 900 }));
    await sendMessage(parent2, photo('AgACAgUAAxkBAAILongCaption', 'x'.repeat(900)));
    expect(texts(parent2)).toEqual([
      t('km', 'questions-bad-empty'),
      t('km', 'questions-bad-too-long', { max: '៣៥០០' }),
      t('km', 'questions-bad-unsupported'),
      t('km', 'questions-bad-too-big', { max: '៥' }),
      t('km', 'questions-bad-voice-too-long', { max: '៥' }),
      t('km', 'questions-bad-caption-too-long', { max: '៨០០' }),
    ]);
    expect(await outboxCount()).toBe(before);
    expect(await app.database.db.select().from(questionMessages).where(eq(questionMessages.authorUserId, parent2.id))).toHaveLength(0);
    expect((await deniedAudit(parent2, 'question.ask')).map((a) => (a.details as { problem?: string }).problem).filter(Boolean)).toEqual([
      'empty',
      'too-long',
      'unsupported',
      'too-big',
      'voice-too-long',
      'caption-too-long',
    ]);
    // Still writing: cancelling sends nothing.
    await parent2.press(t('km', 'questions-cancel'));
    expect(texts(parent2)).toEqual([t('km', 'questions-cancelled')]);
    expect(await outboxCount()).toBe(before);
  });
});

describe('the rate limit', () => {
  it('stops a parent after the school\'s number of questions per hour, before they type, and lets them go on later', async () => {
    later(120);
    const [school] = await app.database.rows<{ id: number }>(sql`select id from schools`);
    await setQuestionRules(app.database.db, { schoolId: Number(school!.id), maxPerHour: 2, actor: 'cli' });
    for (const text of ['First question', 'Second question']) {
      await askHomeroom(parent2);
      await parent2.send(text);
      expect(texts(parent2).at(-1)).toBe(t('km', 'questions-sent', { teacher: 'កែវ មករា' }));
    }
    await parent2.send('/ask');
    expect(texts(parent2)).toEqual([t('km', 'questions-rate-hour', { limit: '២' })]);
    // A client that skips the buttons meets the same limit in the service.
    const actor = await loadActor(app.database.db, parent2.id);
    const r = await askQuestion(app.database.db, { actor, to: { studentId: id.piseth, staffId: id.t005 }, content: { kind: 'text', text: 'Third' }, urgent: false }, { notifier: app.notifier, now });
    expect(r).toEqual({ ok: false, reason: 'rate-hour', limit: 2 });
    expect((await deniedAudit(parent2, 'question.ask')).filter((a) => (a.details as { reason: string }).reason === 'rate-hour')).toHaveLength(1);

    later(61);
    await askHomeroom(parent2);
    expect(texts(parent2)).toEqual([t('km', 'questions-compose-prompt', { teacher: 'កែវ មករា', child: 'កែវ ពិសិដ្ឋ' })]);
    await parent2.press(t('km', 'questions-cancel'));
    parent2.inbox();
    await setQuestionRules(app.database.db, { schoolId: Number(school!.id), maxPerHour: 5, actor: 'cli' });
    await delivery.deliver();
    teacher7A.inbox();
  });
});

describe('the principal and the office', () => {
  it('the principal sees open questions with their age and each teacher\'s response times', async () => {
    later(30);
    await principal.send('/questions');
    const [overview] = principal.inbox();
    // Open: parent2's two questions (one thread) to the homeroom teacher, the uncle's photo to the English teacher.
    expect(overview!.text).toContain(t('km', 'questions-school-title', { open: '២', overdue: '០', hours: '២៤' }));
    expect(overview!.text).toContain(
      t('km', 'questions-school-teacher', { teacher: 'កែវ មករា', open: '១', overdue: '០', answered: '២', average: t('km', 'questions-dur-minutes', { m: '១៥' }), median: t('km', 'questions-dur-minutes', { m: '១៥' }) }),
    );
    expect(overview!.text).toContain('កែវ ពិសី');
    expect(buttonData(overview!.replyMarkup).every((d) => /^q:h:\d+$/.test(d))).toBe(true);
    expect(await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'question.overview'), eq(auditLog.actor, `tg:${principal.id}`)))).toHaveLength(1);
  });

  it('a teacher sees the questions waiting for them', async () => {
    await teacher7A.send('/questions');
    const [mine] = teacher7A.inbox();
    expect(mine!.text).toContain(t('km', 'questions-mine-title', { count: '១' }));
    expect(mine!.text).toContain('កែវ ពិសិដ្ឋ · 7A');
  });

  it('the principal sets the answer time; others may not', async () => {
    await principal.send('/questions within 48');
    expect(texts(principal)).toEqual([t('km', 'questions-within-set', { hours: '៤៨' })]);
    await principal.send('/questions within 0');
    expect(texts(principal)).toEqual([t('km', 'questions-within-usage')]);
    await teacher7A.send('/questions within 1');
    await operator.send('/questions within 1');
    expect(texts(teacher7A)).toEqual([t('km', 'questions-denied-principal-only')]);
    expect(texts(operator)).toEqual([t('km', 'questions-denied-principal-only')]);
    expect(await deniedAudit(operator, 'question.settings')).toHaveLength(1);
    const [rules] = await app.database.rows<{ answer_within_hours: number }>(sql`select answer_within_hours from question_settings`);
    expect(Number(rules!.answer_within_hours)).toBe(48);
  });

  it('the office removes a subject teacher; unknown classes and codes are named', async () => {
    await operator.send('/teaches 9Z DEMO-001-T006');
    await operator.send('/teaches 7A NOBODY');
    await operator.send('/teaches remove 7A DEMO-001-T006');
    await operator.send('/teaches remove 7A DEMO-001-T006');
    await operator.send('/teaches');
    expect(texts(operator)).toEqual([
      t('km', 'questions-teaches-unknown-class'),
      t('km', 'questions-teaches-unknown-staff'),
      t('km', 'questions-teaches-removed', { class: '7A' }),
      t('km', 'questions-teaches-not-there', { class: '7A' }),
      t('km', 'questions-teaches-usage'),
    ]);
  });

  it('staff set and clear quiet hours; parents have none', async () => {
    await teacher1A.send('/quiet 20:00 6:30');
    await teacher1A.send('/quiet');
    await teacher1A.send('/quiet 25:00 06:00');
    await teacher1A.send('/quiet off');
    await teacher1A.send('/quiet');
    await parent.send('/quiet');
    expect(texts(teacher1A)).toEqual([
      t('km', 'questions-quiet-set', { from: '២០:០០', to: '០៦:៣០' }),
      t('km', 'questions-quiet-current', { from: '២០:០០', to: '០៦:៣០' }),
      t('km', 'questions-quiet-usage'),
      t('km', 'questions-quiet-off'),
      t('km', 'questions-quiet-none'),
    ]);
    expect(texts(parent)).toEqual([t('km', 'questions-denied-staff-only')]);
  });

  it('/help tells each role about its commands, and the menus offer them', async () => {
    await parent.send('/help');
    expect(texts(parent)[0]).toContain(t('km', 'questions-help-parent'));
    await teacher7A.send('/help');
    expect(texts(teacher7A)[0]).toContain(t('km', 'questions-help-teacher'));
    await principal.send('/help');
    expect(texts(principal)[0]).toContain(t('km', 'questions-help-principal'));
    const commands = app.tg.callsOf('setMyCommands');
    const forChat = (u: TestUser) => commands.filter((c) => c.payload.scope.chat_id === u.id).at(-1)!.payload.commands.map((c: { command: string }) => c.command);
    expect(forChat(parent)).toEqual(expect.arrayContaining(['ask', 'questions']));
    expect(forChat(teacher7A)).toEqual(expect.arrayContaining(['questions', 'quiet']));
    expect(forChat(teacher7A)).not.toContain('ask');
    await parent.send('/menu');
    expect(parent.inbox()[0]!.replyMarkup.inline_keyboard.flat().map((b: { text: string }) => b.text)).toContain(t('km', 'questions-menu-ask'));
  });
});

describe('a restart while a question is being written', () => {
  it('loses nothing: the new process takes the question', async () => {
    later(90);
    await parent.send('/ask');
    expect(texts(parent)).toEqual([t('km', 'questions-compose-prompt', { teacher: 'កែវ មករា', child: 'ឈឹម រតនៈ' })]);
    // A second bot on the same database stands for the restarted process.
    const restarted = await createTestApp({ database: app.database, now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
    const same = restarted.user(parent.id, 'again');
    await same.send('After the restart: is school open on Friday?');
    expect(texts(same)).toEqual([t('km', 'questions-sent', { teacher: 'កែវ មករា' })]);
    await delivery.deliver();
    expect(teacher7A.inbox().at(-1)!.text).toContain('After the restart: is school open on Friday?');
    const rows = await app.database.db.select().from(outbox).where(sql`dedupe_key like 'q:%:staff'`);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });
});

describe('a teacher with several questions', () => {
  it('who taps Reply on one and then on another answers the second only', async () => {
    const [other] = await app.database.db.select({ id: questionThreads.id }).from(questionThreads).where(eq(questionThreads.parentUserId, parent2.id));
    await teacher7A.pressData(`q:r:${firstThread}`);
    await teacher7A.pressData(`q:r:${other!.id}`);
    expect(texts(teacher7A)).toEqual([t('km', 'questions-answer-prompt', { child: 'ឈឹម រតនៈ', class: '7A' }), t('km', 'questions-answer-prompt', { child: 'កែវ ពិសិដ្ឋ', class: '7A' })]);
    await teacher7A.send('Yes, school is open on Friday.');
    expect(texts(teacher7A)).toEqual([t('km', 'questions-answer-sent', { child: 'កែវ ពិសិដ្ឋ' })]);
    await delivery.deliver();
    expect(parent2.inbox().map((m) => m.text)).toEqual([`${t('km', 'questions-copy-answer', { teacher: 'កែវ មករា', child: 'កែវ ពិសិដ្ឋ' })}\n\nYes, school is open on Friday.`]);
    expect(parent.inbox()).toEqual([]);
    const states = await app.database.db.select({ id: questionThreads.id, status: questionThreads.status }).from(questionThreads).where(sql`id in (${firstThread}, ${other!.id})`);
    expect(Object.fromEntries(states.map((s) => [s.id, s.status]))).toEqual({ [firstThread]: 'open', [other!.id]: 'answered' });
  });
});
