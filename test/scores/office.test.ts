/**
 * The automatic reminder before a test's due date (only teachers with missing scores, once a
 * day), results by grade and sex, the province's pass rates for a director, and a parent's /scores
 * before anything is published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addOfficial } from '../../src/schools/service.js';
import { remindDue } from '../../src/scores/jobs.js';
import { acceptDefaultPlan, type Plan } from '../../src/scores/service-setup.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';

let app: TestApp;
let plan: Plan;

beforeAll(async () => {
  app = await createTestApp({ rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  const r = await acceptDefaultPlan(app.database.db, 1, 'cli');
  if (!r.ok) throw new Error('no plan');
  plan = r.plan;
  await app.user(8001, 'Makara').shareContact('016 025 313'); // homeroom 7A
  await app.user(8002, 'Pisey').shareContact('081 130 751'); // homeroom 7B
  // 7B's scores of the first test are all in; 7A's are not
  await app.database.rows(sql`
    insert into scores (assessment_id, subject_id, student_id, school_id, class_id, value, absent, entered_by, via)
    select ${plan.assessments[0]!.id}, ss.id, s.id, s.school_id, s.class_id, ss.max_score * (0.3 + (s.roll_no % 7) / 10.0), false, 'test', 'office'
      from students s join classes c on c.id = s.class_id join score_subjects ss on ss.school_id = s.school_id and ss.grade = c.grade
     where c.name = '7B'`);
}, 90_000);
afterAll(() => app?.close());

const outboxTo = async (chatId: number) => (await app.database.rows<{ n: number }>(sql`select count(*)::int n from outbox where chat_id = ${chatId} and capability = 'scores'`))[0]!.n;

describe('the office side', () => {
  it('reminds automatically two days before the due date, only teachers with missing scores, once a day', async () => {
    const due = plan.assessments[0]!.dueOn!;
    const twoBefore = new Date(Date.parse(`${due}T02:00:00Z`) - 2 * 86_400_000);
    expect(await remindDue(app.database, app.notifier, () => new Date(twoBefore.getTime() - 86_400_000))).toBe(0); // three days before: nothing
    expect(await remindDue(app.database, app.notifier, () => twoBefore)).toBeGreaterThan(0);
    expect(await outboxTo(8001)).toBe(1);
    expect(await outboxTo(8002)).toBe(0);
    expect(await remindDue(app.database, app.notifier, () => twoBefore)).toBe(0); // the same day again: no second message
    expect(await outboxTo(8001)).toBe(1);
  });

  it('the principal reads results by grade and sex; a director the pass rates of the province', async () => {
    const principal = app.user(8003, 'Pr');
    await principal.shareContact('093 388 921');
    principal.inbox();
    await principal.send(`/results ${plan.assessments[0]!.code}`);
    const text = principal.texts().at(-1)!;
    expect(text).toContain('ថ្នាក់ទី ៧');
    const [{ passed, girls }] = (await app.database.rows<{ passed: number; girls: number }>(sql`
      select count(*) filter (where s.roll_no % 7 >= 2)::int passed, count(*) filter (where s.sex = 'F')::int girls from students s join classes c on c.id = s.class_id where c.name = '7B'`)) as [{ passed: number; girls: number }];
    expect(passed).toBeGreaterThan(0);
    expect(girls).toBeGreaterThan(0);
    await addOfficial(app.database.db, { phoneE164: '+85512888777', name: 'Director', provinceCode: 'PP' }, 'cli');
    const director = app.user(8004, 'Dir', 'en');
    await director.shareContact('+85512888777');
    director.inbox();
    await director.send('/results t1');
    expect(director.texts().at(-1)).toMatch(/សាលាគំរូ|Demo School/);
    const reads = await app.database.rows<{ n: number }>(sql`select count(*)::int n from audit_log where action = 'scores.read' and entity = 'school'`);
    expect(Number(reads[0]!.n)).toBe(1);
  });

  it('a parent before publishing is told there are no results yet; a stranger is refused', async () => {
    const [g] = await app.database.rows<{ phone: string }>(sql`select g.phone from guardians g join student_guardians sg on sg.guardian_id = g.id join students s on s.id = sg.student_id join classes c on c.id = s.class_id where c.name = '7B' limit 1`);
    const parent = app.user(8005, 'Parent');
    await parent.shareContact(g!.phone);
    parent.inbox();
    await parent.send('/scores');
    expect(parent.texts().at(-1)).toContain('មិនទាន់មានលទ្ធផល');
    const stranger = app.user(8006, 'X');
    await stranger.send('/scores');
    expect(stranger.texts().at(-1)).toBe(app.notifier.t('km', 'scores-denied'));
  });
});
