/**
 * The OneRoster ZIP of the demo school, checked independently of the writer: the files and
 * columns are the ones OneRoster 1.2's CSV binding names (typed out here, not imported), every
 * reference points at a row that exists, and no phone number is anywhere. And the Ed-Fi
 * attendance in JSON lines and CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { parse } from 'csv-parse/sync';
import { eq, sql } from 'drizzle-orm';
import { runCliCaptured } from '../support/cli.js';
import { classes } from '../../src/core/db/schema.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { accessClass, submitSheet } from '../../src/attendance/service.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { acceptDefaultPlan } from '../../src/scores/service-setup.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

/** OneRoster v1.2 CSV binding, the files this export claims (1EdTech, 2023). */
const SPEC: Record<string, string> = {
  'orgs.csv': 'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId',
  'academicSessions.csv': 'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear',
  'courses.csv': 'sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes',
  'classes.csv': 'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods',
  'users.csv': 'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns',
  'roles.csv': 'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId',
  'enrollments.csv': 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate',
};
const DAY = '2026-11-23';
let database: TestDatabase;
let env: Record<string, string>;
const dir = mkdtempSync(path.join(tmpdir(), 'oneroster-'));

async function cli(...args: string[]) {
  return runCliCaptured(args, env);
}

beforeAll(async () => {
  database = await createTestDatabase();
  const [row] = await database.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${row!.db}`;
  env = { DATABASE_URL: url.toString(), BOT_USERNAME: 'sis_demo_bot', LOG_LEVEL: 'silent' };
  await loadDemoSchool(database.db);
  await ensurePartitions(database.db, DAY);
  await database.db.execute(sql`update staff set telegram_user_id = 7101 where staff_code = 'DEMO-001-T003'`);
  const teacher = await loadActor(database.db, 7101);
  const [cls] = await database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '1A'));
  const access = await accessClass(database.db, teacher, cls!.id, DAY, DAY);
  if (!access.ok) throw new Error(access.reason);
  await submitSheet(database.db, access, DAY, teacher);
});
afterAll(() => database.drop());

describe('OneRoster export', () => {
  it("the demo school's ZIP has the manifest, the spec's files and columns, and consistent references", async () => {
    const out = path.join(dir, 'demo.zip');
    const r = await cli('export', 'oneroster', '--school', 'DEMO-001', '--out', out);
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('Wrote') });
    const zip = await JSZip.loadAsync(readFileSync(out));
    expect(Object.keys(zip.files).sort()).toEqual(['manifest.csv', ...Object.keys(SPEC)].sort());
    const read = async (name: string) => (await zip.file(name)!.async('string'));
    const manifest = parse(await read('manifest.csv'), { columns: true }) as Array<{ propertyName: string; value: string }>;
    const m = Object.fromEntries(manifest.map((x) => [x.propertyName, x.value]));
    expect(m['manifest.version']).toBe('1.0');
    expect(m['oneroster.version']).toBe('1.2');
    for (const f of Object.keys(SPEC)) expect(m[`file.${f.replace('.csv', '')}`]).toBe('bulk');
    expect(m['file.results']).toBe('absent');
    expect(m['source.systemName']).toBeTruthy();
    const tables: Record<string, Array<Record<string, string>>> = {};
    for (const [name, header] of Object.entries(SPEC)) {
      const text = await read(name);
      expect(text.split('\r\n')[0]).toBe(header);
      const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
      for (const row of rows) {
        expect(row.sourcedId).not.toBe('');
        expect(['active', 'tobedeleted']).toContain(row.status);
        expect(Number.isNaN(Date.parse(row.dateLastModified!))).toBe(false);
      }
      expect(new Set(rows.map((x) => x.sourcedId)).size).toBe(rows.length);
      tables[name] = rows;
    }
    const ids = (f: string) => new Set(tables[f]!.map((x) => x.sourcedId));
    const [counts] = await database.rows<{ students: number; classes: number }>(sql`select (select count(*)::int from students) as students, (select count(*)::int from classes) as classes`);
    expect(tables['users.csv']!.filter((u) => u.sourcedId!.startsWith('student-'))).toHaveLength(counts!.students);
    expect(tables['classes.csv']).toHaveLength(counts!.classes);
    for (const c of tables['classes.csv']!) {
      expect(ids('courses.csv')).toContain(c.courseSourcedId);
      expect(ids('orgs.csv')).toContain(c.schoolSourcedId);
      expect(ids('academicSessions.csv')).toContain(c.termSourcedIds);
      expect(c.classType).toBe('homeroom');
    }
    for (const e of tables['enrollments.csv']!) {
      expect(ids('classes.csv')).toContain(e.classSourcedId);
      expect(ids('users.csv')).toContain(e.userSourcedId);
      expect(['student', 'teacher']).toContain(e.role);
    }
    for (const role of tables['roles.csv']!) expect(ids('users.csv')).toContain(role.userSourcedId);
    expect(tables['enrollments.csv']!.some((e) => e.role === 'teacher' && e.primary === 'true')).toBe(true);
    const school = tables['orgs.csv']!.find((o) => o.type === 'school')!;
    expect(school).toMatchObject({ sourcedId: 'school-DEMO-001', identifier: 'DEMO-001' });
    expect(ids('orgs.csv')).toContain(school.parentSourcedId);
    for (const u of tables['users.csv']!) expect([u.phone, u.sms, u.email, u.password]).toEqual(['', '', '', '']);
    const phones = await database.rows<{ phone: string }>(sql`select phone from guardians where phone is not null union select phone from staff where phone is not null`);
    const all = (await Promise.all(Object.keys(SPEC).map(read))).join('\n');
    for (const p of phones) expect(all).not.toContain(p.phone.slice(4));
  });

  it('refuses an unknown school and a missing scope', async () => {
    expect((await cli('export', 'oneroster', '--school', 'NOPE', '--out', path.join(dir, 'x.zip'))).err).toContain('no school with code NOPE');
    expect((await cli('export', 'oneroster', '--out', path.join(dir, 'x.zip'))).code).toBe(2);
  });
});

/** OneRoster v1.2 CSV binding, the gradebook files (1EdTech, 2023). */
const GRADEBOOK_SPEC: Record<string, string> = {
  'categories.csv': 'sourcedId,status,dateLastModified,title,weight',
  'lineItems.csv': 'sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,categorySourcedId,gradingPeriodSourcedId,resultValueMin,resultValueMax,schoolSourcedId',
  'results.csv': 'sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment,inProgress,incomplete,late,missing',
};

describe('OneRoster gradebook', () => {
  it('once scores exist: categories, lineItems and results, in the manifest, with references that resolve', async () => {
    const plan = await acceptDefaultPlan(database.db, 1, 'cli');
    expect(plan.ok).toBe(true);
    // class 1A's first monthly test in its first subject: every student scored, one absent
    await database.db.execute(sql`
      insert into scores (assessment_id, subject_id, student_id, school_id, class_id, value, absent, entered_by, via)
      select a.id, sub.id, st.id, st.school_id, st.class_id,
             case when st.roll_no = 2 then null else (st.roll_no % 10) end, st.roll_no = 2, 'tg:1', 'typed'
        from students st join classes c on c.id = st.class_id and c.name = '1A'
        join lateral (select id from assessments where school_id = st.school_id order by term, position limit 1) a on true
        join lateral (select id from score_subjects where school_id = st.school_id and grade = c.grade order by position limit 1) sub on true`);
    const out = path.join(dir, 'gradebook.zip');
    expect((await cli('export', 'oneroster', '--school', 'DEMO-001', '--out', out)).code).toBe(0);
    const zip = await JSZip.loadAsync(readFileSync(out));
    const read = async (name: string) => (await zip.file(name)!.async('string'));
    expect(Object.keys(zip.files).sort()).toEqual(['manifest.csv', ...Object.keys(SPEC), ...Object.keys(GRADEBOOK_SPEC)].sort());
    const m = Object.fromEntries((parse(await read('manifest.csv'), { columns: true }) as Array<{ propertyName: string; value: string }>).map((x) => [x.propertyName, x.value]));
    for (const f of ['categories', 'lineItems', 'results']) expect(m[`file.${f}`]).toBe('bulk');
    const tables: Record<string, Array<Record<string, string>>> = {};
    for (const [name, header] of Object.entries({ ...SPEC, ...GRADEBOOK_SPEC })) {
      const text = await read(name);
      expect(text.split('\r\n')[0]).toBe(header);
      tables[name] = parse(text, { columns: true }) as Array<Record<string, string>>;
      expect(new Set(tables[name]!.map((x) => x.sourcedId)).size).toBe(tables[name]!.length);
    }
    const ids = (f: string) => new Set(tables[f]!.map((x) => x.sourcedId));
    const [n] = await database.rows<{ n: number; max: string }>(sql`select count(*)::int as n, max(sub.max_score)::text as max from scores s join score_subjects sub on sub.id = s.subject_id`);
    expect(tables['lineItems.csv']).toHaveLength(1);
    const li = tables['lineItems.csv']![0]!;
    expect(ids('classes.csv')).toContain(li.classSourcedId);
    expect(ids('categories.csv')).toContain(li.categorySourcedId);
    expect(ids('academicSessions.csv')).toContain(li.gradingPeriodSourcedId);
    expect(ids('orgs.csv')).toContain(li.schoolSourcedId);
    expect([li.resultValueMin, Number(li.resultValueMax)]).toEqual(['0', Number(n!.max)]);
    expect(tables['results.csv']).toHaveLength(n!.n);
    for (const r of tables['results.csv']!) {
      expect(r.lineItemSourcedId).toBe(li.sourcedId);
      expect(ids('users.csv')).toContain(r.studentSourcedId);
      expect(['fully graded', 'not submitted']).toContain(r.scoreStatus);
      if (r.scoreStatus === 'not submitted') expect([r.score, r.missing]).toEqual(['', 'true']);
      else expect(Number(r.score)).toBeGreaterThanOrEqual(0);
    }
    expect(tables['results.csv']!.filter((r) => r.missing === 'true')).toHaveLength(1);
  });
});

describe('Ed-Fi attendance export', () => {
  it('writes one StudentSchoolAttendanceEvent per mark, as JSON lines and as CSV', async () => {
    const [n] = await database.rows<{ n: number; absent: number }>(sql`select count(*)::int as n, count(*) filter (where status = 'absent')::int as absent from attendance where day = ${DAY}`);
    const jsonl = path.join(dir, 'att.jsonl');
    expect((await cli('export', 'attendance', '--province', 'PP', '--from', DAY, '--out', jsonl)).code).toBe(0);
    const events = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events).toHaveLength(n!.n);
    expect(events[0]).toMatchObject({ schoolReference: { schoolId: 'DEMO-001' }, eventDate: DAY, sessionReference: { schoolYear: 2027 } });
    expect(events.filter((e) => e.attendanceEventCategoryDescriptor === 'uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence')).toHaveLength(n!.absent);
    const csv = path.join(dir, 'att.csv');
    expect((await cli('export', 'attendance', '--nation', '--from', DAY, '--to', DAY, '--out', csv)).code).toBe(0);
    const rows = parse(readFileSync(csv, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(n!.n);
    expect(Object.keys(rows[0]!)).toEqual(['studentUniqueId', 'schoolId', 'sessionName', 'eventDate', 'attendanceEventCategoryDescriptor', 'arrivalTime', 'shift', 'lastModifiedDate']);
    expect((await cli('export', 'attendance', '--nation', '--from', 'yesterday', '--out', csv)).code).toBe(2);
  });
});
