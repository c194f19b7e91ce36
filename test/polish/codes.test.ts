/**
 * Issue 12, "also seen": student codes appear where staff need them. `/student` (alone, or with a
 * class: `/student 7A`) lists the class with each student's code, one short line each, for the
 * class's teacher and the office; the code read off that list is what `/student` and `/card` take.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';
import { issueAllCards } from '../qr/gate.js';

const now = new Date('2026-11-24T06:20:00Z');
let app: TestApp;
let teacher: TestUser; // homeroom 1A
let operator: TestUser;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await issueAllCards(app);
  teacher = app.user(7001, 'Maly');
  await teacher.shareContact('016 005 138');
  operator = app.user(7002, 'Op');
  await operator.shareContact('016 373 035');
  teacher.inbox();
  operator.inbox();
});

afterAll(async () => {
  await app?.close();
});

describe('class lists with student codes', () => {
  it('a teacher\'s /student lists their class: roll, name, code; the code opens /student and /card', async () => {
    const kids = await app.database.rows<{ roll_no: number; name_km: string; student_code: string }>(sql`
      select s.roll_no, s.name_km, s.student_code from students s join classes c on c.id = s.class_id and c.name = '1A' order by s.roll_no`);
    await teacher.send('/student');
    const [list] = teacher.texts();
    const lines = list!.split('\n');
    expect(lines[0]).toBe(t('km', 'reports-roster-title', { class: '1A', count: '៣២' }));
    expect(lines.slice(1)).toEqual(kids.map((k) => `${k.roll_no}. ${k.name_km} — ${k.student_code}`));
    const code = /— (\S+)$/.exec(lines[4]!)![1]!;
    await teacher.send(`/student ${code}`);
    expect(teacher.texts()[0]).toContain(kids[3]!.name_km);
    await teacher.send(`/card ${code}`);
    expect(teacher.inbox().some((m) => m.text.includes(kids[3]!.name_km))).toBe(true);
    // Another class is not theirs: refused, and audited.
    await teacher.send('/student 7A');
    expect(teacher.texts()).toEqual([t('km', 'reports-roster-denied')]);
    const [denied] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'class.roster.read' and outcome = 'denied'`);
    expect(Number(denied!.n)).toBe(1);
  });

  it('the office picks a class; /student 7b lists it', async () => {
    await operator.send('/student');
    const [choose] = operator.texts();
    expect(choose).toContain('/student 7B');
    await operator.send('/student 7b');
    const [list] = operator.texts();
    expect(list!.split('\n')[0]).toMatch(/^📇 ថ្នាក់ 7B/);
    expect(list).toMatch(/— DEMO-001-S\d{5}$/m);
    const [read] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'class.roster.read' and outcome = 'ok'`);
    expect(Number(read!.n)).toBe(2);
  });
});
