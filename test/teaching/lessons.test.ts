/**
 * The lesson book beyond one tap, through the bot: a lesson marked not taught with its reason,
 * taught by someone else (it counts for them), a topic typed; the evening reminder; the deadline
 * after which a teacher cannot confirm; closing the week (homeroom teacher, principal) and the
 * principal's audited correction of a closed week; stale and forged presses change nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, classes, staff } from '../../src/core/db/schema.js';
import { DEMO_FIXTURES } from '../../src/roster/demo.js';
import { runTeachingJob } from '../../src/teaching/jobs.js';
import { importTimetable } from '../../src/teaching/timetable.js';
import { lessons, weekClosures } from '../../src/teaching/schema.js';
import { lessonBy } from '../../src/teaching/buttons.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

let now = new Date('2026-11-23T04:00:00Z'); // Monday 23 November 2026, 11:00 in Phnom Penh
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
let principal: TestUser;
let makara: TestUser; // T005, 7A's homeroom teacher
let rathana: TestUser; // T007
let staffId: Record<string, number>;
let class7a: number;

const lessonsOf = (id: number) => app.database.db.select().from(lessons).where(and(eq(lessons.plannedStaffId, id), eq(lessons.day, '2026-11-23'))).orderBy(lessons.starts);

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  const r = await importTimetable(app.database.db, { schoolId: 1, fileName: 'timetable.xlsx', bytes: readFileSync(path.join(DEMO_FIXTURES, 'timetable.xlsx')), validFrom: '2026-11-16', actor: 'cli', t: app.notifier.t });
  if (!r.ok) throw new Error('timetable import failed');
  const delivery = startTestDelivery(app);
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;
  principal = app.user(16001, 'Sophea');
  await principal.shareContact('093 388 921');
  makara = app.user(16005, 'Makara');
  await makara.shareContact('016 025 313');
  rathana = app.user(16007, 'Rathana');
  await rathana.shareContact('096 489 636');
  staffId = Object.fromEntries((await app.database.db.select({ id: staff.id, code: staff.staffCode }).from(staff)).map((s) => [s.code.split('-').pop()!, s.id]));
  [{ id: class7a }] = (await app.database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '7A'))) as [{ id: number }];
  for (const u of [principal, makara, rathana]) u.inbox();
  await runTeachingJob(app.database, { kind: 'shift-end', schoolId: 1, shift: 'morning' }, app.notifier, () => now);
  await deliver();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('changing one lesson', () => {
  it('not taught, with a reason: the book shows it and the lesson is confirmed so', async () => {
    expect(makara.inbox()).toHaveLength(1);
    await makara.press('✏️ ១');
    expect(makara.inbox().at(-1)!.text).toContain(t('teaching-lesson-title', { weekday: t('teaching-day-1'), date: '២៣ វិច្ឆិកា ២០២៦' }));
    await makara.press(t('teaching-lesson-not-taught'));
    await makara.press(t('teaching-reason-school-event'));
    const book = makara.received().filter((m) => m.method === 'editMessageText').at(-1)!;
    expect(book.text).toContain(t('teaching-book-not-taught', { reason: t('teaching-reason-school-event') }));
    const [first] = await lessonsOf(staffId.T005!);
    expect(first).toMatchObject({ status: 'not-taught', reason: 'school-event' });
    expect(first!.confirmedAt).not.toBeNull();
  });

  it('taught by someone else: only teachers free then are offered, the lesson counts for the one chosen, and she is told', async () => {
    const maly = app.user(16003, 'Maly');
    await maly.shareContact('016 005 138');
    maly.inbox();
    await makara.press('✏️ ២');
    await makara.press(t('teaching-lesson-someone-else'));
    const offered = makara.received().filter((m) => m.method === 'editMessageText').at(-1)!;
    const names = offered.replyMarkup.inline_keyboard.flat().map((b: { text: string }) => b.text);
    expect(names).toContain('អ៊ុំ ម៉ាលី'); // afternoon teacher, free in the morning
    expect(names).not.toContain('លី រតនា'); // teaches at that time
    await makara.press('អ៊ុំ ម៉ាលី');
    const second = (await lessonsOf(staffId.T005!))[1]!;
    expect(second).toMatchObject({ status: 'taught', staffId: staffId.T003 });
    await deliver();
    const told = maly.inbox();
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('7A');
    expect(told[0]!.text).toContain('២៣ វិច្ឆិកា ២០២៦');
    expect(told[0]!.text).not.toMatch(/[0-9]{2}:/); // the time in Khmer digits
  });

  it('a colleague who was teaching another class then cannot be named (a forged choice), and the denial is audited', async () => {
    const second = (await lessonsOf(staffId.T005!))[1]!;
    await makara.pressData(lessonBy.pack({ lesson: second.id, owner: staffId.T005!, staff: staffId.T007! }));
    expect(makara.received().at(-1)!.text).toBe(t('teaching-lesson-refused-busy-teacher'));
    expect((await lessonsOf(staffId.T005!))[1]).toMatchObject({ staffId: staffId.T003 });
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'lesson.change'), eq(auditLog.outcome, 'denied')));
    expect(denied.some((d) => (d.details as { reason?: string }).reason === 'busy-teacher')).toBe(true);
  });

  it('a topic typed in a short conversation', async () => {
    await makara.press('✏️ ៣');
    await makara.press(t('teaching-lesson-topic'));
    expect(makara.inbox().at(-1)!.text).toBe(t('teaching-topic-ask', { max: '២០០' }));
    await makara.send('សង្គ្រាមលោកលើកទី២');
    expect(makara.inbox().some((m) => m.text === t('teaching-topic-saved'))).toBe(true);
    expect((await lessonsOf(staffId.T005!))[2]!.topic).toBe('សង្គ្រាមលោកលើកទី២');
  });

  it("a teacher's press on someone else's lesson is refused and audited; a forged button is out of date", async () => {
    const [other] = await lessonsOf(staffId.T007!);
    await makara.pressData(`lb:r:${other!.id}:${staffId.T005}:o`);
    expect(makara.inbox().at(-1)).toMatchObject({ method: 'answerCallbackQuery', text: t('teaching-lesson-refused-forbidden') });
    expect((await lessonsOf(staffId.T007!))[0]!.status).toBe('taught');
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'lesson.change'), eq(auditLog.outcome, 'denied')));
    expect(denied.filter((d) => d.entityId === String(other!.id))).toHaveLength(1);
    await makara.pressData('lb:r:99999999999999999999:1:o');
    expect(makara.inbox().at(-1)!.text).toBe(t('core-menu-outdated'));
  });
});

describe('the evening and the deadline', () => {
  it('the evening reminder sends the unconfirmed book again, with the deadline', async () => {
    now = new Date('2026-11-23T12:00:00Z'); // 19:00
    const r = await runTeachingJob(app.database, { kind: 'evening', schoolId: 1 }, app.notifier, () => now);
    expect(r).toMatchObject({ day: '2026-11-23' });
    await deliver();
    const [reminder] = rathana.inbox().slice(-1);
    expect(reminder!.text).toContain(t('teaching-evening-intro', { count: '៥', time: '២០:០០' }));
    expect(reminder!.replyMarkup.inline_keyboard[0][0].text).toBe(t('teaching-book-confirm', { count: '៥' }));
  });

  it('after the deadline a teacher cannot confirm: those lessons do not count', async () => {
    now = new Date('2026-11-23T13:30:00Z'); // 20:30
    await rathana.press(t('teaching-book-confirm', { count: '៥' }));
    const got = rathana.inbox();
    expect(got.find((m) => m.method === 'answerCallbackQuery')).toMatchObject({ text: t('teaching-book-refused-late') });
    // The book is redrawn without the confirm button, saying why.
    expect(got.at(-1)!.text).toContain(t('teaching-book-late'));
    expect(got.at(-1)!.replyMarkup.inline_keyboard).toEqual([]);
    expect((await lessonsOf(staffId.T007!)).every((l) => l.confirmedAt === null)).toBe(true);
  });
});

describe('closing the week', () => {
  it('the homeroom teacher closes their class\'s week; the principal the school\'s', async () => {
    now = new Date('2026-11-28T12:00:00Z'); // Saturday
    await makara.send('/week');
    const summary = makara.inbox().at(-1)!;
    expect(summary.text).toContain(t('teaching-week-title-class', { class: '7A', from: '២៣ វិច្ឆិកា ២០២៦', to: '២៩ វិច្ឆិកា ២០២៦' }));
    await makara.press(t('teaching-week-close'));
    expect(makara.inbox().some((m) => m.text === t('teaching-week-done'))).toBe(true);
    await principal.send('/week');
    await principal.press(t('teaching-week-close'));
    const closed = await app.database.db.select().from(weekClosures);
    expect(closed.map((c) => c.classId === null ? 'school' : c.classId).sort()).toEqual([class7a, 'school'].sort());
  });

  it('a closed week changes only through the principal, and the correction is audited', async () => {
    now = new Date('2026-11-29T03:00:00Z');
    const [unconfirmed] = await lessonsOf(staffId.T007!);
    await rathana.pressData(`lb:t:${unconfirmed!.id}:${staffId.T007}`);
    expect(rathana.inbox().at(-1)!.text).toBe(t('teaching-lesson-refused-closed'));
    await principal.send('/lessons T007 2026-11-23');
    const book = principal.inbox().at(-1)!;
    expect(book.text).toContain('លី រតនា');
    await principal.press('✏️ ១');
    await principal.press(t('teaching-lesson-taught'));
    const fixed = (await lessonsOf(staffId.T007!))[0]!;
    expect(fixed.confirmedAt).not.toBeNull();
    const [correction] = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'lesson.correct'));
    expect(correction).toMatchObject({ entity: 'lesson', entityId: String(fixed.id), details: expect.objectContaining({ closed: true }) });
  });

  it('leave that overlaps a closed week is refused', async () => {
    await rathana.send('/leave');
    await rathana.send('23/11');
    await rathana.press(t('teaching-leave-reason-personal'));
    await rathana.press(t('teaching-leave-skip-photo'));
    await rathana.press(t('teaching-leave-send'));
    expect(rathana.inbox().at(-1)!.text).toBe(t('teaching-leave-refused-closed-week'));
  });
});
