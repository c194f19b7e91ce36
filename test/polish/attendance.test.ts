/**
 * Issue 12, attendance as a school lives it (driven through the real bot, asserting on what each
 * user receives):
 * 1. a typed correction after a submit changes only the students it names, never an earlier tap
 *    nobody submitted;
 * 2. the office marking a past day sends families a plain record of that day, never "today" with a
 *    "coming late" button;
 * 5. a child submitted absent and then scanned gets one message and one truth: before the late
 *    time "at school" (the gate sees on time), after it "late" (the gate sees late).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { signCard } from '../../src/qr/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';
import { addGatekeeper, issueAllCards } from '../qr/gate.js';

// Monday 23 November 2026, 13:10 in Phnom Penh: 1A (afternoon) is in session.
let now = new Date('2026-11-23T06:10:00Z');
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

type Kid = { id: number; roll: number; nameKm: string; nameEn: string | null; phone: string };
async function kidsOf(className: string): Promise<Kid[]> {
  const rows = await app.database.rows<{ id: number; roll_no: number; name_km: string; name_en: string | null; phone: string }>(sql`
    select s.id, s.roll_no, s.name_km, s.name_en, g.phone from students s
      join classes c on c.id = s.class_id and c.name = ${className}
      join student_guardians sg on sg.student_id = s.id and sg.priority = 1 join guardians g on g.id = sg.guardian_id
     order by s.roll_no`);
  return rows.map((r) => ({ id: Number(r.id), roll: Number(r.roll_no), nameKm: r.name_km, nameEn: r.name_en, phone: r.phone }));
}
const statusOf = async (studentId: number, day: string) =>
  (await app.database.rows<{ status: string; arrived_at: string | null }>(sql`select status, arrived_at from attendance where student_id = ${studentId} and day = ${day}`))[0];
const messagesOf = (u: TestUser) => u.inbox().filter((m) => m.method === 'sendMessage');

let teacher: TestUser;
let operator: TestUser;

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  ({ deliver, stop: stopDelivery } = startTestDelivery(app));
  teacher = app.user(3001, 'Maly');
  await teacher.shareContact('016 005 138'); // homeroom 1A
  operator = app.user(3002, 'Op');
  await operator.shareContact('016 373 035');
  teacher.inbox();
  operator.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('1. a typed correction after a submit', () => {
  it('changes only the students it names: an unsubmitted tap on another child is not saved with it', async () => {
    const kids = await kidsOf('1A');
    await teacher.send('1A absent 3');
    await teacher.press(t('km', 'attendance-sheet-confirm-yes'));
    expect((await statusOf(kids[2]!.id, '2026-11-23'))!.status).toBe('absent');
    // Roll 8 is tapped to absent on the list, then to late and excused (sick) — and never submitted.
    await teacher.send('/attendance');
    for (let i = 0; i < 3; i++) await teacher.press('8. ');
    expect(teacher.inbox().at(-1)!.text).toContain(`📝 8.`);
    // The teacher then types a correction for roll 3 only.
    await teacher.send('1A late 3 13:20');
    const preview = teacher.inbox().at(-1)!;
    expect(preview.text).toContain(t('km', 'attendance-quick-confirm-correction'));
    expect(preview.text).not.toContain('📝 8.');
    await teacher.press(t('km', 'attendance-sheet-confirm-yes'));
    expect(await statusOf(kids[2]!.id, '2026-11-23')).toEqual({ status: 'late', arrived_at: '13:20' });
    expect((await statusOf(kids[7]!.id, '2026-11-23'))!.status).toBe('present');
  });
});

describe('2. the office marks a past day', () => {
  it('families get a plain record of that day — no "today", no answer buttons; today\'s lists still alarm', async () => {
    const kids = await kidsOf('7B');
    const parent = app.user(3101, 'P7B');
    await parent.shareContact(kids[0]!.phone);
    parent.inbox();
    // Wednesday: the office enters last Friday's paper list for 7B.
    now = new Date('2026-11-25T03:00:00Z');
    await operator.send('/attendance 7B 2026-11-20');
    await operator.press(`${kids[0]!.roll}. ✅`);
    await operator.press(t('km', 'attendance-sheet-submit'));
    await operator.press(t('km', 'attendance-sheet-confirm-yes'));
    await deliver();
    const got = messagesOf(parent);
    expect(got.map((m) => m.text)).toEqual([
      t('km', 'attendance-alert-past-one', { names: kids[0]!.nameKm, class: '7B', shift: t('km', 'core-shift-morning'), date: '២០ វិច្ឆិកា ២០២៦' }),
    ]);
    expect(got[0]!.replyMarkup).toBeUndefined();

    // The same child absent today: the usual alarm with its buttons.
    await operator.send('/attendance 7B');
    await operator.press(`${kids[0]!.roll}. ✅`);
    await operator.press(t('km', 'attendance-sheet-submit'));
    await operator.press(t('km', 'attendance-sheet-confirm-yes'));
    await deliver();
    const today = messagesOf(parent);
    expect(today).toHaveLength(1);
    expect(today[0]!.text).toBe(t('km', 'attendance-alert-absent-one', { names: kids[0]!.nameKm, class: '7B', shift: t('km', 'core-shift-morning'), date: '២៥ វិច្ឆិកា ២០២៦' }));
    expect(today[0]!.replyMarkup.inline_keyboard.flat()).toHaveLength(3);

    // 10. The answered alert still says which child and which day it was about, even when the
    // message it edits came without its text (an old message).
    const sick = today[0]!.replyMarkup.inline_keyboard.flat()[0]!.callback_data as string;
    await parent.pressData(sick, today[0]!.messageId, '');
    const edited = parent.inbox().find((m) => m.method === 'editMessageText')!;
    expect(edited.text).toBe(t('km', 'attendance-alert-answered-about', { names: kids[0]!.nameKm, date: '២៥ វិច្ឆិកា ២០២៦', answer: t('km', 'attendance-answer-sick') }));
  });
});

describe('5. a child submitted absent, then scanned at the gate', () => {
  let gate: TestUser;
  let kids: Kid[];
  let parents: TestUser[];
  const card = (id: number) => signCard(app.deps.cardSecret, { studentId: id, version: 1 });

  beforeAll(async () => {
    await issueAllCards(app);
    await addGatekeeper(app, 'DEMO-001', '+85512999031');
    gate = app.user(3201, 'Gate');
    await gate.shareContact('012 999 031');
    gate.inbox();
    kids = (await kidsOf('7A')).slice(0, 2);
    parents = [];
    for (const [i, k] of kids.entries()) {
      const p = app.user(3301 + i, `P${i}`);
      await p.shareContact(k.phone);
      p.inbox();
      parents.push(p);
    }
    // Thursday 26 November, 07:02: the 7A teacher submits both children absent.
    now = new Date('2026-11-26T00:02:00Z');
    const t7a = app.user(3003, 'Makara');
    await t7a.shareContact('016 025 313');
    await t7a.send(`7A absent ${kids[0]!.roll} ${kids[1]!.roll}`);
    await t7a.press(t('km', 'attendance-sheet-confirm-yes'));
    await deliver();
    for (const p of parents) expect(messagesOf(p)).toHaveLength(1); // the alarm
  });

  it('before the late time: the family gets one message ("at school"), the gate sees on time, the record says present', async () => {
    now = new Date('2026-11-26T00:05:00Z'); // 07:05
    await gate.send(`/start ${card(kids[0]!.id)}`);
    expect(gate.inbox().at(-1)!.text).toContain(t('km', 'qr-scan-arrived', { name: kids[0]!.nameKm, class: '7A', time: '០៧:០៥' }).split('\n')[0]!);
    await deliver();
    expect(messagesOf(parents[0]!).map((m) => m.text)).toEqual([
      t('km', 'attendance-alert-correction-present', { name: kids[0]!.nameKm, class: '7A', time: '', date: '២៦ វិច្ឆិកា ២០២៦' }),
    ]);
    expect((await statusOf(kids[0]!.id, '2026-11-26'))!.status).toBe('present');
  });

  it('after the late time: one message ("late, at 07:40"), the gate sees late, the record says late at that time', async () => {
    now = new Date('2026-11-26T00:40:00Z'); // 07:40
    await gate.send(`/start ${card(kids[1]!.id)}`);
    expect(gate.inbox().at(-1)!.text).toContain(t('km', 'qr-scan-arrived-late', { name: kids[1]!.nameKm, class: '7A', time: '០៧:៤០' }));
    await deliver();
    expect(messagesOf(parents[1]!).map((m) => m.text)).toEqual([
      t('km', 'attendance-alert-correction-late', { name: kids[1]!.nameKm, class: '7A', time: '០៧:៤០', date: '២៦ វិច្ឆិកា ២០២៦' }),
    ]);
    expect(await statusOf(kids[1]!.id, '2026-11-26')).toEqual({ status: 'late', arrived_at: '07:40' });
  });
});

describe('7. refusals say what is wrong and what to do', () => {
  it('a parent\'s /today and /attendance, a teacher\'s /today, a typed day more than a week back', async () => {
    now = new Date('2026-11-26T03:00:00Z');
    teacher.inbox();
    operator.inbox();
    const parent = app.user(3401, 'Parent');
    await parent.shareContact((await kidsOf('7B'))[1]!.phone);
    parent.inbox();
    await parent.send('/today');
    await parent.send('/attendance');
    expect(parent.texts()).toEqual([t('km', 'attendance-office-only-parent'), t('km', 'attendance-staff-only')]);
    await teacher.send('/today');
    expect(teacher.texts()).toEqual([t('km', 'attendance-office-only')]);
    await operator.send('/attendance 7B 2026-11-10');
    expect(operator.texts()).toEqual([t('km', 'attendance-denied-too-old', { date: '១០ វិច្ឆិកា ២០២៦' })]);
  });
});

describe('6. a holiday on a day whose lists went out', () => {
  it('warns with what was sent and goes ahead only when asked again; days years back are refused', async () => {
    now = new Date('2026-11-25T05:00:00Z');
    operator.inbox();
    await operator.send('/holiday 2026-11-25 Storm');
    const [warn] = operator.texts();
    expect(warn).toBe(t('km', 'attendance-holiday-warn', { date: '២៥ វិច្ឆិកា ២០២៦', lists: '១', alerts: '១', again: '/holiday 2026-11-25 Storm !' }));
    const calendar = async () => app.database.rows<{ kind: string; note: string | null }>(sql`select kind, note from school_calendar where day = '2026-11-25'`);
    expect(await calendar()).toEqual([]);
    await operator.send('/holiday 2026-11-25 Storm !');
    expect(operator.texts()).toEqual([t('km', 'attendance-holiday-set', { date: '២៥ វិច្ឆិកា ២០២៦' })]);
    expect(await calendar()).toEqual([{ kind: 'holiday', note: 'Storm' }]);
    await operator.send('/holiday 2019-04-14 Khmer New Year');
    expect(operator.texts()).toEqual([t('km', 'attendance-holiday-out-of-range', { date: '១៤ មេសា ២០១៩' })]);
    // A day with nothing sent yet needs no second word.
    await operator.send('/holiday 2026-12-10 Human Rights Day');
    expect(operator.texts()).toEqual([t('km', 'attendance-holiday-set', { date: '១០ ធ្នូ ២០២៦' })]);
  });
});

describe('a school that turned scanning off', () => {
  it('refuses the scan, records nothing and tells no family', async () => {
    now = new Date('2026-11-27T00:05:00Z');
    const kid = (await kidsOf('7A'))[2]!;
    const parent = app.user(3501, 'P');
    await parent.shareContact(kid.phone);
    parent.inbox();
    // The office turns scanning on, then off again (the buttons of /scanning).
    await operator.send('/scanning');
    await operator.press(t('km', 'qr-scanning-turn-on'));
    await operator.press(t('km', 'qr-scanning-turn-off'));
    operator.inbox();
    await addGatekeeper(app, 'DEMO-001', '+85512999041');
    const gate = app.user(3202, 'Gate 2');
    await gate.shareContact('012 999 041');
    gate.inbox();
    await gate.send(`/start ${signCard(app.deps.cardSecret, { studentId: kid.id, version: 1 })}`);
    expect(gate.texts()).toEqual([t('km', 'qr-scan-denied-scanning-off')]);
    await deliver();
    expect(messagesOf(parent)).toHaveLength(0);
    const [n] = await app.database.rows<{ n: number }>(sql`select count(*)::int as n from checkins where student_id = ${kid.id}`);
    expect(Number(n!.n)).toBe(0);
  });
});
