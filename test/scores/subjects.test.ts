/**
 * Subjects per grade edited by the office in the chat (issue 13: "editable per school (bot for
 * the office …)"): the operator sees the default subjects, sends edits with mistakes — among them
 * a new maximum for a subject that already has scores — each named by its line, nothing changed;
 * then good edits over a range of grades, previewed and saved on Confirm, one audit row per
 * subject; removing a subject with scores is refused (the CLI refuses its maximum too); Cancel
 * keeps everything; a teacher is refused (audited).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog } from '../../src/core/db/schema.js';
import { acceptDefaultPlan, setSubjectMax, subjectsOf, type Plan } from '../../src/scores/service-setup.js';
import { saveSchoolSubjectsEdit, SUBJECTS_LOCK } from '../../src/scores/service-subjects.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

let app: TestApp;
let plan: Plan;
let operator: TestUser;
let teacher: TestUser;
let mathsScores = 0;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
const last = (u: TestUser) => u.inbox().at(-1)!;

beforeAll(async () => {
  app = await createTestApp({ rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  const r = await acceptDefaultPlan(app.database.db, 1, 'cli');
  if (!r.ok) throw new Error('no plan');
  plan = r.plan;
  // 7A's maths scores of the first test are in
  await app.database.rows(sql`
    insert into scores (assessment_id, subject_id, student_id, school_id, class_id, value, absent, entered_by, via)
    select ${plan.assessments[0]!.id}, ss.id, s.id, s.school_id, s.class_id, 60, false, 'test', 'office'
      from students s join classes c on c.id = s.class_id join score_subjects ss on ss.school_id = s.school_id and ss.grade = c.grade and ss.code = 'maths'
     where c.name = '7A'`);
  mathsScores = (await app.database.rows<{ n: number }>(sql`select count(*)::int n from scores`))[0]!.n;
  operator = app.user(13201, 'Sreymom');
  await operator.shareContact('016 373 035');
  teacher = app.user(13202, 'Makara');
  await teacher.shareContact('016 025 313');
  for (const u of [operator, teacher]) u.inbox();
}, 90_000);
afterAll(() => app?.close());

describe('subjects per grade edited in the chat', () => {
  it('/subjects lists the subjects per grade with codes and maxima', async () => {
    await operator.send('/subjects');
    const text = last(operator).text;
    expect(text).toContain(t('scores-subjects-title'));
    expect(text).toMatch(/ថ្នាក់ទី ៧: khmer ភាសាខ្មែរ \/១០០ · maths គណិតវិទ្យា \/១០០ · physics រូបវិទ្យា \/៥០/);
    expect(text).toContain('add ');
  });

  it('bad edits are named by their line — a subject with scores keeps its maximum — and nothing changes', async () => {
    expect(mathsScores).toBeGreaterThan(0);
    await operator.send('/subjects max 7 maths 50\nadd 7 maths 100\nadd 13 ict 50\nadd 7 cooking 50\nmax 7 ict 50\nrename 7 khmer only-khmer\nadd 7-9 ict 0\ndance');
    const text = last(operator).text;
    expect(text).toContain(t('scores-subjects-has-scores', { line: '១', grade: '៧', code: 'maths', count: new Intl.NumberFormat('km-KH', { numberingSystem: 'khmr' }).format(mathsScores) }));
    expect(text).toContain(t('scores-subjects-exists', { line: '២', grade: '៧', code: 'maths' }));
    expect(text).toContain(t('scores-subjects-bad-grades', { line: '៣' }));
    expect(text).toContain(t('scores-subjects-bad-code', { line: '៤' }));
    expect(text).toContain(t('scores-subjects-no-subject', { line: '៥', grade: '៧', code: 'ict' }));
    expect(text).toContain(t('scores-subjects-bad-names', { line: '៦' }));
    expect(text).toContain(t('scores-subjects-bad-max', { line: '៧' }));
    expect(text).toContain(t('scores-subjects-bad-verb', { line: '៨' }));
    expect(text).toContain(t('scores-subjects-nothing'));
    expect((await subjectsOf(app.database.db, 1, 7)).find((s) => s.code === 'maths')!.maxScore).toBe(100);
  });

  it('good edits over grades are previewed, saved on Confirm, one audit row per subject', async () => {
    await operator.send('/subjects add 7,12 ict 50\nmax 12 maths 80\nrename 7 maths គណិត | Maths\nremove 12 home-economics');
    const preview = last(operator).text;
    expect(preview).toContain(t('scores-subjects-preview'));
    expect(preview).toMatch(/ថ្នាក់ទី ៧: .*✏️ maths គណិត \/១០០.*➕ ict ព័ត៌មានវិទ្យា \/៥០/);
    expect(preview).toMatch(/ថ្នាក់ទី ១២: .*✏️ maths គណិតវិទ្យា \/៨០.*➖ home-economics.*➕ ict/);
    expect(preview).not.toMatch(/ថ្នាក់ទី ១:/);
    await operator.send('yes');
    expect(last(operator).text).toBe(t('scores-subjects-press'));
    await operator.press(t('scores-confirm'));
    expect(last(operator).text).toBe(t('scores-subjects-saved', { count: '៥' }));
    const [g7, g12] = await Promise.all([7, 12].map((g) => subjectsOf(app.database.db, 1, g)));
    expect(g7!.find((s) => s.code === 'maths')).toMatchObject({ nameKm: 'គណិត', nameEn: 'Maths', maxScore: 100 });
    expect(g7!.at(-1)).toMatchObject({ code: 'ict', maxScore: 50, nameEn: 'ICT' });
    expect(g12!.find((s) => s.code === 'maths')!.maxScore).toBe(80);
    expect(g12!.some((s) => s.code === 'home-economics')).toBe(false);
    expect(g12!.at(-1)!.code).toBe('ict');
    const audited = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'scores.subject.edit'), eq(auditLog.actor, 'tg:13201')));
    expect(audited).toHaveLength(5);
  });

  it('a subject with scores cannot be removed, in the bot or by the CLI maximum; Cancel keeps everything', async () => {
    await operator.send('/subjects remove 7 maths');
    expect(last(operator).text).toContain(t('scores-subjects-has-scores', { line: '១', grade: '៧', code: 'maths', count: new Intl.NumberFormat('km-KH', { numberingSystem: 'khmr' }).format(mathsScores) }));
    expect(await setSubjectMax(app.database.db, 1, 7, 'maths', 50, 'cli')).toBe('has-scores');
    expect(await setSubjectMax(app.database.db, 1, 12, 'maths', 100, 'cli')).toBe('ok');
    await operator.send('/subjects remove 12 maths');
    await operator.press(t('scores-cancel'));
    expect(last(operator).text).toBe(t('scores-subjects-cancelled'));
    expect((await subjectsOf(app.database.db, 1, 12)).some((s) => s.code === 'maths')).toBe(true);
  });

  it("a maximum changed between a teacher's preview and Confirm makes the preview stale: nothing saved", async () => {
    const [{ n }] = (await app.database.rows<{ n: number }>(sql`select count(*)::int n from students s join classes c on c.id = s.class_id where c.name = '7A' and s.active`)) as [{ n: number }];
    const test = plan.assessments[0]!.code;
    await teacher.send(`7A ict ${test}: ${Array.from({ length: n }, () => '45').join(' ')}`);
    expect(JSON.stringify(last(teacher).replyMarkup)).toContain(t('scores-confirm'));
    await operator.send('/subjects max 7 ict 40');
    await operator.press(t('scores-confirm'));
    expect(last(operator).text).toBe(t('scores-subjects-saved', { count: '១' }));
    await teacher.press(t('scores-confirm'));
    expect(teacher.texts().at(-1)).toBe(t('scores-confirm-stale'));
    const [{ saved }] = (await app.database.rows<{ saved: number }>(sql`select count(*)::int saved from scores x join score_subjects ss on ss.id = x.subject_id where ss.code = 'ict'`)) as [{ saved: number }];
    expect(saved).toBe(0);
  });

  it("a maximum the office commits while a teacher's save waits for the subjects lock makes that save stale", async () => {
    const [{ n }] = (await app.database.rows<{ n: number }>(sql`select count(*)::int n from students s join classes c on c.id = s.class_id where c.name = '7A' and s.active`)) as [{ n: number }];
    await teacher.send(`7A ict ${plan.assessments[0]!.code}: ${Array.from({ length: n }, () => '35').join(' ')}`);
    expect(JSON.stringify(last(teacher).replyMarkup)).toContain(t('scores-confirm'));
    // the office's edit holds the lock (as service-subjects.ts does) and commits a lower maximum
    // only once the teacher's Confirm is waiting for it
    let commit!: () => void;
    const held = new Promise<void>((r) => (commit = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const office = app.database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${SUBJECTS_LOCK}, 1)`);
      await tx.execute(sql`update score_subjects set max_score = 30 where school_id = 1 and grade = 7 and code = 'ict'`);
      locked();
      await held;
    });
    await lockTaken;
    const confirming = teacher.press(t('scores-confirm'));
    // the save is now blocked on the lock (its preview check, before the lock, still saw 40)
    await new Promise((r) => setTimeout(r, 300));
    commit();
    await office;
    await confirming;
    expect(teacher.texts().at(-1)).toBe(t('scores-confirm-stale'));
    const [{ saved }] = (await app.database.rows<{ saved: number }>(sql`select count(*)::int saved from scores x join score_subjects ss on ss.id = x.subject_id where ss.code = 'ict'`)) as [{ saved: number }];
    expect(saved).toBe(0);
  });

  it("an office edit that starts while a teacher's save holds its subject row waits for it, then sees its scores", async () => {
    // the save's statement checks the maximum under a share lock on the subject's row and writes
    // a score (writeCells); here it is held open until the office's edit is waiting
    let commit!: () => void;
    const held = new Promise<void>((r) => (commit = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const save = app.database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1 from score_subjects where school_id = 1 and grade = 7 and code = 'ict' for share`);
      await tx.execute(sql`
        insert into scores (assessment_id, subject_id, student_id, school_id, class_id, value, absent, entered_by, via)
        select ${plan.assessments[0]!.id}, ss.id, s.id, s.school_id, s.class_id, 20, false, 'test', 'bot'
          from students s join classes c on c.id = s.class_id join score_subjects ss on ss.school_id = s.school_id and ss.grade = 7 and ss.code = 'ict'
         where c.name = '7A' and s.roll_no = 1`);
      locked();
      await held;
    });
    await lockTaken;
    const editing = saveSchoolSubjectsEdit(app.database.db, 1, 'cli', 'max 7 ict 25');
    for (let i = 0; i < 200; i++) {
      const [w] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      if (Number(w!.n) > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    commit();
    await save;
    const r = await editing;
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.reason === 'problems' && r.problems.map((p) => p.key)).toEqual(['has-scores']);
    const [{ max }] = (await app.database.rows<{ max: string }>(sql`select max_score max from score_subjects where school_id = 1 and grade = 7 and code = 'ict'`)) as [{ max: string }];
    expect(Number(max)).not.toBe(25);
    await app.database.rows(sql`delete from scores where entered_by = 'test' and value = 20`);
  });

  it('a teacher is refused, audited', async () => {
    await teacher.send('/subjects remove 7 ict');
    expect(last(teacher).text).toBe(t('scores-subjects-forbidden'));
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'scores.subjects'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(1);
  });
});
