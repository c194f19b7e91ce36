/**
 * Issue 12, item 2, the school's choice: when the office marks a past day, families get a plain
 * notice of that day (the default) or nothing at all (`calendar --past-day-notice none`). Today's
 * absences alarm as always.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runCli } from '../../src/cli/main.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-25T03:00:00Z'); // Wednesday 10:00 in Phnom Penh
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
let operator: TestUser;
let parent: TestUser;
let roll = 0;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

async function cli(...args: string[]) {
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const [row] = await app.database.rows<{ db: string }>(sql`select current_database() as db`);
  url.pathname = `/${row!.db}`;
  const out: string[] = [];
  const code = await runCli(args, { DATABASE_URL: url.toString(), BOT_USERNAME: 'sis_demo_bot', LOG_LEVEL: 'silent', REDIS_URL: 'redis://127.0.0.1:1' }, { line: (s = '') => out.push(s), error: (s) => out.push(s) });
  return { code, out: out.join('\n') };
}

async function markAbsent(day?: string) {
  await operator.send(day ? `/attendance 7B ${day}` : '/attendance 7B');
  await operator.press(`${roll}. ✅`);
  await operator.press(t('km', 'attendance-sheet-submit'));
  await operator.press(t('km', 'attendance-sheet-confirm-yes'));
  await deliver();
}

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  ({ deliver, stop: stopDelivery } = startTestDelivery(app));
  operator = app.user(9001, 'Op');
  await operator.shareContact('016 373 035');
  const [kid] = await app.database.rows<{ roll_no: number; phone: string }>(sql`
    select s.roll_no, g.phone from students s join classes c on c.id = s.class_id and c.name = '7B'
      join student_guardians sg on sg.student_id = s.id and sg.priority = 1 join guardians g on g.id = sg.guardian_id
     order by s.roll_no limit 1`);
  roll = Number(kid!.roll_no);
  parent = app.user(9101, 'P');
  await parent.shareContact(kid!.phone);
  operator.inbox();
  parent.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('past-day marks: a plain notice or none, as the school chooses', () => {
  it('by default the family gets a plain notice of that day', async () => {
    await markAbsent('2026-11-20');
    expect(parent.texts()).toEqual([expect.stringMatching(/^📋 /)]);
  });

  it('a school that chose none: nothing for a past day, the usual alarm for today', async () => {
    const r = await cli('calendar', '--school', 'DEMO-001', '--past-day-notice', 'none');
    expect(r.code).toBe(0);
    expect(r.out).toContain('families told of past-day absences: no');
    expect((await cli('calendar', '--school', 'DEMO-001', '--past-day-notice', 'loud')).code).toBe(2);
    await markAbsent('2026-11-23');
    expect(parent.texts()).toEqual([]);
    const [alerts] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from absence_alerts where day = '2026-11-23'`);
    expect(Number(alerts!.n)).toBe(0);
    await markAbsent();
    const [alarm] = parent.inbox();
    expect(alarm!.text).toMatch(/^⚠️ /);
    expect(alarm!.replyMarkup.inline_keyboard.flat()).toHaveLength(3);
  });
});
