/**
 * The province roll-up: a director linked by phone asks for today and gets, per school of their
 * province only, adoption and attendance, with the schools that need a call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { classes, officials, provinces } from '../../src/core/db/schema.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { accessClass, submitSheet } from '../../src/attendance/service.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { runReportJob, type ReportJob } from '../../src/reports/jobs.js';
import { buildRollup } from '../../src/reports/rollup.js';
import { importStudents } from '../../src/roster/service.js';
import { addSchool } from '../../src/schools/service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { csvFile, loadDemoSchool } from '../support/fixtures.js';

const DAY = '2026-11-23';
let app: TestApp;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

beforeAll(async () => {
  app = await createTestApp({ now: () => new Date('2026-11-23T10:00:00Z'), rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db); // province PP
  await ensurePartitions(app.database.db, DAY);
  await addSchool(app.database.db, { code: 'PP-2', nameKm: 'សាលា ២', nameEn: 'School Two', province: 'PP' }, 'cli');
  await addSchool(app.database.db, { code: 'KD-1', nameKm: 'សាលា កណ្តាល', nameEn: 'Kandal School', province: 'KD' }, 'cli');
  const roster = 'class,shift,student_code,name_km,sex,guardian_phone\n1A,morning,X1,ក,F,011 111 111\n1A,morning,X2,ខ,M,011 111 112\n';
  for (const code of ['PP-2', 'KD-1']) {
    const r = await importStudents(app.database.db, { schoolCode: code, file: csvFile('s.csv', roster), actor: 'cli' });
    if (!r.ok) throw new Error('roster');
  }
  // DEMO-001's 1A submits today; nothing else does.
  await app.database.db.execute(sql`update staff set telegram_user_id = 7101 where staff_code = 'DEMO-001-T003'`);
  const teacher = await loadActor(app.database.db, 7101);
  const [cls] = await app.database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, '1A'));
  const a = await accessClass(app.database.db, teacher, cls!.id, DAY, DAY);
  if (!a.ok) throw new Error(a.reason);
  await submitSheet(app.database.db, a, DAY, teacher);
  const [pp] = await app.database.db.select({ id: provinces.id }).from(provinces).where(eq(provinces.code, 'PP'));
  await app.database.db.insert(officials).values({ phone: '+85517000001', name: 'Director', provinceId: pp!.id });
});
afterAll(() => app?.close());

describe('province roll-up', () => {
  it('covers the schools of the province only, with adoption and who needs a call', async () => {
    const [pp] = await app.database.db.select({ id: provinces.id }).from(provinces).where(eq(provinces.code, 'PP'));
    const r = await buildRollup(app.database, { provinceId: pp!.id, day: DAY });
    expect(r.schools.map((s) => s.code)).toEqual(['DEMO-001', 'PP-2']);
    const demo = r.schools[0]!;
    expect(demo).toMatchObject({ classes: 5, submitted: 1, students: 160 });
    expect(demo.counts.total).toBe(32);
    expect(demo.reasons).toContain('few-submitted');
    expect(demo.reasons).toContain('few-families');
    expect(r.schools[1]!.reasons).toContain('none-submitted');
  });

  it('a director linked by phone sees their office, asks for today, and gets the picture and the workbook', async () => {
    const director = app.user(7201, 'Dir');
    await director.shareContact('017 000 001');
    const linked = director.texts();
    expect(linked.join('\n')).toContain(t('km', 'onboarding-whoami-office-province', { province: 'ភ្នំពេញ' }));
    await director.send('/report month');
    expect(director.texts()).toEqual([t('km', 'reports-rollup-daily-only')]);
    await director.send('/report today');
    expect(director.texts()).toEqual([t('km', 'reports-preparing', { period: '២៣ វិច្ឆិកា ២០២៦' })]);
    const job = app.jobs.shift()!.data as ReportJob;
    expect(job).toMatchObject({ kind: 'rollup', day: DAY, chatId: 7201 });
    await runReportJob(app.database, job, app.notifier, () => new Date('2026-11-23T10:00:00Z'));
    const queued = await app.database.rows<{ method: string; payload: { caption?: string } }>(sql`select method, payload from outbox where chat_id = 7201 order by id`);
    expect(queued.map((q) => q.method)).toEqual(['sendPhoto', 'sendDocument']);
    expect(queued[0]!.payload.caption).toContain('PP-2');
    expect(queued[0]!.payload.caption).not.toContain('KD-1');
  });
});

describe('a large roll-up', () => {
  it('draws at most the schools most in need, so the picture stays within Telegram\'s photo limits', async () => {
    const { rollupAsReport, CHART_MAX_SCHOOLS } = await import('../../src/reports/rollup.js');
    const line = (i: number) => ({
      code: `S${String(i).padStart(4, '0')}`, nameKm: 'x', nameEn: 'x', classes: 10, submitted: i % 7 === 0 ? 0 : 10, students: 300, guardians: 300, guardiansLinked: 200,
      counts: { present: 250 + (i % 40), absent: 50 - (i % 40), late: 0, excused: 0, total: 300, presentF: 0, absentF: 0, lateF: 0, excusedF: 0, totalF: 0 },
      rate: (250 + (i % 40)) / 300, reasons: [],
    });
    const r = { day: DAY, province: null, schools: Array.from({ length: 500 }, (_, i) => line(i)) };
    const report = rollupAsReport(r, 'km', app.notifier.t);
    expect(report.classes).toHaveLength(CHART_MAX_SCHOOLS);
    // schools with no list come first, then the lowest rates
    expect(report.classes.slice(0, 5).every((c) => c.submittedDays === 0)).toBe(true);
    expect(report.totals.total).toBe(500 * 300);
  });
});
