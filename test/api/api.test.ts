/**
 * The read API as a ministry system uses it: a province token reads its province and is refused
 * another; bad and missing tokens, bad dates and cursors get JSON errors (and are audited);
 * pages, deltas and ETags work; aggregate tokens never see a cell under 5; the OpenAPI document
 * describes what is served; no response has a phone number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { eq, sql } from 'drizzle-orm';
import { runCli } from '../../src/cli/main.js';
import { classes } from '../../src/core/db/schema.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { accessClass, submitSheet } from '../../src/attendance/service.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { createLogger } from '../../src/core/logger.js';
import { apiRoute } from '../../src/api/http.js';
import { issueToken, revokeToken } from '../../src/api/tokens.js';
import { importRegistry } from '../../src/registry/service.js';
import { addSchool } from '../../src/schools/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { csvFile, loadDemoSchool } from '../support/fixtures.js';
import { registryOf50 } from '../registry/fixture.js';

const DAY = '2026-11-23';
let database: TestDatabase;
let server: Server;
let base: string;
let env: Record<string, string>;
const tokens: Record<string, string> = {};

async function get(path: string, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag'), text, body: text ? (JSON.parse(text) as any) : null };
}

beforeAll(async () => {
  database = await createTestDatabase();
  const [row] = await database.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${row!.db}`;
  env = { DATABASE_URL: url.toString(), BOT_USERNAME: 'sis_demo_bot', LOG_LEVEL: 'silent' };
  const imported = await importRegistry(database, csvFile('registry.csv', registryOf50()), 'cli');
  if (!imported.ok) throw new Error('registry');
  // The demo school is in Kampong Cham too; its class 1A submits today.
  await loadDemoSchool(database.db);
  await addSchool(database.db, { code: 'DEMO-001', nameKm: 'សាលាសាកល្បង', nameEn: 'Demo School', province: 'Kampong Cham' }, 'cli');
  await ensurePartitions(database.db, DAY);
  await database.db.execute(sql`update staff set telegram_user_id = 7101 where staff_code = 'DEMO-001-T003'`);
  const teacher = await loadActor(database.db, 7101);
  const [cls] = await database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '1A'));
  const access = await accessClass(database.db, teacher, cls!.id, DAY, DAY);
  if (!access.ok) throw new Error(access.reason);
  await submitSheet(database.db, access, DAY, teacher);
  tokens.kc = (await issueToken(database.db, { name: 'kc', scope: { kind: 'province', code: '03' }, level: 'aggregate' }, 'cli')).token;
  tokens.demoStudent = (await issueToken(database.db, { name: 'demo', scope: { kind: 'school', code: 'DEMO-001' }, level: 'student' }, 'cli')).token;
  const revoked = await issueToken(database.db, { name: 'old', scope: { kind: 'nation' }, level: 'aggregate' }, 'cli');
  await revokeToken(database.db, revoked.id, 'cli');
  tokens.revoked = revoked.token;
  tokens.limited = (await issueToken(database.db, { name: 'lim', scope: { kind: 'nation' }, level: 'aggregate' }, 'cli')).token;
  server = createHttpServer([apiRoute({ database, log: createLogger('silent'), ratePerMinute: 30 })]);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  server?.close();
  await database?.drop();
});

describe('read API', () => {
  it("a province token reads its province's day by school, and gets 403 for another province", async () => {
    const r = await get(`/provinces/03/attendance?date=${DAY}`, tokens.kc);
    expect(r.status).toBe(200);
    expect(r.body.schools).toHaveLength(31 * 2);
    const demo = r.body.schools.filter((s: any) => s.school === 'DEMO-001');
    expect(demo.map((s: any) => s.sex)).toEqual(['M', 'F']);
    expect(demo[0].submitted).toBe(1);
    const totals = await database.rows<{ sex: string; n: number }>(sql`select p.sex, count(*)::int as n from attendance a join students p on p.id = a.student_id where a.day = ${DAY} group by p.sex order by p.sex`);
    for (const [i, t] of totals.entries()) expect(demo[i].present === null ? t.n < 5 : demo[i].present).toBe(t.n < 5 ? true : t.n);
    expect(r.body.suppression).toMatchObject({ threshold: 5 });
    const other = await get(`/provinces/17/attendance?date=${DAY}`, tokens.kc);
    expect(other).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: "province 17 is outside this token's scope" } } });
    expect((await get(`/schools/SR-031/attendance?from=${DAY}`, tokens.kc)).status).toBe(403);
    // the ok call is audited as its answer leaves: wait for its row
    let denied: unknown[] = [];
    for (let i = 0; i < 50 && denied.length < 2; i++) {
      denied = await database.rows(sql`select actor, action, outcome from audit_log where action = 'api.province-day' order by outcome desc`);
      if (denied.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    expect(denied).toEqual([
      { actor: expect.stringMatching(/^api:\d+$/), action: 'api.province-day', outcome: 'ok' },
      { actor: expect.stringMatching(/^api:\d+$/), action: 'api.province-day', outcome: 'denied' },
    ]);
  });

  it('refuses missing, unknown and revoked tokens with 401 JSON, audited', async () => {
    expect(await get('/schools')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await get('/schools', 'sis_nope')).toMatchObject({ status: 401, body: { error: { message: 'unknown token' } } });
    expect(await get('/schools', tokens.revoked)).toMatchObject({ status: 401, body: { error: { message: 'this token was revoked' } } });
    const [n] = await database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'api.schools' and outcome = 'denied'`);
    expect(n!.n).toBe(3);
  });

  it('refuses malformed dates, cursors and limits with 400', async () => {
    expect((await get('/schools/DEMO-001/attendance?from=2026-02-30', tokens.kc)).body.error.message).toBe('from must be a date YYYY-MM-DD, not "2026-02-30"');
    expect((await get('/schools/DEMO-001/attendance', tokens.kc)).status).toBe(400);
    expect((await get('/schools?cursor=%%%', tokens.kc)).body.error).toEqual({ code: 'bad-request', message: 'malformed cursor' });
    expect((await get('/schools?limit=0', tokens.kc)).status).toBe(400);
    expect((await get('/schools?updated_since=yesterday', tokens.kc)).status).toBe(400);
    expect((await get('/nothing-here', tokens.kc)).status).toBe(404);
  });

  it('pages the schools with a cursor, gives deltas with updated_since, and answers 304 to a known ETag', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await get(`/schools?limit=20${cursor ? `&cursor=${cursor}` : ''}`, tokens.kc);
      expect(r.status).toBe(200);
      seen.push(...r.body.data.map((s: any) => s.code));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(31); // 30 Kampong Cham schools + the demo school, none of Siem Reap
    expect(new Set(seen).size).toBe(31);
    const first = await get('/schools?limit=1', tokens.kc);
    expect(first.body.data[0]).toMatchObject({ code: 'DEMO-001', province: { code: '03', nameEn: 'Kampong Cham' } });
    const kc1 = (await get('/schools?limit=2', tokens.kc)).body.data[1];
    expect(kc1).toMatchObject({ code: 'KC-001', district: 'Cheung Prey', level: 'primary', latitude: 12.01 });
    const stamp = new Date(Date.now() + 1000).toISOString();
    expect((await get(`/schools?updated_since=${stamp}`, tokens.kc)).body.data).toEqual([]);
    const again = await get('/schools?limit=1', tokens.kc, { 'if-none-match': first.etag! });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('suppresses cells under 5 for aggregate tokens and says so; student tokens read events', async () => {
    const agg = await get('/schools/DEMO-001/enrolments', tokens.kc);
    expect(agg.status).toBe(200);
    for (const c of agg.body.cells) expect(c.students === null ? c.suppressed : c.students === 0 || c.students >= 5).toBe(true);
    expect(agg.body.suppression.note).toContain('suppressed');
    const full = await get('/schools/DEMO-001/enrolments', tokens.demoStudent);
    expect(full.body.cells.every((c: any) => typeof c.students === 'number' && !c.suppressed)).toBe(true);
    expect(agg.body.cells.some((c: any) => c.suppressed)).toBe(full.body.cells.some((c: any) => c.students > 0 && c.students < 5));
    expect((await get(`/schools/DEMO-001/attendance-events?from=${DAY}`, tokens.kc)).status).toBe(403);
    const events = await get(`/schools/DEMO-001/attendance-events?from=${DAY}&limit=5`, tokens.demoStudent);
    expect(events.status).toBe(200);
    expect(events.body.data[0]).toMatchObject({ schoolId: 'DEMO-001', eventDate: DAY, attendanceEventCategoryDescriptor: 'uri://ed-fi.org/AttendanceEventCategoryDescriptor#In Attendance' });
    const all: any[] = [...events.body.data];
    let cursor = events.body.nextCursor;
    while (cursor) {
      const p = await get(`/schools/DEMO-001/attendance-events?from=${DAY}&limit=5&cursor=${cursor}`, tokens.demoStudent);
      all.push(...p.body.data);
      cursor = p.body.nextCursor;
    }
    const [n] = await database.rows<{ n: number }>(sql`select count(*)::int as n from attendance where day = ${DAY}`);
    expect(all).toHaveLength(n!.n);
    expect((await get('/schools/KC-001/classes', tokens.demoStudent)).status).toBe(403);
  });

  it('never answers with a phone number', async () => {
    const phones = await database.rows<{ phone: string }>(sql`select phone from guardians where phone is not null limit 3`);
    for (const path of ['/schools', '/schools/DEMO-001/classes', '/schools/DEMO-001/enrolments', `/schools/DEMO-001/attendance-events?from=${DAY}`]) {
      const r = await get(path, tokens.demoStudent);
      expect(r.status).toBe(200);
      expect(r.text).not.toMatch(/\+855/);
      for (const p of phones) expect(r.text).not.toContain(p.phone.slice(4));
    }
  });

  it('rate-limits each token (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await get('/provinces', tokens.limited)).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    expect((await get('/provinces', tokens.kc)).status).toBe(200);
  });

  it('serves an OpenAPI 3.1 document of every resource, generated from the response schemas', async () => {
    const doc = (await get('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/provinces', '/provinces/{province}/attendance', '/schools', '/schools/{school}/attendance', '/schools/{school}/attendance-events', '/schools/{school}/classes', '/schools/{school}/enrolments']);
    expect(doc.paths['/schools'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SchoolPage' });
    const school = doc.components.schemas.School;
    expect(Object.keys(school.properties)).toContain('latitude');
    expect(JSON.stringify(doc.components.schemas)).not.toMatch(/phone/i);
    expect(doc.components.schemas.AttendanceDay.properties.present.anyOf).toEqual([expect.objectContaining({ type: 'integer' }), { type: 'null' }]);
  });

  it('issues tokens from the CLI (warning about student level), lists and revokes them', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { line: (s = '') => out.push(s), error: (s: string) => err.push(s) };
    expect(await runCli(['api-token', 'add', '--scope', 'province:Siem Reap', '--level', 'student'], env, io)).toBe(0);
    expect(err.join('\n')).toContain('WARNING: a student-level token');
    const token = out.at(-1)!;
    expect(token).toMatch(/^sis_/);
    expect((await get(`/provinces/17/attendance?date=${DAY}`, token)).status).toBe(200);
    const [stored] = await database.rows<{ n: number }>(sql`select count(*)::int as n from api_tokens where hash = ${token} or name = ${token}`);
    expect(stored!.n).toBe(0);
    out.length = 0;
    expect(await runCli(['api-token', 'list'], env, io)).toBe(0);
    const line = out.find((l) => l.includes('province:17'))!;
    expect(line).not.toContain(token);
    const id = line.split('\t')[0]!;
    expect(await runCli(['api-token', 'revoke', '--id', id], env, io)).toBe(0);
    expect((await get(`/provinces/17/attendance?date=${DAY}`, token)).status).toBe(401);
    expect(await runCli(['api-token', 'add', '--scope', 'province:Narnia', '--level', 'aggregate'], env, io)).toBe(2);
    expect(await runCli(['api-token', 'add', '--scope', 'nation', '--level', 'everything'], env, io)).toBe(2);
  });
});
