/**
 * Questions in the reader's language, through the real bot, the outbox and the sender: an English
 * parent and an English teacher go /ask → question → answer → history → lists → a question held
 * for quiet hours, and nothing either of them receives holds a Khmer digit; a Khmer-speaking parent
 * and the Khmer-speaking principal (the overview, the escalation) see Khmer digits in every
 * number, date and time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { questionThreads } from '../../src/questions/schema.js';
import { outbox } from '../../src/core/db/schema.js';
import { escalateOverdue } from '../../src/questions/service-escalation.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery, type TestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { Received, TestUser } from '../support/telegram.js';
import { buttonData } from './helpers.js';

// Monday 11 January 2027, 10:00 in Phnom Penh.
let now = new Date('2027-01-11T03:00:00Z');
const later = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};
let app: TestApp;
let delivery: TestDelivery;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

let teacher: TestUser; // T005 Keo Makara, homeroom 7A: English
let parent: TestUser; // guardian of Chhim Ratanak (7A): English
let parent2: TestUser; // guardian of Keo Piseth (7A): Khmer
let principal: TestUser; // Khmer

const KHMER_DIGIT = /[០-៩]/;
const ASCII_DIGIT = /[0-9]/;
/** class names (7A) are written as the school writes them */
const withoutClassNames = (s: string) => s.replace(/\b\d{1,2}[A-Z]\b/g, '');

/** Everything the fake Bot API was asked to show this chat since `since`: texts, captions, button labels, callback answers. */
function everythingSentTo(chatId: number, since: number): string[] {
  return app.tg.calls
    .slice(since)
    .filter((c) => String(c.payload.chat_id) === String(chatId) || (c.method === 'answerCallbackQuery' && String(c.payload.callback_query_id).startsWith(`${chatId}:`)))
    .flatMap((c) => [c.payload.text ?? '', c.payload.caption ?? '', ...((c.payload.reply_markup?.inline_keyboard ?? []) as Array<Array<{ text: string }>>).flat().map((b) => b.text)])
    .filter((s) => s !== '');
}

/** Presses the button labelled `label` on one received message. */
async function pressOn(u: TestUser, m: Received, label: string) {
  const button = ((m.replyMarkup?.inline_keyboard ?? []) as Array<Array<{ text: string; callback_data?: string }>>).flat().find((b) => b.text === label);
  if (!button?.callback_data) throw new Error(`no button ${label} on ${m.text}`);
  await u.pressData(button.callback_data, m.messageId ?? 1, m.text);
}

let start = 0;

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  delivery = startTestDelivery(app);
  const link = async (tgId: number, phone: string, english = false) => {
    const u = app.user(tgId, `u${tgId}`);
    if (english) {
      await u.send('/language');
      await u.press('English');
    }
    await u.shareContact(phone);
    u.inbox();
    return u;
  };
  teacher = await link(5001, '016 025 313', true);
  principal = await link(5002, '093 388 921');
  parent = await link(5101, '015 433 601', true);
  parent2 = await link(5102, '016 812 644');
  start = app.tg.calls.length;
});

afterAll(async () => {
  await delivery?.stop();
  await app?.close();
});

describe('/ask → answer → history', () => {
  const question = 'Is there homework for the holiday?';
  const question2 = 'សួស្តីលោកគ្រូ តើកូនខ្ញុំត្រូវយកសៀវភៅអ្វីខ្លះ?';
  let copies: Received[] = [];

  it('the parents ask, each in their language', async () => {
    await parent.send('/ask');
    expect(parent.inbox().map((m) => m.text)).toEqual([t('en', 'questions-compose-prompt', { teacher: 'Keo Makara', child: 'Chhim Ratanak (ឈឹម រតនៈ)' })]);
    await parent.send(question);
    expect(parent.inbox().at(-1)!.text).toBe(t('en', 'questions-sent', { teacher: 'Keo Makara' }));
    await parent2.send('/ask');
    await parent2.send(question2);
    expect(parent2.inbox().at(-1)!.text).toBe(t('km', 'questions-sent', { teacher: 'កែវ មករា' }));
    await delivery.deliver();
    const received = teacher.inbox();
    expect(received).toHaveLength(2);
    // The sender may deliver the two in either order: the parent's first, then parent2's.
    copies = [question, question2].map((q) => received.find((m) => m.text.endsWith(q))!);
    expect(copies[0]!.text.split('\n')[0]).toBe(t('en', 'questions-copy-question', { child: 'Chhim Ratanak (ឈឹម រតនៈ)', class: '7A' }));
  });

  it('the teacher sees the waiting questions with English durations and answers both', async () => {
    later(25);
    await teacher.send('/questions');
    const [list] = teacher.inbox();
    expect(list!.text).toContain(t('en', 'questions-mine-title', { count: '2' }));
    expect(list!.text).toContain(t('en', 'questions-list-waiting', { waited: t('en', 'questions-dur-minutes', { m: '25' }) }));
    expect(buttonData(list!.replyMarkup)).toHaveLength(2);

    for (const copy of copies) {
      await pressOn(teacher, copy, t('en', 'questions-button-reply'));
      await teacher.send('Pages 12 to 14 of the maths book.');
    }
    expect(teacher.inbox().filter((m) => m.method === 'sendMessage').map((m) => m.text)).toEqual([
      t('en', 'questions-answer-prompt', { child: 'Chhim Ratanak (ឈឹម រតនៈ)', class: '7A' }),
      t('en', 'questions-answer-sent', { child: 'Chhim Ratanak (ឈឹម រតនៈ)' }),
      t('en', 'questions-answer-prompt', { child: 'Keo Piseth (កែវ ពិសិដ្ឋ)', class: '7A' }),
      t('en', 'questions-answer-sent', { child: 'Keo Piseth (កែវ ពិសិដ្ឋ)' }),
    ]);
    await delivery.deliver();
  });

  it('the English parent reads the answer and the history with English dates and times', async () => {
    const [answer] = parent.inbox();
    expect(answer!.text).toBe(`${t('en', 'questions-copy-answer', { teacher: 'Keo Makara', child: 'Chhim Ratanak (ឈឹម រតនៈ)' })}\n\nPages 12 to 14 of the maths book.`);
    await pressOn(parent, answer!, t('en', 'questions-button-history'));
    const [history] = parent.inbox();
    expect(history!.text).toContain(`${t('en', 'questions-history-parent')} · 11 January 2027 10:00\n${question}`);
    expect(history!.text).toContain(`${t('en', 'questions-history-staff')} · 11 January 2027 10:25`);
    await parent.send('/questions');
    expect(parent.inbox()[0]!.text).toContain(t('en', 'questions-parent-title'));
  });

  it('the Khmer parent reads the same in Khmer digits', async () => {
    const [answer] = parent2.inbox();
    expect(answer!.text.split('\n')[0]).toBe(t('km', 'questions-copy-answer', { teacher: 'កែវ មករា', child: 'កែវ ពិសិដ្ឋ' }));
    await pressOn(parent2, answer!, t('km', 'questions-button-history'));
    const [history] = parent2.inbox();
    expect(history!.text).toContain(`${t('km', 'questions-history-parent')} · ១១ មករា ២០២៧ ១០:០០\n${question2}`);
    expect(history!.text).toContain(`${t('km', 'questions-history-staff')} · ១១ មករា ២០២៧ ១០:២៥`);
    // The teacher's answer is quoted as written; everything the bot wrote around it is Khmer.
    expect(withoutClassNames(history!.text.replace('Pages 12 to 14 of the maths book.', ''))).not.toMatch(ASCII_DIGIT);
  });

  it('a question held for the quiet hours tells each parent when it arrives, in their digits', async () => {
    await teacher.send('/quiet 10:00 23:00');
    teacher.inbox();
    later(5);
    await pressOn(parent, parent.received().find((m) => m.text.startsWith(t('en', 'questions-copy-answer', { teacher: 'Keo Makara', child: 'Chhim Ratanak (ឈឹម រតនៈ)' })))!, t('en', 'questions-button-write-back'));
    await parent.send('Thank you! And the science book?');
    expect(parent.inbox().at(-1)!.text).toBe(t('en', 'questions-sent-later', { teacher: 'Keo Makara', time: '11 January 2027 23:00' }));
    await pressOn(parent2, parent2.received().find((m) => m.text.startsWith(t('km', 'questions-copy-answer', { teacher: 'កែវ មករា', child: 'កែវ ពិសិដ្ឋ' })))!, t('km', 'questions-button-write-back'));
    await parent2.send('អរគុណលោកគ្រូ');
    expect(parent2.inbox().at(-1)!.text).toBe(t('km', 'questions-sent-later', { teacher: 'កែវ មករា', time: '១១ មករា ២០២៧ ២៣:០០' }));
  });

  it('the Khmer principal sees the overview and the escalations in Khmer digits', async () => {
    await principal.send('/questions');
    const [overview] = principal.inbox();
    expect(overview!.text).toContain(t('km', 'questions-school-title', { open: '២', overdue: '០', hours: '២៤' }));
    expect(withoutClassNames(overview!.text)).not.toMatch(ASCII_DIGIT);

    // The night passed and a whole day: both questions are past their time.
    later(40 * 60);
    await app.database.db.update(outbox).set({ notBefore: sql`now()` }).where(sql`status = 'pending' and not_before > now()`);
    expect(await escalateOverdue(app.database.db, now, app.notifier)).toEqual({ threads: 2, messages: 2 });
    await delivery.deliver();
    const notices = principal.inbox();
    expect(notices).toHaveLength(2);
    for (const n of notices) {
      expect(n.text).toMatch(KHMER_DIGIT);
      expect(withoutClassNames(n.text)).not.toMatch(ASCII_DIGIT);
    }
    // Each notice is an outbox row about its thread and its child.
    const rows = await app.database.db.select().from(outbox).where(eq(outbox.chatId, principal.id));
    const threads = await app.database.db.select({ id: questionThreads.id, studentId: questionThreads.studentId }).from(questionThreads);
    expect(rows.map((r) => [r.capability, r.entity, r.entityId, r.studentId]).sort()).toEqual(threads.map((th) => ['questions', 'question_thread', th.id, th.studentId]).sort());
  });

  it('nothing the English parent or teacher received holds a Khmer digit', async () => {
    const parentSaw = everythingSentTo(parent.id, start);
    const teacherSaw = everythingSentTo(teacher.id, start);
    expect(parentSaw.length).toBeGreaterThan(8);
    expect(teacherSaw.length).toBeGreaterThan(8);
    for (const words of [...parentSaw, ...teacherSaw]) expect(words).not.toMatch(KHMER_DIGIT);
  });
});
