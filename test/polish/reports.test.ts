/**
 * Issue 12, items 8 and 9, through the bot: a class report names its class (caption, chart title,
 * workbook title and file name), and 🔔 Remind names the teachers it could not reach, with the
 * command that invites each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { classes } from '../../src/core/db/schema.js';
import { accessClass, submitSheet } from '../../src/attendance/service.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { runReportJob, type ReportJob } from '../../src/reports/jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-24T01:00:00Z'); // Tuesday 24 November 2026, 08:00 in Phnom Penh
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
let teacher: TestUser; // 1A
let operator: TestUser;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await ensurePartitions(app.database.db, '2026-11-01');
  ({ deliver, stop: stopDelivery } = startTestDelivery(app));
  teacher = app.user(5001, 'Maly');
  await teacher.shareContact('016 005 138');
  operator = app.user(5002, 'Op');
  await operator.shareContact('016 373 035');
  const actor = await loadActor(app.database.db, 5001);
  const [cls] = await app.database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '1A'));
  const a = await accessClass(app.database.db, actor, cls!.id, '2026-11-23', '2026-11-23');
  if (!a.ok) throw new Error(a.reason);
  await submitSheet(app.database.db, a, '2026-11-23', actor);
  teacher.inbox();
  operator.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('8. a class report says which class it is', () => {
  it('caption, workbook title and file name carry the class', async () => {
    await teacher.send('/report 1A week');
    while (app.jobs.length) await runReportJob(app.database, app.jobs.shift()!.data as ReportJob, app.notifier, () => now);
    await deliver();
    const got = teacher.inbox();
    const photo = got.find((m) => m.method === 'sendPhoto')!;
    expect(photo.text).toContain(`សាលាគំរូ · ${t('km', 'reports-class-label', { classes: '1A' })}`);
    const doc = got.find((m) => m.method === 'sendDocument')!;
    const file = doc.payload.document as { upload: string; bytes: Buffer };
    expect(file.upload).toMatch(/-1A\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.bytes as unknown as ArrayBuffer);
    expect(book.title).toContain(t('km', 'reports-class-label', { classes: '1A' }));
  });
});

describe('9. 🔔 Remind names who it could not reach', () => {
  it('teachers not on Telegram are listed with the command that invites them', async () => {
    await operator.send('/today');
    await operator.press('🔔');
    const got = operator.inbox();
    const list = got.find((m) => m.method === 'sendMessage' && m.text.startsWith(t('km', 'attendance-remind-unreachable')))!;
    // 7A's teacher (Keo Makara, T005) has not linked; 1A's (linked) submitted already.
    expect(list.text).toContain(t('km', 'attendance-remind-not-linked', { class: '7A', name: 'កែវ មករា', invite: '/invite teacher DEMO-001-T005' }));
    expect(list.text).not.toContain('1A');
  });
});
