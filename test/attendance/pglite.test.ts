/**
 * The submit's one statement on embedded Postgres (PGlite), where `npm run try` and a newcomer's
 * first run keep their data: the alert is claimed and queued, its text made when it goes out, and
 * a correction follows when the child turns up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { classes, guardians, staff, students } from '../../src/core/db/schema.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { createNotifier } from '../../src/app.js';
import { accessClass, changeMark, submitSheet } from '../../src/attendance/service.js';
import { absenceTextResolver } from '../../src/attendance/alert-texts.js';
import { createPgliteDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
const DAY = '2026-11-23';

beforeAll(async () => {
  database = await createPgliteDatabase();
  await loadDemoSchool(database.db);
  await database.db.update(staff).set({ telegramUserId: 3001 }).where(eq(staff.staffCode, 'DEMO-001-T005'));
  const [kid] = await database.db
    .select({ guardianId: guardians.id })
    .from(students)
    .innerJoin(classes, eq(classes.id, students.classId))
    .innerJoin(sql`student_guardians sg`, sql`sg.student_id = ${students.id}`)
    .innerJoin(guardians, sql`${guardians.id} = sg.guardian_id`)
    .where(and(eq(classes.name, '7A'), eq(students.rollNo, 1)));
  await database.db.update(guardians).set({ telegramUserId: 3101 }).where(eq(guardians.id, kid!.guardianId));
}, 60_000);
afterAll(() => database.drop());

describe('submitting on PGlite', () => {
  it('alerts the family once, in their language when it goes out, and corrects when the child arrives', async () => {
    const teacher = await loadActor(database.db, 3001);
    const [cls] = await database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '7A'));
    const access = await accessClass(database.db, teacher, cls!.id, DAY, DAY);
    if (!access.ok) throw new Error(access.reason);
    await changeMark(database.db, access, DAY, { kind: 'set', roll: 1, status: 'absent' });
    const first = await submitSheet(database.db, access, DAY, teacher, { today: DAY });
    expect(first).toMatchObject({ version: 1, alertsQueued: 1, correctionsQueued: 0 });

    await changeMark(database.db, access, DAY, { kind: 'set', roll: 1, status: 'late', time: '07:40' });
    const second = await submitSheet(database.db, access, DAY, teacher, { today: DAY });
    expect(second).toMatchObject({ version: 2, alertsQueued: 0, correctionsQueued: 1 });

    const rows = await database.rows<{ dedupe_key: string; chat_id: string; payload: Record<string, unknown> }>(sql`select dedupe_key, chat_id, payload from outbox order by id`);
    expect(rows.map((r) => [r.dedupe_key.split(':')[0], Number(r.chat_id)])).toEqual([['absent', 3101], ['correct', 3101]]);
    const resolve = absenceTextResolver(notifier);
    const alert = (await resolve('sendMessage', rows[0]!.payload))!.payload as { text: string; reply_markup: { inline_keyboard: unknown[][] } };
    const correction = (await resolve('sendMessage', rows[1]!.payload))!.payload as { text: string };
    expect(alert.text).toContain('7A');
    expect(alert.text).toContain('២៣'); // the day, in Khmer digits
    expect(alert.reply_markup.inline_keyboard).toHaveLength(3);
    expect(correction.text).toContain('០៧:៤០');
  });
});
