/**
 * Issue 11, case 14: a forged button carrying a 12-digit id (past Postgres `integer`, within
 * `bigint`) gets a clear "out of date / not yours" answer, never the generic error — for every
 * button whose id field is a big id, pressed by the office, a teacher and a parent. Holiday notes
 * have a length limit, and `/card` answers one "not found" for a code outside the actor's school.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as announcements from '../../src/announcements/buttons.js';
import * as lifecycle from '../../src/lifecycle/buttons.js';
import * as onboarding from '../../src/onboarding/buttons.js';
import * as qr from '../../src/qr/buttons.js';
import * as questions from '../../src/questions/buttons.js';
import * as roster from '../../src/roster/buttons.js';
import * as teaching from '../../src/teaching/buttons.js';
import { sql } from 'drizzle-orm';
import { addSchool } from '../../src/schools/service.js';
import { importStudents } from '../../src/roster/service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { csvFile, loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const BIG = 999_999_999_999;
const INT = 2_147_483_647;

const FORGED: Array<[string, string]> = [
  ['tt:k', teaching.timetableChild.pack({ student: BIG })],
  ['lb:l', teaching.lessonOpen.pack({ lesson: BIG, owner: INT })],
  ['lb:t', teaching.lessonTaught.pack({ lesson: BIG, owner: INT })],
  ['lb:n', teaching.lessonNotTaught.pack({ lesson: BIG, owner: INT })],
  ['lb:r', teaching.lessonReason.pack({ lesson: BIG, owner: INT, reason: 'other' })],
  ['lb:o', teaching.lessonOthers.pack({ lesson: BIG, owner: INT })],
  ['lb:b', teaching.lessonBy.pack({ lesson: BIG, owner: INT, staff: INT })],
  ['lb:tp', teaching.lessonTopic.pack({ lesson: BIG, owner: INT })],
  ['qr:new', qr.reissueConfirm.pack({ studentId: BIG, version: 1 })],
  ['rs:ok', roster.confirmFile.pack({ pending: BIG })],
  ['rs:no', roster.cancelFile.pack({ pending: BIG })],
  ['q:c', questions.childButton.pack({ studentId: BIG })],
  ['q:t', questions.teacherButton.pack({ studentId: BIG, staffId: INT })],
  ['q:r', questions.replyButton.pack({ threadId: BIG })],
  ['q:h', questions.historyButton.pack({ threadId: BIG })],
  ['q:f', questions.writeBackButton.pack({ threadId: BIG })],
  ['q:m', questions.mediaButton.pack({ messageId: BIG })],
  ['q:ls', questions.looseSend.pack({ studentId: BIG, staffId: INT })],
  ['an:ok', announcements.sendButton.pack({ id: BIG })],
  ['an:u', announcements.urgentButton.pack({ id: BIG, urgent: true })],
  ['an:x', announcements.discardButton.pack({ id: BIG })],
  ['an:c', announcements.cancelButton.pack({ id: BIG })],
  ['ul:g', onboarding.unlinkGuardianChoice.pack({ id: BIG })],
  ['ulc:g', onboarding.unlinkGuardianConfirm.pack({ id: BIG })],
  ['lc:rm', lifecycle.removeLink.pack({ student: BIG, guardian: BIG })],
  ['lc:why', lifecycle.removeLinkReason.pack({ student: BIG, guardian: BIG, reason: 'not-guardian' })],
  // ids of `integer` columns past their range: the parser itself refuses them
  ['forged 12 digits in an int field', `tt:c:${BIG}`],
  ['forged 25 digits', `lc:rm:${'9'.repeat(25)}:1`],
];

let app: TestApp;
let users: TestUser[];
beforeAll(async () => {
  app = await createTestApp({ rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db, app.notifier);
  const principal = app.user(9701, 'P');
  await principal.shareContact('093 388 921');
  const teacher = app.user(9702, 'T');
  await teacher.shareContact('016 005 138');
  const parent = app.user(9703, 'F');
  await parent.shareContact('086 915 326');
  users = [principal, teacher, parent];
  await addSchool(app.database.db, { code: 'OTHER-01', nameKm: 'សាលាផ្សេង', nameEn: 'Other School', province: 'PP' }, 'cli');
  const other = await importStudents(app.database.db, {
    schoolCode: 'OTHER-01',
    file: csvFile('students.csv', 'class,shift,student_code,name_km,sex,guardian_phone\n5C,morning,OTHER-S1,សុខ ចាន់,M,012 345 679\n'),
    actor: 'cli',
  });
  if (!other.ok) throw new Error('other school');
  for (const u of users) u.inbox();
});
afterAll(async () => {
  await app?.close();
});

describe('forged buttons with 12-digit ids', () => {
  it.each(FORGED)('%s: a clear answer, not the generic error', async (_label, data) => {
    const generic = app.notifier.t('km', 'core-error-generic');
    for (const u of users) {
      await u.pressData(data);
      const answers = u.inbox();
      expect(answers.length, `${u.firstName} got no answer`).toBeGreaterThan(0);
      expect(answers.map((a) => a.text)).not.toContain(generic);
    }
  });
});

describe('holiday notes have a length limit', () => {
  it('a 4,000-character note is refused and nothing is set; short notes list fine', async () => {
    const [principal] = users;
    const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
    const long = 'ក'.repeat(4000);
    await principal!.send(`/holiday 2026-12-10 ${long}`);
    expect(principal!.texts()).toEqual([t('attendance-holiday-note-too-long', { max: '១០០', length: '៤០០០' })]);
    await principal!.send(`/holiday 2026-12-11 ${long}`);
    principal!.inbox();
    expect(await app.database.rows(sql`select day from school_calendar`)).toEqual([]);
    await principal!.send('/holiday 2026-12-10 Water Festival');
    await principal!.send('/holiday 2026-12-11 Water Festival, second day');
    principal!.inbox();
    await principal!.send('/holiday');
    const [list] = principal!.texts();
    expect(list).toContain('Water Festival, second day');
    expect(list!.length).toBeLessThan(4096);
  });
});

describe('/card: one "not found" for anything outside the actor\'s reach', () => {
  it('a code of another school reads exactly like a code that does not exist', async () => {
    const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
    for (const u of users.slice(0, 2)) {
      await u.send('/card OTHER-S1');
      await u.send('/card NOBODY-S1');
      expect(u.texts()).toEqual([t('qr-student-not-found', { code: 'OTHER-S1' }), t('qr-student-not-found', { code: 'NOBODY-S1' })]);
    }
  });
});
