/**
 * Records from what scores published, term and year: the canonical document holds the published
 * numbers (each test's score, the subject's result, average, rank, letter, the comment), nothing
 * before publishing; a published correction moves an open record on and leaves a locked one as
 * it was signed. (The scores here are written as the office's entry would store them; the story
 * test types them into the bot.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createNotifier } from '../../src/app.js';
import { recordVersions } from '../../src/records/schema.js';
import { parseRecordTerm, refreshTermRecords, scoresRecordSource } from '../../src/records/source-scores.js';
import { parseVersion } from '../../src/records/service-versions.js';
import { publishClass } from '../../src/scores/service-publish.js';
import { computeResults } from '../../src/scores/service-results.js';
import { acceptDefaultPlan } from '../../src/scores/service-setup.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { classId } from './helpers.js';

let database: TestDatabase;
let class7A: number;
let planId: number;
const notifier = createNotifier({ DEFAULT_LOCALE: 'km' });
const versionsOf = async (term: string) => (await database.db.select().from(recordVersions).where(eq(recordVersions.term, term)).orderBy(recordVersions.studentId, recordVersions.version)).map(parseVersion);

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  class7A = await classId(database.db, 1, '7A');
  const plan = await acceptDefaultPlan(database.db, 1, 'test', 'kh-practice', 2);
  if (!plan.ok) throw new Error(plan.reason);
  planId = plan.plan.id;
  await database.db.execute(sql`
    insert into scores (assessment_id, subject_id, student_id, school_id, class_id, value, absent, entered_by, via)
    select a.id, ss.id, s.id, s.school_id, s.class_id, round((ss.max_score * (0.4 + ((s.id * 7 + ss.id * 13 + a.id * 5) % 50) / 100.0))::numeric, 1), false, 'test', 'office'
      from students s join classes c on c.id = s.class_id join score_subjects ss on ss.school_id = s.school_id and ss.grade = c.grade
      cross join assessments a where a.plan_id = ${planId} and c.id = ${class7A} and s.active`);
  await database.db.execute(sql`insert into record_id_codes (student_id, school_id, id_code, set_by) select id, school_id, 'KH-' || id, 'test' from students where class_id = ${class7A}`);
});
afterAll(() => database?.drop());

describe('records from published scores', () => {
  it('reads terms as people type them', () => {
    expect(['1', 't1', '2', 'T2', 'year', 'y', '3'].map(parseRecordTerm)).toEqual(['1', '1', '2', '2', 'year', 'year', null]);
  });

  it('are not made before the principal publishes', async () => {
    expect(await refreshTermRecords(database, scoresRecordSource(database), { schoolId: 1, term: '1', actor: 'test' })).toBe(0);
  });

  it('a published term: every test score, the subject results, average, rank and letter as published', async () => {
    expect(await publishClass(database, notifier, { schoolId: 1, classId: class7A, period: 't1', actor: 'test' })).toMatchObject({ ok: true });
    const source = scoresRecordSource(database);
    expect(await refreshTermRecords(database, source, { schoolId: 1, term: '1', actor: 'test' })).toBe(32);
    expect(await refreshTermRecords(database, source, { schoolId: 1, term: '1', actor: 'test' })).toBe(0);
    const results = new Map((await computeResults(database, { planId, period: 't1', classIds: [class7A] })).map((r) => [r.studentId, r]));
    const [first] = await versionsOf('1');
    const doc = first!.document;
    const r = results.get(first!.studentId)!;
    expect(doc).toMatchObject({ term: '1', year: '2026-2027', className: '7A', average: r.average, rank: r.rank, letter: r.letter, scale: 50, version: 1 });
    expect(doc.student.idCode).toBe(`KH-${first!.studentId}`);
    expect(doc.subjects).toHaveLength(12);
    expect(doc.tests!.map((t) => t.kind)).toEqual(['monthly', 'monthly', 'exam']);
    const maths = doc.subjects.find((s) => s.subject === 'maths')!;
    expect(maths).toMatchObject({ name: 'គណិតវិទ្យា', nameEn: 'Mathematics', max: 100 });
    expect(Object.keys(maths.scores).sort()).toEqual(doc.tests!.map((t) => t.code).sort());
    const [mathsId] = await database.rows<{ id: number }>(sql`select id from score_subjects where school_id = 1 and grade = 7 and code = 'maths'`);
    expect(maths.average).toBe(r.subjects.find((s) => s.subjectId === Number(mathsId!.id))!.value);
    expect(doc.rules).toContain('kh-practice');
  });

  it('the year record holds each subject’s two semester results', async () => {
    for (const period of ['t2', 'y'] as const) expect(await publishClass(database, notifier, { schoolId: 1, classId: class7A, period, actor: 'test' })).toMatchObject({ ok: true });
    expect(await refreshTermRecords(database, scoresRecordSource(database), { schoolId: 1, term: 'year', actor: 'test' })).toBe(32);
    const [first] = await versionsOf('year');
    const year = (await computeResults(database, { planId, period: 'y', classIds: [class7A] })).find((r) => r.studentId === first!.studentId)!;
    expect(first!.document).toMatchObject({ term: 'year', average: year.average, rank: year.rank });
    expect(first!.document.tests!.map((t) => t.code)).toEqual(['t1', 't2']);
    expect(Object.keys(first!.document.subjects[0]!.scores)).toEqual(['t1', 't2']);
  });

  it('a correction moves an open record on and leaves a locked one as signed', async () => {
    expect(await versionsOf('2')).toEqual([]);
    expect(await refreshTermRecords(database, scoresRecordSource(database), { schoolId: 1, term: '2', actor: 'test' })).toBe(32);
    // two students: one record still open, one signed and locked
    const [open, locked] = await versionsOf('2');
    await database.db.execute(sql`update record_versions set status = 'locked', locked_at = now() where id = ${locked!.id}`);
    const [pub] = await database.rows<{ id: number }>(sql`select id from score_publications where class_id = ${class7A} and period = 't2'`);
    await database.db.execute(sql`update score_published_results set result = jsonb_set(result, '{average}', to_jsonb(1.5)) where publication_id = ${pub!.id} and student_id in (${open!.studentId}, ${locked!.studentId})`);
    expect(await refreshTermRecords(database, scoresRecordSource(database), { schoolId: 1, term: '2', actor: 'test' })).toBe(1);
    const after = await versionsOf('2');
    const mine = (id: number) => after.filter((v) => v.studentId === id);
    expect(mine(open!.studentId).map((v) => [v.version, v.status, v.document.average])).toEqual([
      [1, 'superseded', open!.document.average],
      [2, 'open', 1.5],
    ]);
    expect(mine(locked!.studentId).map((v) => [v.version, v.status, v.document.average])).toEqual([[1, 'locked', locked!.document.average]]);
  });
});
