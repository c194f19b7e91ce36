/**
 * DATABASE_READ_URL: reports (through the bot and the worker's job), the province roll-up and
 * the read API read from the second database client. The "replica" here is the same server
 * reached as another role with SELECT only and its own application_name, so the test sees the
 * read pool in pg_stat_activity, sees that nothing was written through it (it could not be), and
 * sees the paths fail when that role loses its right to read attendance (they really use it).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import postgres from 'postgres';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withReader } from '../../src/app.js';
import { classes } from '../../src/core/db/schema.js';
import { readerOf } from '../../src/core/db/client.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { accessClass, submitSheet } from '../../src/attendance/service.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { runReportJob, type ReportJob } from '../../src/reports/jobs.js';
import { reportFileResolver } from '../../src/reports/service.js';
import { deliverRollup } from '../../src/reports/rollup.js';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { createLogger } from '../../src/core/logger.js';
import { apiRoute } from '../../src/api/http.js';
import { issueToken } from '../../src/api/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ADMIN_URL } from '../support/db.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-24T10:00:00Z'); // Tuesday 24 November 2026, 17:00 in Phnom Penh
const DAY = '2026-11-24';
const role = `sis_ro_${randomBytes(4).toString('hex')}`;
let app: TestApp;
let dbName: string;
let principal: TestUser;
let server: Server;
let base: string;
let token: string;
let delivery: ReturnType<typeof startTestDelivery>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });

async function runJobs() {
  while (app.jobs.length) {
    const job = app.jobs.shift()!;
    await runReportJob(app.database, job.data as ReportJob, app.notifier, () => now);
  }
}

const readPool = async () =>
  admin.unsafe(`select count(*)::int as n from pg_stat_activity where datname = $1 and usename = $2 and application_name = 'sis-read'`, [dbName, role]).then((r) => Number(r[0]!.n));

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await ensurePartitions(app.database.db, '2026-11-01');
  [{ db: dbName }] = await app.database.rows<{ db: string }>(sql`select current_database() as db`) as [{ db: string }];
  await admin.unsafe(`create role ${role} login`);
  await app.database.db.execute(sql.raw(`grant usage on schema public to ${role}; grant select on all tables in schema public to ${role}`));
  const readUrl = new URL(ADMIN_URL);
  readUrl.username = role;
  readUrl.pathname = `/${dbName}`;
  await withReader(app.database, readUrl.toString());

  delivery = startTestDelivery(app, { resolvePayload: reportFileResolver(app.database.db) });
  principal = app.user(9101, 'Sophea');
  await principal.shareContact('093 388 921');
  await app.database.db.execute(sql`update staff set telegram_user_id = 9102 where phone = '+85516005138'`);
  const teacher = await loadActor(app.database.db, 9102);
  const [cls] = await app.database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '1A'));
  const access = await accessClass(app.database.db, teacher, cls!.id, DAY, DAY);
  if (!access.ok) throw new Error(access.reason);
  await submitSheet(app.database.db, access, DAY, teacher);
  await delivery.deliver();
  principal.inbox();

  token = (await issueToken(app.database.db, { name: 'demo', scope: { kind: 'school', code: 'DEMO-001' }, level: 'student' }, 'cli')).token;
  server = createHttpServer([apiRoute({ database: app.database, log: createLogger('silent'), ratePerMinute: 1000 })]);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterAll(async () => {
  server?.close();
  await delivery?.stop();
  await app?.database.reader?.close();
  await app?.close();
  await admin.unsafe(`drop role if exists ${role}`);
  await admin.end();
});

describe('a read replica (DATABASE_READ_URL)', () => {
  it('is a second client: another role and application name, only when the URL differs', async () => {
    expect(app.database.reader).toBeDefined();
    expect(readerOf(app.database)).toBe(app.database.reader);
    expect(await readPool()).toBe(0); // nothing read through it yet
  });

  it("the principal's monthly report is computed through it and arrives as before", async () => {
    await principal.send('/report');
    await principal.press(t('km', 'reports-btn-month'));
    principal.inbox();
    await runJobs();
    await delivery.deliver();
    const got = principal.inbox();
    expect(got.map((m) => m.method)).toEqual(['sendPhoto', 'sendDocument']);
    expect(await readPool()).toBeGreaterThanOrEqual(1);
  });

  it('the read API answers through it', async () => {
    const res = await fetch(`${base}/schools/DEMO-001/attendance?from=${DAY}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { school: string; days: unknown[] };
    expect(body.school).toBe('DEMO-001');
    expect(body.days.length).toBeGreaterThan(0);
  });

  it('when the read role may no longer read attendance, reports and the API fail: they do read through it', async () => {
    await app.database.db.execute(sql.raw(`revoke select on attendance from ${role}`));
    // the primary still reads it
    expect((await app.database.rows(sql`select 1 from attendance limit 1`)).length).toBe(1);
    const res = await fetch(`${base}/schools/DEMO-001/attendance?from=${DAY}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(500);
    await principal.send('/report');
    await principal.press(t('km', 'reports-btn-today'));
    principal.inbox();
    const failure = await runJobs().then(() => null, (err: Error & { cause?: unknown }) => String(err.cause ?? err));
    expect(failure).toMatch(/permission denied for table attendance/);
    const rollup = { provinceId: null, day: DAY, today: '2026-11-25', locale: 'km' as const, chatId: 9101, requestedBy: 'test', key: 'rollup:test' };
    const rollupFailure = await deliverRollup(app.database, rollup, app.notifier).then(() => null, (err: Error & { cause?: unknown }) => String(err.cause ?? err));
    expect(rollupFailure).toMatch(/permission denied for table attendance/);
    await app.database.db.execute(sql.raw(`grant select on attendance to ${role}`));
    // read again: the roll-up goes through
    expect((await deliverRollup(app.database, rollup, app.notifier)).reused).toBe(false);
  });
});
