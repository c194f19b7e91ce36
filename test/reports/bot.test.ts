/**
 * Reports as users meet them: the principal asks and gets a picture and a workbook whose numbers
 * match the attendance rows; scheduled reports reach the leaders once; teachers see only their
 * classes; parents their children; bad periods and other people's classes are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, classes } from '../../src/core/db/schema.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { accessClass, changeMark, submitSheet } from '../../src/attendance/service.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { runReportJob, type ReportJob } from '../../src/reports/jobs.js';
import { reportFileResolver, sendScheduledReports } from '../../src/reports/service.js';
import { reports } from '../../src/reports/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-24T10:00:00Z'); // Tuesday 24 November 2026, 17:00 in Phnom Penh
let app: TestApp;
let stopDelivery: () => Promise<void>;
let deliver: () => Promise<void>;
let principal: TestUser;
let teacher: TestUser; // 1A
let parent: TestUser; // 085 299 411: two children in 1A, one in 4B
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);
const DAYS = ['2026-11-19', '2026-11-20', '2026-11-23', '2026-11-24'];

async function runJobs() {
  while (app.jobs.length) {
    const job = app.jobs.shift()!;
    await runReportJob(app.database, job.data as ReportJob, app.notifier, () => now);
  }
}

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await ensurePartitions(app.database.db, '2026-11-01');
  const delivery = startTestDelivery(app, { resolvePayload: reportFileResolver(app.database.db) });
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;

  principal = app.user(9001, 'Sophea');
  await principal.shareContact('093 388 921');
  teacher = app.user(9002, 'Maly');
  await teacher.shareContact('016 005 138');
  parent = app.user(9003, 'Mum');
  await parent.shareContact('085 299 411');

  // A week of 1A: roll 4 absent three school days running.
  const actor = await loadActor(app.database.db, 9002);
  const [cls] = await app.database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '1A'));
  for (const day of DAYS) {
    const a = await accessClass(app.database.db, actor, cls!.id, day, day);
    if (!a.ok) throw new Error(a.reason);
    if (day !== '2026-11-24') await changeMark(app.database.db, a, day, { kind: 'set', roll: 4, status: 'absent' });
    await submitSheet(app.database.db, a, day, actor);
  }
  await deliver();
  for (const u of [principal, teacher, parent]) u.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('reports on request', () => {
  it('the principal asks for this month: the worker makes a chart and a workbook whose numbers match the rows', async () => {
    await principal.send('/report');
    await principal.press(t('km', 'reports-btn-month'));
    expect(principal.inbox().map((m) => m.text)).toEqual([t('km', 'reports-choose'), t('km', 'reports-preparing', { period: 'វិច្ឆិកា ២០២៦' })]);
    expect(app.jobs).toHaveLength(1);
    await runJobs();
    await deliver();
    const got = principal.inbox();
    const photo = got.find((m) => m.method === 'sendPhoto')!;
    const doc = got.find((m) => m.method === 'sendDocument')!;
    expect(photo.payload.caption).toContain('📊');
    const png = await sharp(Buffer.from(photo.payload.photo.bytes)).metadata();
    expect(png.format).toBe('png');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(doc.payload.document.bytes) as never);
    expect(wb.worksheets.length).toBeGreaterThanOrEqual(3);
    // The Summary's totals row (its last) holds the month's marks as the attendance rows count them.
    const summarySheet = wb.worksheets[0]!;
    const totalsRow = summarySheet.getRow(summarySheet.rowCount);
    const cell = (c: number) => {
      const v = totalsRow.getCell(c).value as number | { formula: string; result?: number };
      // exceljs stores no cached result for a SUM that is 0; Excel computes it on opening.
      return typeof v === 'object' && v !== null ? (v.result ?? (v.formula ? 0 : undefined)) : v;
    };
    const [counts] = await app.database.rows<Record<string, number>>(
      sql`select count(*) filter (where status = 'present')::int as present, count(*) filter (where status = 'absent')::int as absent,
                 count(*) filter (where status = 'late')::int as late, count(*) filter (where status = 'excused')::int as excused, count(*)::int as total
            from attendance where day between '2026-11-01' and '2026-11-24'`,
    );
    expect([7, 8, 9, 10, 11].map(cell)).toEqual([counts!.present, counts!.absent, counts!.late, counts!.excused, counts!.total].map(Number));

    const [truth] = await app.database.rows<{ absent: number; total: number }>(
      sql`select count(*) filter (where status = 'absent')::int as absent, count(*)::int as total from attendance`,
    );
    const stored = await app.database.db.select().from(reports);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.summary).toContain(`❌ ${'០១២៣៤៥៦៧៨៩'[Number(truth!.absent)]}`);
    // Sent once: Telegram's file ids are kept for the next time.
    expect(stored[0]!.pngFileId).toMatch(/^photo-/);
    expect(stored[0]!.xlsxFileId).toMatch(/^doc-/);
    expect(Number(truth!.total)).toBe(32 * 4);
  });

  it('a teacher\'s report covers their own class only, and another class is refused and audited', async () => {
    await teacher.send('/report 1A week');
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('km', 'reports-preparing', { period: '២៣ វិច្ឆិកា ២០២៦ – ២៤ វិច្ឆិកា ២០២៦' })]);
    const job = app.jobs.at(-1)!.data as ReportJob;
    expect(job.kind === 'request' && job.request.scope).toMatch(/^class:\d+$/);
    await runJobs();
    await teacher.send('/report 7A month');
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('km', 'reports-denied-class')]);
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.actor, 'tg:9002'), eq(auditLog.action, 'report.request'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(1);
  });

  it('refuses future and malformed periods', async () => {
    await principal.send('/report month 2027-01');
    await principal.send('/report month 2026-13');
    await principal.send('/report sometime');
    expect(principal.inbox().map((m) => m.text)).toEqual([t('km', 'reports-future'), t('km', 'reports-usage'), t('km', 'reports-usage')]);
    expect(app.jobs).toHaveLength(0);
  });

  it('a parent gets their children\'s month in a line each', async () => {
    await parent.send('/report');
    const [msg] = parent.inbox();
    expect(msg!.text).toContain('ស្រេង ដារ៉ា');
    expect(msg!.text).toContain(t('km', 'reports-child-line', { name: 'ស្រេង ដារ៉ា', class: '1A', present: '១', days: '៤', late: '០', absent: '៣', excused: '០' }));
  });

  it('/student: a teacher reads a child of their class (audited), not of another class', async () => {
    await teacher.send('/student DEMO-001-S00004');
    expect(teacher.inbox()[0]!.text).toContain('ស្រេង ដារ៉ា');
    await teacher.send('/student DEMO-001-S00094');
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('km', 'reports-student-denied')]);
    const reads = await app.database.db.select().from(auditLog).where(and(eq(auditLog.actor, 'tg:9002'), eq(auditLog.action, 'student.read')));
    expect(reads.map((r) => r.outcome).sort()).toEqual(['denied', 'ok']);
  });
});

describe('scheduled reports', () => {
  it('the day\'s report reaches the principal and the operator once, however often the job runs', async () => {
    const operator = app.user(9004, 'Op');
    await operator.shareContact('016 373 035');
    operator.inbox();
    principal.inbox();
    const first = await sendScheduledReports(app.database, { schoolId: 1, today: '2026-11-24', kind: 'daily' }, app.notifier);
    const again = await sendScheduledReports(app.database, { schoolId: 1, today: '2026-11-24', kind: 'daily' }, app.notifier);
    expect(first).toEqual({ sent: 2, period: '2026-11-24' });
    expect(again).toEqual({ sent: 0, period: '2026-11-24' });
    await deliver();
    for (const u of [principal, operator]) {
      expect(u.inbox().map((m) => m.method).sort()).toEqual(['sendDocument', 'sendPhoto']);
    }
  });

  it('the monthly report goes out on the first school day of the month only', async () => {
    expect(await sendScheduledReports(app.database, { schoolId: 1, today: '2026-12-02', kind: 'monthly' }, app.notifier)).toEqual({ sent: 0, period: null });
    const r = await sendScheduledReports(app.database, { schoolId: 1, today: '2026-12-01', kind: 'monthly' }, app.notifier);
    expect(r.period).toBe('2026-11');
    expect(r.sent).toBeGreaterThan(0);
  });
});

