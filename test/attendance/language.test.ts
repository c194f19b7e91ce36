/**
 * Numbers follow the reader's language in every attendance flow: the same school day walked by
 * English readers (no Khmer digit anywhere in what they receive) and by Khmer readers (Khmer
 * digits in counts, times and dates; ASCII digits only inside class names, roll numbers and
 * codes). Sheet, marks, excuse note, submit, the family's alert, answer and correction, the typed
 * line, a past day typed in Khmer digits, /today and its reminder, /substitute, /holiday.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { asciiDigitsOutsideIds, khmerDigitsIn, shown } from '../support/digits.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

// Monday 23 November 2026, 13:10 in Phnom Penh.
let now = new Date('2026-11-23T06:10:00Z');
let app: TestApp;
let stopDelivery: () => Promise<void>;
let deliver: () => Promise<void>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

interface Cast {
  locale: 'km' | 'en';
  className: string;
  teacher: TestUser;
  parent: TestUser;
  office: TestUser;
  reminded: TestUser;
  /** the message for roll numbers out of range: its roll numbers are the typed ones */
  outOfRange?: string;
}
const cast: Partial<Record<'km' | 'en', Cast>> = {};
const linked = new Map<TestUser, number>();
/** What a user received during the walk. */
const got = (u: TestUser) => u.received().slice(linked.get(u) ?? 0);

async function person(id: number, phone: string, locale: 'km' | 'en'): Promise<TestUser> {
  const u = app.user(id, `U${id}`);
  if (locale === 'en') {
    await u.send('/language');
    await u.press('English');
  }
  await u.shareContact(phone);
  u.inbox();
  return u;
}

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  const delivery = startTestDelivery(app);
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;
  cast.en = {
    locale: 'en',
    className: '1A',
    teacher: await person(3001, '016 005 138', 'en'), // 1A
    parent: await person(3002, '086 915 326', 'en'), // roll 1 of 1A
    office: await person(3003, '016 373 035', 'en'), // operator
    reminded: await person(3004, '081 883 280', 'en'), // 4B
  };
  cast.km = {
    locale: 'km',
    className: '7A',
    teacher: await person(3101, '016 025 313', 'km'), // 7A
    parent: await person(3102, '015 433 601', 'km'), // roll 1 of 7A
    office: await person(3103, '093 388 921', 'km'), // principal
    reminded: await person(3104, '081 130 751', 'km'), // 7B
  };
  // Only what the walks bring, not the linking messages.
  for (const c of Object.values(cast)) for (const u of [c.teacher, c.parent, c.office, c.reminded]) linked.set(u, u.received().length);
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

/** The day as the cast lives it, in their language. */
async function walk(c: Cast): Promise<void> {
  const { locale: loc, teacher, parent, office } = c;
  now = new Date('2026-11-23T06:10:00Z');
  await teacher.send('/attendance');
  await teacher.press('1. ✅'); // absent
  await teacher.press('2. ✅');
  await teacher.press('2. ❌'); // late, 13:10
  await teacher.press('3. ✅');
  await teacher.press('3. ❌');
  await teacher.press('3. ⏰'); // excused (sick)
  await teacher.press(`👪 ${t(loc, 'attendance-reason-family')}`);
  await teacher.press(`✏️ ${t(loc, 'attendance-reason-other')}`);
  await teacher.send('dentist');
  await teacher.press(t(loc, 'attendance-sheet-submit'));
  await teacher.press(t(loc, 'attendance-sheet-confirm-yes'));
  await deliver();
  await parent.press(t(loc, 'attendance-alert-answer-late'));

  now = new Date('2026-11-23T06:40:00Z'); // 13:40: the child arrived after all
  await teacher.press(t(loc, 'attendance-sheet-correct'));
  await teacher.press('1. ❌'); // late
  await teacher.press(t(loc, 'attendance-sheet-submit'));
  await teacher.press(t(loc, 'attendance-sheet-confirm-yes'));
  await deliver();

  await teacher.send(`${c.className} late 4 13:55`);
  await teacher.press(t(loc, 'attendance-sheet-confirm-yes'));
  await teacher.send(`${c.className} absent 99`);
  c.outOfRange = got(teacher).at(-1)!.text;

  // A past day, typed in the reader's digits.
  await office.send(`/attendance ${c.className} ${loc === 'km' ? '២០២៦-១១-២០' : '2026-11-20'}`);
  await office.send('/today');
  await office.press('🔔');
  await deliver();
  await office.send('/substitute 12A DEMO-001-T004');
  await office.send(`/holiday ${loc === 'km' ? '២០២៦-១២-១០' : '2026-12-10'} Festival`);
  await office.send('/holiday');
  await office.send('/holiday remove 2026-12-10');
}

const everything = (c: Cast) => [c.teacher, c.parent, c.office, c.reminded].flatMap((u) => shown(got(u)));

describe('an English school day', () => {
  it('shows no Khmer digit in anything an English reader receives', async () => {
    const c = cast.en!;
    await walk(c);
    const all = everything(c);
    // The walk happened: sheets, the alert and its correction, /today, the reminder, holidays.
    expect(got(c.teacher).map((m) => m.text)).toContain(t('en', 'attendance-sheet-done', { class: '1A', time: '13:10', alerts: '1' }));
    expect(all.some((x) => x.includes(t('en', 'attendance-alert-correction-late', { name: 'Chea Sereyvuth (ជា សេរីវុធ)', class: '1A', time: '13:40', date: '23 November 2026' })))).toBe(true);
    expect(all.some((x) => x.startsWith(t('en', 'attendance-today-title', { date: '23 November 2026' })))).toBe(true);
    expect(shown(got(c.reminded)).some((x) => x.includes(t('en', 'attendance-reminder', { class: '4B', shift: t('en', 'core-shift-afternoon'), date: '23 November 2026' })))).toBe(true);
    expect(all).toContain([t('en', 'attendance-holiday-list'), '• 10 December 2026 — Festival'].join('\n'));
    expect(all.some((x) => x.startsWith(t('en', 'attendance-sheet-title', { class: '1A', shift: t('en', 'core-shift-afternoon'), date: '20 November 2026' })))).toBe(true);
    expect(c.outOfRange).toBe(t('en', 'attendance-quick-out-of-range', { numbers: '99', max: '32', class: '1A' }));
    expect(khmerDigitsIn(all)).toEqual([]);
  });
});

describe('a Khmer school day', () => {
  it('shows Khmer digits in counts, times and dates, and ASCII digits only inside class names, roll numbers and codes', async () => {
    const c = cast.km!;
    await walk(c);
    const all = everything(c).filter((x) => x !== c.outOfRange);
    const teacherTexts = got(c.teacher).map((m) => m.text);
    expect(teacherTexts.some((x) => x.startsWith(t('km', 'attendance-sheet-done', { class: '7A', time: '១៣:១០', alerts: '១' })))).toBe(true);
    expect(teacherTexts.some((x) => x.includes('⏰ 4. ') && x.includes('១៣:៥៥'))).toBe(true);
    expect(shown(got(c.parent)).some((x) => x.includes('១៣:៤០') && x.includes('២៣ វិច្ឆិកា ២០២៦'))).toBe(true);
    expect(all.some((x) => x.includes('២០ វិច្ឆិកា ២០២៦'))).toBe(true); // the past day typed in Khmer digits
    expect(all).toContain([t('km', 'attendance-holiday-list'), '• ១០ ធ្នូ ២០២៦ — Festival'].join('\n'));
    expect(c.outOfRange).toMatch(/គ្មានលេខ 99 /); // the roll number as typed …
    expect(c.outOfRange).toMatch(/[០-៩]+ នាក់/); // … the class size a count
    for (const u of [c.teacher, c.parent, c.office, c.reminded]) expect(khmerDigitsIn(shown(got(u))).length).toBeGreaterThan(0);
    expect(asciiDigitsOutsideIds(all)).toEqual([]);
  });
});
