/**
 * Numbers follow the reader's language in every reports flow: the office's, a teacher's, a
 * parent's and a provincial director's requests walked by English readers (no Khmer digit in
 * anything they receive, report captions included) and by Khmer readers (Khmer digits in counts,
 * shares and dates; ASCII digits only inside class names and codes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { classes, officials, provinces } from '../../src/core/db/schema.js';
import { loadActor } from '../../src/core/auth/actor.js';
import { accessClass, changeMark, submitSheet } from '../../src/attendance/service.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { runReportJob, type ReportJob } from '../../src/reports/jobs.js';
import { reportFileResolver } from '../../src/reports/service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { asciiDigitsOutsideIds, khmerDigitsIn, shown } from '../support/digits.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-24T10:00:00Z'); // Tuesday 24 November 2026, 17:00 in Phnom Penh
let app: TestApp;
let stopDelivery: () => Promise<void>;
let deliver: () => Promise<void>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

interface Cast {
  locale: 'km' | 'en';
  office: TestUser;
  teacher: TestUser;
  parent: TestUser;
  director: TestUser;
  /** a student of the teacher's class */
  studentCode: string;
}
const cast: Partial<Record<'km' | 'en', Cast>> = {};
const linked = new Map<TestUser, number>();
const got = (u: TestUser) => u.received().slice(linked.get(u) ?? 0);

async function person(id: number, phone: string, locale: 'km' | 'en'): Promise<TestUser> {
  const u = app.user(id, `U${id}`);
  if (locale === 'en') {
    await u.send('/language');
    await u.press('English');
  }
  await u.shareContact(phone);
  return u;
}

async function runJobs() {
  while (app.jobs.length) await runReportJob(app.database, app.jobs.shift()!.data as ReportJob, app.notifier, () => now);
  await deliver();
}

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await ensurePartitions(app.database.db, '2026-11-01');
  const [pp] = await app.database.db.select({ id: provinces.id }).from(provinces).where(eq(provinces.code, 'PP'));
  await app.database.db.insert(officials).values([
    { phone: '+85517000001', name: 'Provincial director', provinceId: pp!.id },
    { phone: '+85517000002', name: 'National office', provinceId: null },
  ]);
  const delivery = startTestDelivery(app, { resolvePayload: reportFileResolver(app.database.db) });
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;
  cast.en = {
    locale: 'en',
    office: await person(4001, '016 373 035', 'en'), // operator
    teacher: await person(4002, '016 005 138', 'en'), // 1A
    parent: await person(4003, '085 299 411', 'en'), // two children in 1A, one in 4B
    director: await person(4004, '017 000 001', 'en'),
    studentCode: 'DEMO-001-S00004',
  };
  cast.km = {
    locale: 'km',
    office: await person(4101, '093 388 921', 'km'), // principal
    teacher: await person(4102, '016 025 313', 'km'), // 7A
    parent: await person(4103, '086 915 326', 'km'), // a child in 1A and one in 7A
    director: await person(4104, '017 000 002', 'km'),
    studentCode: 'DEMO-001-S00065',
  };
  // Three school days of 1A and 7A, with absences.
  for (const [uid, name] of [[4002, '1A'], [4102, '7A']] as const) {
    const actor = await loadActor(app.database.db, uid);
    const [cls] = await app.database.db.select({ id: classes.id }).from(classes).where(eq(classes.name, name));
    for (const day of ['2026-11-20', '2026-11-23', '2026-11-24']) {
      const a = await accessClass(app.database.db, actor, cls!.id, day, day);
      if (!a.ok) throw new Error(a.reason);
      await changeMark(app.database.db, a, day, { kind: 'set', roll: 4, status: 'absent' });
      await changeMark(app.database.db, a, day, { kind: 'set', roll: 1, status: 'late', time: '07:05' });
      await submitSheet(app.database.db, a, day, actor);
    }
  }
  await deliver();
  for (const c of Object.values(cast)) for (const u of [c.office, c.teacher, c.parent, c.director]) linked.set(u, u.received().length);
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

async function walk(c: Cast): Promise<void> {
  const loc = c.locale;
  await c.office.send('/report');
  await c.office.press(t(loc, 'reports-btn-month'));
  await c.office.send('/report week');
  await c.office.send('/report today');
  await c.office.send(`/student ${c.studentCode}`);
  await c.teacher.send('/report week');
  await c.teacher.send(`/student ${c.studentCode} 2026-11`);
  await c.parent.send('/report');
  await c.parent.send('/report lastmonth');
  await c.director.send('/report today');
  await runJobs();
}

const everything = (c: Cast) => [c.office, c.teacher, c.parent, c.director].flatMap((u) => shown(got(u)));
const captions = (u: TestUser) => got(u).filter((m) => m.method === 'sendPhoto').map((m) => m.text);

describe('reports in English', () => {
  it('show no Khmer digit in anything an English reader receives', async () => {
    const c = cast.en!;
    await walk(c);
    const all = everything(c);
    expect(all).toContain(t('en', 'reports-preparing', { period: 'November 2026' }));
    expect(all).toContain(t('en', 'reports-preparing', { period: '23 November 2026 – 24 November 2026' }));
    expect(captions(c.office)).toHaveLength(3);
    expect(captions(c.teacher)).toHaveLength(1);
    expect(captions(c.director)).toHaveLength(1);
    expect(captions(c.office)[0]).toContain('%');
    expect(all.some((x) => x.includes(t('en', 'reports-children-title', { from: '1 November 2026', to: '24 November 2026' })))).toBe(true);
    expect(all.some((x) => x.includes('(1 November 2026 – 24 November 2026)'))).toBe(true); // /student
    expect(khmerDigitsIn(all)).toEqual([]);
  });
});

describe('reports in Khmer', () => {
  it('show Khmer digits in counts, shares and dates, and ASCII digits only inside class names and codes', async () => {
    const c = cast.km!;
    await walk(c);
    const all = everything(c);
    expect(all).toContain(t('km', 'reports-preparing', { period: 'វិច្ឆិកា ២០២៦' }));
    expect(captions(c.office)).toHaveLength(3);
    expect(captions(c.director)).toHaveLength(1);
    for (const caption of [...captions(c.office), ...captions(c.teacher), ...captions(c.director)]) expect(caption).toMatch(/[០-៩]/);
    expect(all.some((x) => x.includes(t('km', 'reports-children-title', { from: '១ តុលា ២០២៦', to: '៣១ តុលា ២០២៦' })))).toBe(true); // last month
    for (const u of [c.office, c.teacher, c.parent, c.director]) expect(khmerDigitsIn(shown(got(u))).length).toBeGreaterThan(0);
    expect(asciiDigitsOutsideIds(all)).toEqual([]);
  });
});

describe('typed in Khmer digits', () => {
  it('a month typed in Khmer digits is understood and answered in Khmer', async () => {
    const c = cast.km!;
    c.office.inbox();
    await c.office.send('/report month ២០២៦-១០');
    expect(c.office.inbox().map((m) => m.text)).toEqual([t('km', 'reports-preparing', { period: 'តុលា ២០២៦' })]);
    const job = app.jobs.shift()!.data as ReportJob;
    expect(job.kind === 'request' && job.request.period).toBe('2026-10');
  });
});
