/**
 * The "done when", through the bot, on the demo school: the office imports a timetable
 * (one conflict reported by its cell, fixed, imported); Keo Pisey (T006, 7B's homeroom teacher)
 * asks for Monday off, the principal approves, the office covers her five lessons with free
 * teachers (fewest covers first) and her class's attendance goes to the cover; Monday passes,
 * every teacher gets one lesson-book message per shift and confirms it with one tap; /hours shows
 * planned against delivered for each teacher, the covered lessons counted for the substitutes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, classes, staff } from '../../src/core/db/schema.js';
import { classSubstitutes } from '../../src/attendance/schema.js';
import { DEMO_FIXTURES } from '../../src/roster/demo.js';
import { runTeachingJob, type TeachingJob } from '../../src/teaching/jobs.js';
import { lessonCovers, lessons } from '../../src/teaching/schema.js';
import { leaveRequests } from '../../src/staffing/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

// Sunday 22 November 2026, 10:00 in Phnom Penh.
let now = new Date('2026-11-22T03:00:00Z');
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
const file = (name: string) => readFileSync(path.join(DEMO_FIXTURES, name));

let principal: TestUser;
let operator: TestUser;
const teachers: Record<string, TestUser> = {};
const PHONES: Record<string, string> = { T003: '016 005 138', T004: '081 883 280', T005: '016 025 313', T006: '081 130 751', T007: '096 489 636' };
let staffId: Record<string, number>;

async function runJobs() {
  while (app.jobs.length) {
    const job = app.jobs.shift()!;
    await runTeachingJob(app.database, job.data as TeachingJob, app.notifier, () => now);
  }
}

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  const delivery = startTestDelivery(app);
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;
  principal = app.user(15001, 'Sophea');
  await principal.shareContact('093 388 921');
  operator = app.user(15002, 'Sreymom');
  await operator.shareContact('016 373 035');
  let uid = 15010;
  for (const [code, phone] of Object.entries(PHONES)) {
    teachers[code] = app.user(uid++, code);
    await teachers[code]!.shareContact(phone);
  }
  staffId = Object.fromEntries((await app.database.db.select({ id: staff.id, code: staff.staffCode }).from(staff)).map((s) => [s.code.split('-').pop()!, s.id]));
  for (const u of [principal, operator, ...Object.values(teachers)]) u.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('a week of the demo school, as its people live it', () => {
  it('the office imports the timetable: one conflict reported by cell, fixed, imported', async () => {
    await operator.send('/timetable');
    expect(operator.inbox().at(-1)!.text).toContain(t('teaching-timetable-none'));
    await operator.press(t('teaching-timetable-import'));
    expect(operator.inbox().at(-1)!.text).toBe(t('teaching-import-ask'));
    await operator.sendDocument(file('timetable-conflict.xlsx'), 'timetable-conflict.xlsx');
    const refused = operator.inbox().at(-1)!.text;
    expect(refused).toContain(t('teaching-import-problems', { count: '១' }));
    expect(refused).toContain('7B!B4');
    expect(refused).toContain('7A!B4');
    expect(refused).toContain('លី រតនា'); // T007, the teacher booked twice
    await operator.sendDocument(file('timetable.xlsx'), 'timetable.xlsx');
    expect(operator.inbox().at(-1)!.text).toBe(t('teaching-import-done', { classes: '៥', lessons: '១៥០', teachers: '៥', from: '២២ វិច្ឆិកា ២០២៦' }));
  });

  it('teachers and parents see the week as a picture', async () => {
    await teachers.T005!.send('/timetable');
    const [photo] = teachers.T005!.inbox();
    expect(photo!.method).toBe('sendPhoto');
    expect(photo!.text).toBe(t('teaching-picture-teacher', { name: 'កែវ មករា' }));
    const parent = app.user(15100, 'Mum');
    await parent.shareContact('086 915 326'); // a child in 1A and one in 7A
    parent.inbox();
    await parent.send('/timetable');
    const choose = parent.inbox().at(-1)!;
    expect(choose.text).toBe(t('teaching-timetable-which-child'));
    await parent.press('7A');
    expect(parent.inbox().at(-1)).toMatchObject({ method: 'sendPhoto', text: t('teaching-picture-class', { class: '7A', shift: t('core-shift-morning') }) });
  });

  it('Keo Pisey asks for Monday off; the principal approves in one tap; the office gets the five lessons to cover', async () => {
    const pisey = teachers.T006!;
    await pisey.send('/leave');
    await pisey.press(t('teaching-leave-tomorrow'));
    await pisey.press(t('teaching-leave-reason-sick'));
    await pisey.press(t('teaching-leave-skip-photo'));
    expect(pisey.inbox().at(-1)!.text).toContain(t('teaching-leave-reason-sick'));
    await pisey.press(t('teaching-leave-send'));
    expect(pisey.inbox().at(-1)!.text).toBe(t('teaching-leave-sent'));
    await deliver();
    const ask = principal.inbox().at(-1)!;
    expect(ask.text).toContain('កែវ ពិសី');
    await principal.press(t('teaching-leave-approve'));
    await deliver();
    expect(pisey.inbox().at(-1)!.text).toBe(t('teaching-leave-told-approved', { days: '២៣ វិច្ឆិកា ២០២៦', reason: t('teaching-leave-reason-sick') }));
    const list = operator.inbox().at(-1)!;
    expect(list.text).toContain(t('teaching-cover-count', { open: '៥', total: '៥' }));
    expect(principal.inbox().some((m) => m.text.includes(t('teaching-cover-count', { open: '៥', total: '៥' })))).toBe(true);
    const [leave] = await app.database.db.select().from(leaveRequests);
    expect(leave).toMatchObject({ status: 'approved', fromDay: '2026-11-23', toDay: '2026-11-23', reason: 'sick' });
  });

  it('the office covers each lesson with a free teacher, fewest covers first; 7B\'s attendance follows', async () => {
    const chosen: string[] = [];
    for (let i = 0; i < 5; i++) {
      await operator.press('🔁');
      const candidates = operator.inbox().at(-1)!;
      const names = candidates.replyMarkup.inline_keyboard.flat().map((b: { text: string }) => b.text);
      // The free teachers then: the afternoon teachers (the morning ones all teach), fewest covers first.
      expect(names.filter((n: string) => n.includes('·')).length).toBe(2);
      const first = names[0] as string;
      chosen.push(first.split(' · ')[0]!);
      await operator.press(first);
    }
    expect(operator.inbox().at(-1)!.text).toContain(t('teaching-cover-count', { open: '០', total: '៥' }));
    // Fairness: the two free teachers share the five covers 3 / 2.
    const counts = [...new Set(chosen)].map((n) => chosen.filter((c) => c === n).length).sort();
    expect(counts).toEqual([2, 3]);
    expect(await app.database.db.select().from(lessonCovers)).toHaveLength(5);
    await deliver();
    const told = [...teachers.T003!.inbox(), ...teachers.T004!.inbox()].filter((m) => m.text.startsWith('🔁'));
    expect(told).toHaveLength(5);
    const [c7b] = await app.database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '7B'));
    const subs = await app.database.db.select().from(classSubstitutes).where(and(eq(classSubstitutes.classId, c7b!.id), eq(classSubstitutes.day, '2026-11-23')));
    expect(subs.map((s) => s.staffId).sort()).toEqual([staffId.T003, staffId.T004].sort());
  });

  it('a cover by a teacher who teaches then is refused and audited', async () => {
    const [leave] = await app.database.db.select().from(leaveRequests);
    const [c7b] = await app.database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '7B'));
    await operator.pressData(`cv:as:${leave!.id}:20261123:${c7b!.id}:2:${staffId.T005}`);
    expect(operator.inbox().at(-1)).toMatchObject({ method: 'answerCallbackQuery', text: t('teaching-cover-refused-busy') });
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'cover.assign'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(1);
  });

  it('Monday: at each shift end every teacher gets one message and confirms in one tap', async () => {
    now = new Date('2026-11-23T04:00:00Z'); // 11:00, the morning shift ends
    const morning = await runTeachingJob(app.database, { kind: 'shift-end', schoolId: 1, shift: 'morning' }, app.notifier, () => now);
    expect(morning).toMatchObject({ day: '2026-11-23', lessons: 15 });
    await deliver();
    for (const code of ['T005', 'T007']) {
      const got = teachers[code]!.inbox();
      expect(got).toHaveLength(1);
      expect(got[0]!.text).toContain(t('teaching-book-title', { weekday: t('teaching-day-1'), date: '២៣ វិច្ឆិកា ២០២៦', shift: ` · ${t('core-shift-morning')}` }));
      await teachers[code]!.press(t('teaching-book-confirm', { count: '៥' }));
      expect(teachers[code]!.inbox().some((m) => m.text === t('teaching-book-confirmed', { count: '៥' }))).toBe(true);
    }
    expect(teachers.T006!.inbox()).toHaveLength(0); // on leave: no lesson book
    for (const code of ['T003', 'T004']) {
      const [book] = teachers[code]!.inbox();
      expect(book!.text).toContain(t('teaching-book-cover-for', { name: 'កែវ ពិសី' }));
      await teachers[code]!.press('✅');
      teachers[code]!.inbox();
    }
    now = new Date('2026-11-23T10:00:00Z'); // 17:00, the afternoon shift ends
    await runTeachingJob(app.database, { kind: 'shift-end', schoolId: 1, shift: 'afternoon' }, app.notifier, () => now);
    await deliver();
    for (const code of ['T003', 'T004']) {
      const got = teachers[code]!.inbox();
      expect(got).toHaveLength(1);
      await teachers[code]!.press(t('teaching-book-confirm', { count: '៥' }));
    }
    const open = await app.database.db.select().from(lessons).where(eq(lessons.day, '2026-11-23'));
    expect(open).toHaveLength(25);
    expect(open.every((l) => l.confirmedAt !== null && l.status === 'taught')).toBe(true);
  });

  it('a teacher cannot confirm someone else\'s lessons (refused, audited)', async () => {
    await teachers.T005!.pressData(`lb:ok:${staffId.T007}:20261123:x`);
    expect(teachers.T005!.inbox().at(-1)).toMatchObject({ method: 'answerCallbackQuery', text: t('teaching-denied-book') });
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'lesson.confirm'), eq(auditLog.outcome, 'denied')));
    expect(denied.length).toBeGreaterThanOrEqual(1);
  });

  it('/hours shows planned against delivered per teacher, the covered lessons counted for the substitutes', async () => {
    await principal.send('/hours');
    expect(principal.inbox().at(-1)!.text).toContain('⏳');
    await runJobs();
    await deliver();
    const got = principal.inbox();
    const photo = got.find((m) => m.method === 'sendPhoto')!;
    expect(photo.text).toContain(t('teaching-hours-totals', { planned: '២៥', delivered: '២៥', share: '១០០%', notTaught: '០', unconfirmed: '០', covers: '៥' }));
    const doc = got.find((m) => m.method === 'sendDocument')!;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(doc.payload.document.bytes) as never);
    const sheet = book.getWorksheet(t('teaching-sheet-teachers'))!;
    const rows = new Map<string, number[]>();
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const v = row.values as unknown[];
      rows.set(String(v[1]).split('-').pop()!, [v[3], v[4], v[5], v[6], v[7]].map(Number)); // planned, own, cover given, cover received, total
    });
    expect(rows.get('T005')).toEqual([5, 5, 0, 0, 5]);
    expect(rows.get('T007')).toEqual([5, 5, 0, 0, 5]);
    expect(rows.get('T006')).toEqual([5, 0, 0, 5, 0]);
    const t3 = rows.get('T003')!;
    const t4 = rows.get('T004')!;
    expect([t3[0], t3[1], t4[0], t4[1]]).toEqual([5, 5, 5, 5]);
    expect(t3[2]! + t4[2]!).toBe(5);
    expect([t3[4], t4[4]].sort()).toEqual([5 + Math.min(t3[2]!, t4[2]!), 5 + Math.max(t3[2]!, t4[2]!)].sort());
    // A teacher sees their own month.
    await teachers.T003!.send('/hours');
    expect(teachers.T003!.inbox().at(-1)!.text).toContain(t('teaching-hours-own-title', { month: 'វិច្ឆិកា ២០២៦' }));
  });
});
