/**
 * /export as an official lives it: a provincial director chooses the OneRoster ZIP and gets it as
 * a document (made by the worker, the promise kept in Postgres); the month's attendance as CSV;
 * over the size limit the file comes as a signed, expiring download link that the bot's HTTP
 * server answers (a forged or expired link does not); teachers and parents are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import JSZip from 'jszip';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { loadConfigWithoutBot, type Config } from '../../src/config.js';
import type { JobContext } from '../../src/core/capability.js';
import { createLogger } from '../../src/core/logger.js';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { addOfficial, addSchool } from '../../src/schools/service.js';
import { exportDownloadRoute, linkSignature } from '../../src/exports/files.js';
import { exportsQueue, type ExportJob } from '../../src/exports/jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery, type TestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-23T06:10:00Z');
let app: TestApp;
let delivery: TestDelivery;
let redis: Redis;
let server: Server;
let base: string;
let director: TestUser;
let config: Config;
const dir = mkdtempSync(path.join(tmpdir(), 'exports-bot-'));
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
const tEn = (key: string, vars?: Record<string, string | number>) => app.notifier.t('en', key, vars);

/** The worker: every job the bot added, run with the queue's own runner. */
async function runJobs(cfg: Config) {
  const ctx = { database: app.database, connection: redis, prefix: 'unused', log: createLogger('silent'), notifier: app.notifier, now: () => now, config: cfg } as JobContext;
  while (app.jobs.length) {
    const job = app.jobs.shift()!;
    expect(job.queue).toBe('exports');
    await exportsQueue.run(job.data as ExportJob, { ...ctx, queue: undefined as never });
  }
  await delivery.deliver();
}

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await addSchool(app.database.db, { code: 'DEMO-001', nameKm: 'សាលាគំរូ', nameEn: 'Demo School', province: 'Kampong Cham' }, 'cli');
  await addOfficial(app.database.db, { phoneE164: '+85512777001', name: 'Director', provinceCode: '03' }, 'cli');
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  config = loadConfigWithoutBot({ EXPORTS_DIR: dir, EXPORTS_PUBLIC_URL: 'https://sis.example.org', BOT_TOKEN: '123:TEST-TOKEN-abcdefghij' });
  delivery = startTestDelivery(app);
  server = createHttpServer([exportDownloadRoute(app.database, config)]);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  director = app.user(3001, 'Director');
  await director.send('/language');
  await director.press('English');
  await director.shareContact('012 777 001');
  director.inbox();
});

afterAll(async () => {
  server?.close();
  await delivery?.stop();
  await redis?.quit();
  await app?.close();
});

describe('/export', () => {
  it("a provincial director gets the province's OneRoster ZIP as a document, made by the worker", async () => {
    await director.send('/export');
    const menu = director.inbox().at(-1)!;
    expect(menu.text).toBe(tEn('exports-choose', { scope: tEn('exports-scope-province', { name: 'Kampong Cham' }) }));
    await director.press(tEn('exports-btn-oneroster'));
    expect(director.inbox().at(-1)!.text).toBe(tEn('exports-preparing', { name: 'oneroster-province-03.zip' }));
    // the promise is in Postgres, whatever Redis does
    expect(app.jobs).toHaveLength(1);
    await runJobs(config);
    const doc = director.inbox().find((m) => m.method === 'sendDocument')!;
    expect(doc.payload.document.upload).toBe('oneroster-province-03.zip');
    expect(doc.payload.caption).toMatch(/^📦 oneroster-province-03\.zip \(\d+ KB\)$/);
    const zip = await JSZip.loadAsync(Buffer.from(doc.payload.document.bytes));
    expect(Object.keys(zip.files)).toContain('users.csv');
    const orgs = parse(await zip.file('orgs.csv')!.async('string'), { columns: true }) as Array<Record<string, string>>;
    expect(orgs.filter((o) => o.type === 'school').map((o) => o.identifier)).toEqual(['DEMO-001']);
    const [a] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action in ('export.request', 'export.made') and actor = 'tg:3001'`);
    expect(a!.n).toBe(2);
  });

  it("typed: this month's attendance as CSV; a month not begun and nonsense are refused with the usage", async () => {
    await director.send('/export attendance 2027-01');
    expect(director.inbox().at(-1)!.text).toBe(tEn('exports-future'));
    await director.send('/export everything');
    expect(director.inbox().at(-1)!.text).toBe(tEn('exports-usage'));
    expect(app.jobs).toHaveLength(0);
    await director.send('/export attendance 2026-11 csv');
    expect(director.inbox().at(-1)!.text).toBe(tEn('exports-preparing', { name: 'attendance-province-03-2026-11.csv' }));
    await runJobs(config);
    const doc = director.inbox().find((m) => m.method === 'sendDocument')!;
    expect(doc.payload.document.upload).toBe('attendance-province-03-2026-11.csv');
    expect(Buffer.from(doc.payload.document.bytes).toString('utf8').split('\r\n')[0]).toBe('studentUniqueId,schoolId,sessionName,eventDate,attendanceEventCategoryDescriptor,arrivalTime,shift,lastModifiedDate');
  });

  it("over Telegram's limit: a signed, expiring link, served by the bot's HTTP server; forged and expired links are refused", async () => {
    await director.send('/export oneroster');
    await runJobs({ ...config, EXPORTS_TELEGRAM_MAX_BYTES: 100 });
    const msg = director.inbox().filter((m) => m.method === 'sendMessage').at(-1)!;
    const link = /https:\/\/sis\.example\.org(\/exports\/\d+\/\d+\/[A-Za-z0-9_-]+)/.exec(msg.text)![1]!;
    expect(msg.text).toContain('oneroster-province-03.zip');
    expect(msg.text).toMatch(/is larger than Telegram accepts\. Download it here until \d{1,2} [A-Z][a-z]+ 20\d\d \d\d:\d\d:\n/);
    const res = await fetch(`${base}${link}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="oneroster-province-03.zip"');
    const zip = await JSZip.loadAsync(Buffer.from(await res.arrayBuffer()));
    expect(Object.keys(zip.files)).toContain('enrollments.csv');
    const [, , id, expires, sig] = link.split('/');
    expect((await fetch(`${base}/exports/${id}/${Number(expires) + 3600}/${sig}`)).status).toBe(403);
    expect((await fetch(`${base}/exports/${id}/${expires}/${'A'.repeat(43)}`)).status).toBe(403);
    const past = Math.floor(Date.now() / 1000) - 60;
    expect((await fetch(`${base}/exports/${id}/${past}/${linkSignature(config, Number(id), past)}`)).status).toBe(410);
    expect((await fetch(`${base}/exports/nothing`)).status).toBe(404);
    const downloads = await app.database.rows<{ outcome: string }>(sql`select outcome from audit_log where action = 'export.download' order by id`);
    expect(downloads.map((d) => d.outcome)).toEqual(['ok', 'denied', 'denied']);
  });

  it('a teacher is refused in their language, and nothing is made', async () => {
    const teacher = app.user(2001, 'Maly');
    await teacher.shareContact('016 005 138');
    teacher.inbox();
    await teacher.send('/export');
    expect(teacher.inbox().at(-1)!.text).toBe(t('exports-denied'));
    await teacher.send('/export oneroster');
    expect(teacher.inbox().at(-1)!.text).toBe(t('exports-denied'));
    expect(app.jobs).toHaveLength(0);
  });
});
