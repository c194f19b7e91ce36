/**
 * The question and answer conversations read only their own prompts' buttons: a parent who
 * answers an absence alert while writing a question has the answer recorded by attendance and
 * goes on writing; a teacher who opens a thread's history or their attendance sheet while
 * writing an answer gets them, and the answer still goes. The outbox rows of a question and of
 * an answer name their capability, message and child.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { outbox } from '../../src/core/db/schema.js';
import { attendance } from '../../src/attendance/schema.js';
import { questionMessages } from '../../src/questions/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery, type TestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';
import { buttonData, studentId } from './helpers.js';

// Monday 23 November 2026, 13:10 in Phnom Penh (UTC+7): class 1A (afternoon) is in session.
const now = new Date('2026-11-23T06:10:00Z');
let app: TestApp;
let delivery: TestDelivery;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

let teacher: TestUser; // DEMO-001-T003 Um Maly (អ៊ុំ ម៉ាលី), homeroom 1A
let parent: TestUser; // 081 600 791: grandmother of Nob Thida (ណុប ធីតា), roll 5 of 1A
let child = 0;

/** What a user was told (a prompt losing its buttons is not something said). */
const texts = (u: TestUser) => u.inbox().filter((m) => m.method !== 'editMessageReplyMarkup').map((m) => m.text);

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  delivery = startTestDelivery(app);
  teacher = app.user(7001, 'Maly');
  await teacher.shareContact('016 005 138');
  parent = app.user(7101, 'B');
  await parent.shareContact('081 600 791');
  child = await studentId(app.database.db, 'DEMO-001-S00005');
  teacher.inbox();
  parent.inbox();

  // The roll: roll 5 absent, confirmed; the family gets an alert with answer buttons.
  await teacher.send('/attendance');
  await teacher.press('5. ✅');
  await teacher.press(t('km', 'attendance-sheet-submit'));
  await teacher.press(t('km', 'attendance-sheet-confirm-yes'));
  await delivery.deliver();
  teacher.inbox();
  const [alert] = parent.inbox();
  expect(alert!.replyMarkup.inline_keyboard.flat().map((b: { text: string }) => b.text)).toContain(t('km', 'attendance-alert-answer-sick'));
});

afterAll(async () => {
  await delivery?.stop();
  await app?.close();
});

describe('while a parent writes a question', () => {
  it("the absence alert's answer button is handled by attendance, and the question stays open and goes", async () => {
    await parent.send('/ask');
    if (buttonData(parent.received().at(-1)?.replyMarkup).some((d) => d.startsWith('q:c:'))) await parent.press('ណុប ធីតា');
    if (buttonData(parent.received().at(-1)?.replyMarkup).some((d) => d.startsWith('q:t:'))) await parent.press(t('km', 'questions-homeroom'));
    expect(texts(parent).at(-1)).toBe(t('km', 'questions-compose-prompt', { teacher: 'អ៊ុំ ម៉ាលី', child: 'ណុប ធីតា' }));

    await parent.press(t('km', 'attendance-alert-answer-sick'));
    expect(texts(parent)).toContain(t('km', 'attendance-alert-answer-recorded'));
    const [mark] = await app.database.db.select({ status: attendance.status, reason: attendance.excuseReason }).from(attendance).where(eq(attendance.studentId, child));
    expect(mark).toEqual({ status: 'excused', reason: 'sick' });

    // Still writing: the next message is the question.
    await parent.send('តើកូនខ្ញុំត្រូវធ្វើកិច្ចការផ្ទះពេលសម្រាកនៅផ្ទះទេ?');
    expect(texts(parent)).toEqual([t('km', 'questions-sent', { teacher: 'អ៊ុំ ម៉ាលី' })]);
    const [message] = await app.database.db.select().from(questionMessages).where(eq(questionMessages.authorUserId, parent.id));
    expect(message!.body).toBe('តើកូនខ្ញុំត្រូវធ្វើកិច្ចការផ្ទះពេលសម្រាកនៅផ្ទះទេ?');
  });

  it("the teacher's copy is an outbox row of the questions capability, about that message and that child", async () => {
    const [message] = await app.database.db.select().from(questionMessages).where(eq(questionMessages.authorUserId, parent.id));
    const [row] = await app.database.db.select().from(outbox).where(and(eq(outbox.chatId, teacher.id), eq(outbox.entity, 'question_message')));
    expect(row).toMatchObject({ capability: 'questions', entity: 'question_message', entityId: message!.id, studentId: child });
  });
});

describe('while a teacher writes an answer', () => {
  it("a thread's history and the attendance sheet open on the way, and the answer still goes", async () => {
    await delivery.deliver();
    const [copy] = teacher.inbox();
    await teacher.press(t('km', 'questions-button-reply'));
    expect(texts(teacher)).toEqual([t('km', 'questions-answer-prompt', { child: 'ណុប ធីតា', class: '1A' })]);

    // The copy's other button: the thread's history, shown by the questions capability.
    await teacher.pressData(buttonData(copy!.replyMarkup).find((d) => d.startsWith('q:h:'))!, copy!.messageId, copy!.text);
    const [history] = teacher.inbox();
    expect(history!.text).toContain(t('km', 'questions-history-title', { child: 'ណុប ធីតា', class: '1A', teacher: 'អ៊ុំ ម៉ាលី' }));

    // A button of the attendance capability: the submitted roll's «Correct» opens the sheet again.
    await teacher.press(t('km', 'attendance-sheet-correct'));
    const sheet = teacher.inbox().at(-1)!;
    expect(sheet.text).toContain(t('km', 'attendance-sheet-title', { class: '1A', shift: t('km', 'core-shift-afternoon'), date: '២៣ វិច្ឆិកា ២០២៦' }));

    // Still answering: the next message is the answer, and it reaches the parent.
    await teacher.send('មិនបាច់ទេ សូមឲ្យគាត់សម្រាកឲ្យបានល្អ។');
    expect(texts(teacher)).toEqual([t('km', 'questions-answer-sent', { child: 'ណុប ធីតា' })]);
    await delivery.deliver();
    const [answer] = parent.inbox();
    expect(answer!.text).toBe(`${t('km', 'questions-copy-answer', { teacher: 'អ៊ុំ ម៉ាលី', child: 'ណុប ធីតា' })}\n\nមិនបាច់ទេ សូមឲ្យគាត់សម្រាកឲ្យបានល្អ។`);
    const [reply] = await app.database.db.select().from(questionMessages).where(eq(questionMessages.authorUserId, teacher.id));
    const [row] = await app.database.db.select().from(outbox).where(and(eq(outbox.chatId, parent.id), eq(outbox.entity, 'question_message')));
    expect(row).toMatchObject({ capability: 'questions', entityId: reply!.id, studentId: child, status: 'sent' });
  });
});
