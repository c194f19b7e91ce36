/**
 * The "done when" story of issue 11: the operator checks next term's roster (dry run: the summary
 * by name and class, nothing changed), then imports it; the families of the children who left get
 * nothing more, even a message already waiting, while their attendance history stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import { outbox, students } from '../../src/core/db/schema.js';
import { attendance } from '../../src/attendance/schema.js';
import { importStudents } from '../../src/roster/service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery, type TestDelivery } from '../support/delivery.js';
import { csvFile, FIXTURES, loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-23T06:10:00Z'); // 1A (afternoon) in session
let app: TestApp;
let delivery: TestDelivery;
let teacher: TestUser;
let families: TestUser[];
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);

const lines = readFileSync(path.join(FIXTURES, 'students.csv'), 'utf8').trimEnd().split('\n');
const LEAVING = ['DEMO-001-S00001', 'DEMO-001-S00005', 'DEMO-001-S00007']; // uncle 086 915 326, 081 600 791, 096 617 568
const MOVING = { 'DEMO-001-S00010': '2A', 'DEMO-001-S00011': '2A' } as Record<string, string>;
const nextTerm = [
  ...lines
    .filter((l) => !LEAVING.some((c) => l.includes(`,${c},`)))
    .map((l) => {
      const code = Object.keys(MOVING).find((c) => l.includes(`,${c},`));
      return code ? l.replace(/^1A,/, `${MOVING[code]},`) : l;
    }),
  ...[1, 2, 3, 4, 5].map((i) => `1A,afternoon,DEMO-001-N0000${i},សិស្ស ថ្មី${i},New Pupil ${i},F,2019-02-0${i},ម្តាយ,077 600 10${i},mother,,,`),
].join('\n');

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db, app.notifier);
  delivery = startTestDelivery(app);
  teacher = app.user(9501, 'T');
  await teacher.shareContact('016 005 138');
  families = [];
  for (const [i, phone] of ['086 915 326', '081 600 791', '096 617 568'].entries()) {
    const u = app.user(9601 + i, 'F');
    await u.shareContact(phone);
    families.push(u);
  }
  await delivery.deliver();
  for (const u of [teacher, ...families]) u.inbox();
});
afterAll(async () => {
  await delivery?.stop();
  await app?.close();
});

describe('next term\'s roster', () => {
  it('the dry run names 3 leaving, 5 new and 2 changed classes, and changes nothing', async () => {
    const before = await app.database.rows(sql`select id, class_id, roll_no, active from students order by id`);
    const preview = await importStudents(app.database.db, { schoolCode: 'DEMO-001', file: csvFile('students.csv', nextTerm), actor: 'cli', dryRun: true });
    expect(preview).toMatchObject({ ok: true, dryRun: true });
    if (!preview.ok) return;
    const c = preview.summary.changes;
    expect(c.leaving.map((p) => [p.code, p.className])).toEqual(LEAVING.map((code) => [code, '1A']));
    expect(c.added.map((p) => p.nameEn)).toEqual([1, 2, 3, 4, 5].map((i) => `New Pupil ${i}`));
    expect(c.classChanged.map((p) => [p.code, p.fromClass, p.className])).toEqual([
      ['DEMO-001-S00010', '1A', '2A'],
      ['DEMO-001-S00011', '1A', '2A'],
    ]);
    expect(await app.database.rows(sql`select id, class_id, roll_no, active from students order by id`)).toEqual(before);
  });

  it('confirmed: the departed families get nothing more, their history stays', async () => {
    // The last day's list, with two of the leaving children absent: alerts wait in the outbox.
    await teacher.send('1A absent 1 5');
    await teacher.press(t('attendance-sheet-confirm-yes'));
    const leavingIds = (await app.database.db.select({ id: students.id }).from(students).where(inArray(students.studentCode, LEAVING))).map((s) => s.id);
    expect((await app.database.db.select().from(outbox).where(inArray(outbox.studentId, leavingIds))).length).toBeGreaterThanOrEqual(2);

    const done = await importStudents(app.database.db, { schoolCode: 'DEMO-001', file: csvFile('students.csv', nextTerm), actor: 'cli', notifier: app.notifier });
    expect(done.ok && [done.summary.notInFile, done.summary.students.created]).toEqual([3, 5]);
    await delivery.deliver();
    for (const u of families) expect(u.inbox()).toEqual([]);
    const waiting = await app.database.db.select({ status: outbox.status }).from(outbox).where(inArray(outbox.studentId, leavingIds));
    expect(waiting.every((w) => w.status === 'cancelled')).toBe(true);

    // History: the records and their attendance stay; they are simply not enrolled.
    const left = await app.database.db.select().from(students).where(inArray(students.id, leavingIds));
    expect(left.map((s) => s.status)).toEqual(['left', 'left', 'left']);
    expect((await app.database.db.select().from(attendance).where(inArray(attendance.studentId, leavingIds))).length).toBe(3);
    // Nor does /attendance offer them any more.
    await teacher.send('/attendance');
    const sheet = teacher.inbox().at(-1)!.text;
    expect(sheet).not.toContain(left.find((s) => s.studentCode === 'DEMO-001-S00005')!.nameKm);
    const [moved] = await app.database.db.select().from(students).where(eq(students.studentCode, 'DEMO-001-S00010'));
    expect(moved!.rollNo).toBe(1); // first in 2A's list of numbers
  });
});
