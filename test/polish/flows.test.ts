/**
 * Issue 12, item 4: no typed word is lost. A command that ends an open flow (/ask, a teacher's
 * reply, the excuse-reason prompt) says the flow was closed; a parent's text that no flow was
 * waiting for is offered to the school as a question, and sent with one tap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

// Monday 23 November 2026, 13:10 in Phnom Penh.
const now = new Date('2026-11-23T06:10:00Z');
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

let teacher: TestUser; // homeroom 1A
let parent: TestUser; // roll 5 of 1A (and a child in another class)
const texts = (u: TestUser) => u.inbox().map((m) => m.text);

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  ({ deliver, stop: stopDelivery } = startTestDelivery(app));
  teacher = app.user(4001, 'Maly');
  await teacher.shareContact('016 005 138');
  parent = app.user(4101, 'B');
  await parent.shareContact('081 600 791');
  teacher.inbox();
  parent.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

const questionCount = async () => Number((await app.database.rows<{ n: number }>(sql`select count(*)::int as n from question_messages`))[0]!.n);

describe('a command in the middle of a flow', () => {
  it('/help during /ask says the question was closed, then shows the help', async () => {
    await parent.send('/ask');
    expect(texts(parent).at(-1)).toBe(t('km', 'questions-choose-child'));
    await parent.press('· 1A');
    expect(texts(parent).at(-1)).toContain('✍️');
    await parent.send('/help');
    const got = texts(parent);
    expect(got[0]).toBe(t('km', 'core-flow-closed'));
    expect(got.length).toBeGreaterThan(1);
  });

  it('the next text is not lost: it is offered as a question and sent to the teacher with one tap', async () => {
    const before = await questionCount();
    await parent.send('កូនខ្ញុំឈឺខ្លាំង ត្រូវទៅមន្ទីរពេទ្យ');
    const [offer] = parent.inbox();
    expect(offer!.text).toBe(t('km', 'questions-loose-offer'));
    const labels = offer!.replyMarkup.inline_keyboard.flat().map((b: { text: string }) => b.text);
    expect(labels).toContain(t('km', 'questions-loose-leave'));
    // A second line is added to the same message.
    await parent.send('ថ្ងៃនេះមិនបានមកសាលាទេ');
    expect(texts(parent)).toEqual([t('km', 'questions-loose-added')]);
    await parent.press('❓');
    expect(texts(parent).at(-1)).toBe(t('km', 'questions-sent', { teacher: 'អ៊ុំ ម៉ាលី' }));
    expect(await questionCount()).toBe(before + 1);
    await deliver();
    const copy = teacher.inbox().find((m) => m.text.includes('កូនខ្ញុំឈឺខ្លាំង'));
    expect(copy!.text).toContain('ថ្ងៃនេះមិនបានមកសាលាទេ');
  });

  it('"leave it" sends nothing and says so', async () => {
    const before = await questionCount();
    await parent.send('អរគុណ');
    parent.inbox();
    await parent.press(t('km', 'questions-loose-leave'));
    expect(texts(parent).at(-1)).toBe(t('km', 'questions-loose-left'));
    expect(await questionCount()).toBe(before);
  });

  it('a teacher\'s reply ended by a command says it was closed', async () => {
    await teacher.press(t('km', 'questions-button-reply'));
    expect(texts(teacher).at(-1)).toContain('✍️');
    await teacher.send('/questions');
    expect(texts(teacher)[0]).toBe(t('km', 'core-flow-closed'));
  });

  it('the excuse-reason prompt ended by a command says it was closed', async () => {
    await teacher.send('/attendance');
    for (let i = 0; i < 3; i++) await teacher.press('2. ');
    await teacher.press(`✏️ ${t('km', 'attendance-reason-other')}`);
    expect(texts(teacher).at(-1)).toBe(t('km', 'attendance-reason-ask-note'));
    await teacher.send('/today');
    expect(texts(teacher)[0]).toBe(t('km', 'core-flow-closed'));
  });
});

describe('3. /invite teacher STAFF-CODE', () => {
  it('the invited person becomes that teacher on the roster, with their class', async () => {
    const office = app.user(4201, 'Op');
    await office.shareContact('016 373 035');
    office.inbox();
    await office.send('/invite teacher DEMO-001-T999');
    expect(texts(office)).toEqual([t('km', 'onboarding-invite-denied-unknown-staff')]);
    await office.send('/invite teacher demo-001-t004');
    const [created] = texts(office);
    expect(created).toContain(t('km', 'onboarding-invite-for-staff', { name: 'ពៅ វណ្ណៈ', code: 'DEMO-001-T004' }));
    const code = /\bi[A-Za-z0-9_-]{22}\b/.exec(created!)![0];
    const newcomer = app.user(4202, 'Vanna');
    await newcomer.send(code);
    expect(texts(newcomer)).toContain(t('km', 'onboarding-invite-ok-staff'));
    const [row] = await app.database.rows<{ telegram_user_id: string | null }>(sql`select telegram_user_id from staff where staff_code = 'DEMO-001-T004'`);
    expect(Number(row!.telegram_user_id)).toBe(4202);
    // The roster's teacher of 4B is this person: their class opens for them.
    await newcomer.send('/attendance');
    expect(texts(newcomer).at(-1)).toContain('4B');
  });
});

describe('parents\' /help', () => {
  it('lists /report and /notices, which parents have', async () => {
    parent.inbox();
    await parent.send('/help');
    const help = texts(parent).join('\n');
    expect(help).toContain(t('km', 'reports-help-parent'));
    expect(help).toContain(t('km', 'qr-help-parent'));
  });
});
