/**
 * Issue 15's leftovers of issue 11: a member of staff whose record's status becomes transferred or
 * retired leaves like one the staff roster no longer lists — roles, homeroom, attendance
 * substitutions and lesson covers of days to come end, the account link ends, and messages
 * waiting for them as staff are cancelled (one about their own child, as a parent, stays). A
 * covering teacher who leaves through the roster loses their covers the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { classes, outbox, staff, staffRoles, students } from '../../src/core/db/schema.js';
import { classSubstitutes } from '../../src/attendance/schema.js';
import { lessonCovers } from '../../src/teaching/schema.js';
import { addToOutbox } from '../../src/core/queue/outbox.js';
import { importStaff } from '../../src/roster/service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { csvFile, FIXTURES, loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-23T03:00:00Z');
// days to come for the database's own clock (leaving ends what lies ahead of current_date)
const AHEAD = '2099-01-05';
let app: TestApp;
let principal: TestUser;
let makara: TestUser;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);

async function staffId(code: string): Promise<number> {
  const [s] = await app.database.db.select({ id: staff.id }).from(staff).where(eq(staff.staffCode, code));
  return s!.id;
}

/** A cover, a substitution and two waiting messages (one as staff, one about their own child). */
async function giveDuties(code: string, chatId: number, childCode: string) {
  const id = await staffId(code);
  const [c12] = await app.database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '12A'));
  const [child] = await app.database.db.select({ id: students.id }).from(students).where(eq(students.studentCode, childCode));
  await app.database.db.insert(lessonCovers).values({ schoolId: 1, leaveId: null, day: AHEAD, classId: c12!.id, period: 1, staffId: id, assignedBy: 'cli' });
  await app.database.db.insert(classSubstitutes).values({ classId: c12!.id, day: AHEAD, staffId: id, schoolId: 1, assignedBy: 'cli' });
  await addToOutbox(app.database.db, [
    { dedupeKey: `t:staff:${code}`, schoolId: 1, capability: 'teaching', entity: 'lesson-book', entityId: id, studentId: null, chatId, payload: { text: 'lesson book' } },
    { dedupeKey: `t:child:${code}`, schoolId: 1, capability: 'attendance', entity: 'alert', entityId: 1, studentId: child!.id, chatId, payload: { text: 'about your child' } },
  ]);
  return id;
}

async function duties(id: number, chatId: number) {
  return {
    active: (await app.database.db.select({ active: staff.active }).from(staff).where(eq(staff.id, id)))[0]!.active,
    roles: (await app.database.db.select().from(staffRoles).where(eq(staffRoles.staffId, id))).length,
    homerooms: (await app.database.db.select().from(classes).where(eq(classes.homeroomStaffId, id))).length,
    covers: (await app.database.db.select().from(lessonCovers).where(eq(lessonCovers.staffId, id))).length,
    substitutions: (await app.database.db.select().from(classSubstitutes).where(eq(classSubstitutes.staffId, id))).length,
    messages: (await app.database.db.select({ key: outbox.dedupeKey, status: outbox.status }).from(outbox).where(eq(outbox.chatId, chatId))).map((m) => `${m.key.split(':')[1]} ${m.status}`).sort(),
  };
}

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  principal = app.user(19001, 'Sophea');
  await principal.shareContact('093 388 921');
  makara = app.user(19002, 'Makara');
  await makara.shareContact('016 025 313'); // DEMO-001-T005, homeroom 7A
  for (const u of [principal, makara]) u.inbox();
});
afterAll(() => app?.close());

describe('staff whose status makes them leave', () => {
  it('transferred: roles, homeroom, substitution, cover, link and staff messages end at once', async () => {
    const id = await giveDuties('DEMO-001-T005', 19002, 'DEMO-001-S00001');
    // as a parent too: the roster lists this phone for no child, so link one by hand for the test
    await app.database.db.execute(sql`insert into guardians (school_id, phone, telegram_user_id) values (1, '+85516025313', 19002) on conflict (school_id, phone) do update set telegram_user_id = 19002`);
    await app.database.db.execute(sql`insert into student_guardians (student_id, guardian_id, school_id, relation, priority, source)
      select s.id, g.id, 1, 'father', 1, 'invite' from students s, guardians g where s.student_code = 'DEMO-001-S00001' and g.phone = '+85516025313'`);
    expect(await duties(id, 19002)).toEqual({ active: true, roles: 1, homerooms: 1, covers: 1, substitutions: 1, messages: ['child pending', 'staff pending'] });

    await principal.send('/staff T005');
    await principal.press(`→ ${t('staffing-status-transferred')}`);
    expect(principal.inbox().at(-1)!.text).toContain(t('staffing-record-status', { status: t('staffing-status-transferred') }));

    expect(await duties(id, 19002)).toEqual({ active: false, roles: 0, homerooms: 0, covers: 0, substitutions: 0, messages: ['child pending', 'staff cancelled'] });
    // no longer staff: the class's list is not theirs
    await makara.send('/attendance 7A');
    expect(makara.inbox().map((m) => m.text).join('\n')).not.toContain(t('attendance-sheet-confirm-yes'));
  });

  it('retired through the records workbook: the same', async () => {
    const id = await giveDuties('DEMO-001-T007', 0, 'DEMO-001-S00002');
    const chat = 19003;
    const rathana = app.user(chat, 'Rathana');
    await rathana.shareContact('096 489 636');
    await app.database.db.update(outbox).set({ chatId: chat }).where(eq(outbox.chatId, 0));
    const { applyRecords } = await import('../../src/staffing/records.js');
    await applyRecords(app.database.db, { schoolId: 1, actor: 'tg:19001', rows: [{ staffId: id, position: 'teacher', sex: null, dateOfBirth: null, qualification: null, trainingLevel: null, employment: null, startDate: null, status: 'retired', subjects: null }] });
    expect(await duties(id, chat)).toEqual({ active: false, roles: 0, homerooms: 0, covers: 0, substitutions: 0, messages: ['child cancelled', 'staff cancelled'] });
  });

  it('a covering teacher the staff roster no longer lists loses the covers to come', async () => {
    const id = await giveDuties('DEMO-001-T006', 19004, 'DEMO-001-S00003');
    const lines = readFileSync(path.join(FIXTURES, 'staff.csv'), 'utf8').trimEnd().split('\n').filter((l) => !/^DEMO-001-T00[567],/.test(l));
    const r = await importStaff(app.database.db, { schoolCode: 'DEMO-001', file: csvFile('staff.csv', lines.join('\n')), actor: 'cli' });
    expect(r.ok && r.summary.left).toBe(1);
    expect((await duties(id, 19004)).covers).toBe(0);
  });
});
