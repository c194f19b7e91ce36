/**
 * Audit a parent can trust (issue 11, cases 9 and 10): every staff read of children's data leaves
 * an audit row with ids only — never the text someone typed — and a parent's /privacy shows which
 * staff role looked at their child's record, and when.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog } from '../../src/core/db/schema.js';
import { formatDay } from '../../src/core/i18n/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

// Monday 23 November 2026, 13:10 in Phnom Penh: class 1A (afternoon) is in session.
const now = new Date('2026-11-23T06:10:00Z');
let app: TestApp;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);
let operator: TestUser;
let teacher: TestUser; // homeroom 1A
let teacher7A: TestUser;
let uncle: TestUser; // S00001 (1A) and a 7A child

const readsBy = async (u: TestUser, action: string) =>
  app.database.db.select().from(auditLog).where(and(eq(auditLog.actor, `tg:${u.id}`), eq(auditLog.action, action)));

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  const link = async (tgId: number, phone: string) => {
    const u = app.user(tgId, `u${tgId}`);
    await u.shareContact(phone);
    u.inbox();
    return u;
  };
  operator = await link(8001, '016 373 035');
  teacher = await link(8002, '016 005 138');
  teacher7A = await link(8003, '016 025 313');
  uncle = await link(8101, '086 915 326');
});
afterAll(() => app?.close());

describe('case 9: every staff read of children\'s data is audited', () => {
  it('the /attendance sheet, /today, a class sheet opened from a button, a teacher\'s /questions and /teaches', async () => {
    await teacher.send('/attendance');
    expect(teacher.inbox()[0]!.text).toContain('1A');
    expect(await readsBy(teacher, 'attendance.read')).toEqual([expect.objectContaining({ entity: 'class', outcome: 'ok' })]);

    await operator.send('/today');
    expect(await readsBy(operator, 'attendance.today')).toHaveLength(1);
    await operator.press('1A');
    expect(operator.inbox().at(-1)!.text).toContain('1A');
    expect((await readsBy(operator, 'attendance.read')).map((r) => r.entity)).toEqual(['class']);

    await teacher7A.send('/questions');
    expect(await readsBy(teacher7A, 'question.list')).toHaveLength(1);
    await operator.send('/teaches 7A');
    expect(await readsBy(operator, 'teaching.read')).toHaveLength(1);
  });
});

describe('case 10: the audit log keeps ids, never what was typed', () => {
  it('a phone number typed as a student code and a name typed as a class are not stored', async () => {
    await teacher.send('/student 098924013');
    expect(teacher.texts()).toEqual([t('km', 'reports-student-denied')]);
    await teacher.send('/card 098924013');
    await operator.send('/cards Kim Dara');
    teacher.inbox();
    operator.inbox();
    const leaked = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log l where l::text like '%098924013%' or l::text ilike '%kim dara%' or l::text ilike '%KIMDARA%'`);
    expect(Number(leaked[0]!.n)).toBe(0);
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.outcome, 'denied'), sql`${auditLog.action} in ('student.read', 'card.read', 'card.sheet')`));
    expect(denied.length).toBeGreaterThanOrEqual(3);
  });
});

describe('/privacy: a record of disclosures a parent can read', () => {
  it('shows what the school holds and which staff role looked, and when', async () => {
    await uncle.send('/privacy');
    const messages = uncle.texts();
    expect(messages).toHaveLength(2); // one per child
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Phnom_Penh' }).format(new Date());
    const first = messages.find((m) => m.includes('1A'))!;
    expect(first).toContain(t('km', 'lifecycle-privacy-reads-title', { days: '៩០' }));
    expect(first).toContain(`${formatDay('km', today)} — ${t('km', 'lifecycle-role-teacher')}`);
    expect(first).toContain(`${formatDay('km', today)} — ${t('km', 'lifecycle-role-operator')}`);
    // No staff name, no phone in what the parent reads either.
    expect(first).not.toContain('ម៉ាលី');

    await teacher.send('/privacy');
    expect(teacher.texts()).toEqual([t('km', 'lifecycle-privacy-none')]);
  });
});
