/**
 * Issue 12, item 10: one language per reader. Every role of the sample school (parent, teacher,
 * operator, principal, gate keeper, provincial director) walks the bot's main flows — /help,
 * /menu and each of its buttons, /whoami, every command of its roles, the typed examples the
 * README gives, the jobs they start (reports, cards) — first in Khmer, then in English. A Khmer
 * reader sees no ASCII digit outside identifiers (class names, roll numbers, codes, typed command
 * examples); an English reader sees no Khmer digit; no name is shown with doubled brackets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { officials, provinces } from '../../src/core/db/schema.js';
import { CAPABILITIES } from '../../src/app.js';
import { hasRole, loadActor } from '../../src/core/auth/actor.js';
import { ensurePartitions } from '../../src/attendance/jobs.js';
import { runCardJob, type CardJob } from '../../src/qr/card-jobs.js';
import { createLogger } from '../../src/core/logger.js';
import { signCard } from '../../src/qr/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { asciiDigitsOutsideIds, khmerDigitsIn, shown } from '../support/digits.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { Received, TestUser } from '../support/telegram.js';
import { addGatekeeper, issueAllCards } from '../qr/gate.js';
import type { AppRole } from '../../src/core/auth/roles.js';

// Tuesday 24 November 2026, 13:20 in Phnom Penh: 1A (afternoon) is in session.
let now = new Date('2026-11-24T06:20:00Z');
let app: TestApp;
let redis: Redis;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

interface Member {
  role: AppRole;
  user: TestUser;
  /** the typed examples this role tries besides its bare commands */
  typed: string[];
}
let cast: Member[] = [];

/** The commands a role sees in Telegram's list. */
function commandsOf(role: AppRole): string[] {
  return CAPABILITIES.flatMap((c) => c.commands ?? [])
    .filter((c) => c.roles === 'everyone' || c.roles.includes(role))
    .map((c) => `/${c.command}`)
    .filter((c) => c !== '/start' && c !== '/unlink' && c !== '/language');
}

/** Runs what the bot handed to the worker, with each queue's own runner, until nothing is left. */
async function runJobs(): Promise<void> {
  const specs = new Map(CAPABILITIES.flatMap((c) => c.queues ?? []).map((q) => [q.name, q]));
  for (let i = 0; i < 50 && app.jobs.length; i++) {
    const job = app.jobs.shift()!;
    const spec = specs.get(job.queue)!;
    if (job.queue === 'cards') await runCardJob(app.database, job.data as CardJob, app.deps.cardSecret, app.notifier);
    else await spec.run(spec.payload.parse(job.data), { database: app.database, connection: redis, prefix: 'sweep', log: createLogger('silent'), notifier: app.notifier, now: () => now, queue: undefined as never });
  }
  await deliver();
}

/**
 * What the reader types, not a number the bot writes: a command with its arguments
 * (`/attendance 7A 2026-11-20`), an optional argument shown as `[2026-10]`, a typed list
 * (`7A អវត្តមាន 3 17 យឺត 5`, `7A maths nov: 8 7,5 ab 9`) and term codes (`t2`, `t12`). The bot
 * reads Khmer digits in all of them too.
 */
const TYPED = [
  /\/[a-z_]+(?: [A-Za-z0-9:!.\-]+)*/g,
  /\[[0-9-]+\]/g,
  /\b(?:1[0-2]|[1-9])[A-Z](?: (?:[\p{L}\p{M}]+:?|[0-9][0-9,:]*))* [0-9][0-9,:]*/gu,
  /\bt\d{1,2}\b/g,
];
const withoutTyped = (texts: string[]) => texts.map((x) => TYPED.reduce((s, re) => s.replace(re, ''), x));

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  await loadDemoSchool(app.database.db);
  await ensurePartitions(app.database.db, '2026-11-01');
  await issueAllCards(app);
  await addGatekeeper(app, 'DEMO-001', '+85512999051');
  const [pp] = await app.database.db.select({ id: provinces.id }).from(provinces).where(eq(provinces.code, 'PP'));
  await app.database.db.insert(officials).values([{ phone: '+85517000001', name: 'Provincial director', provinceId: pp!.id }]);
  ({ deliver, stop: stopDelivery } = startTestDelivery(app));
  const person = async (id: number, phone: string) => {
    const u = app.user(id, `U${id}`);
    await u.shareContact(phone);
    return u;
  };
  cast = [
    { role: 'parent', user: await person(6001, '086 915 326'), typed: ['/report', '/questions', '/notices'] }, // roll 1 of 1A, a child in 7A
    { role: 'teacher', user: await person(6002, '016 005 138'), typed: ['/student DEMO-001-S00001', '/card DEMO-001-S00001', '/report 1A week', '/quiet 20:00 06:30', '/quiet off'] },
    { role: 'operator', user: await person(6003, '016 373 035'), typed: ['/report week', '/report month 2026-11', '/attendance 7B 2026-11-20', '/holiday', '/teaches 1A', '/cards 1A', '/scanning', '/student DEMO-001-S00002 2026-11'] },
    { role: 'principal', user: await person(6004, '093 388 921'), typed: ['/report today', '/report yesterday', '/questions', '/today'] },
    { role: 'gatekeeper', user: await person(6005, '012 999 051'), typed: [] },
    { role: 'director', user: await person(6006, '017 000 001'), typed: ['/report today', '/report yesterday'] },
  ];
  for (const m of cast) expect(hasRole(await loadActor(app.database.db, m.user.id), m.role)).toBe(true);
  for (const m of cast) m.user.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await redis?.quit();
  await app?.close();
});

/** Everything a member does in one language; returns what each received. */
async function walk(loc: 'km' | 'en'): Promise<Map<AppRole, Received[]>> {
  const got = new Map<AppRole, Received[]>();
  const teacher = cast.find((m) => m.role === 'teacher')!.user;
  const parent = cast.find((m) => m.role === 'parent')!.user;
  const gate = cast.find((m) => m.role === 'gatekeeper')!.user;
  for (const m of cast) m.user.inbox();

  // The day: the teacher types a list, the family answers the alert, the gate scans a card.
  await teacher.send('1A absent 1 late 2 13:15');
  await teacher.press(t(loc, 'attendance-sheet-confirm-yes'));
  await deliver();
  await parent.press(t(loc, 'attendance-alert-answer-sick'));
  const [kid] = await app.database.rows<{ id: number }>(sql`select id from students where student_code = 'DEMO-001-S00003'`);
  await gate.send(`/start ${signCard(app.deps.cardSecret, { studentId: Number(kid!.id), version: 1 })}`);

  for (const m of cast) {
    await m.user.send('/help');
    await m.user.send('/whoami');
    await m.user.send('/menu');
    const menu = m.user.received().at(-1)!;
    for (const b of (menu.replyMarkup?.inline_keyboard ?? []).flat()) {
      if ('callback_data' in b) await m.user.pressData(b.callback_data, menu.messageId, menu.text);
    }
    for (const c of commandsOf(m.role)) await m.user.send(c);
    for (const c of m.typed) await m.user.send(c);
    await m.user.send('/help'); // closes whatever flow the last command opened
  }
  await runJobs();
  for (const m of cast) got.set(m.role, m.user.inbox());
  return got;
}

function report(got: Map<AppRole, Received[]>, check: (texts: string[]) => string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [role, received] of got) {
    const bad = check(shown(received));
    if (bad.length) out[role] = bad;
  }
  return out;
}

/**
 * The card sheet PDF the office received: its title, which is also the heading drawn on every page
 * (with the page number in the reader's digits), names school and class in the reader's language.
 */
async function cardSheetTitle(received: Received[]): Promise<string | undefined> {
  const doc = received.find((m) => m.method === 'sendDocument' && String(m.payload.document?.upload ?? '').endsWith('.pdf'));
  if (!doc) return undefined;
  const bytes = (doc.payload.document as { bytes: Buffer }).bytes;
  return (await PDFDocument.load(bytes, { updateMetadata: false })).getTitle();
}

const DOUBLED = /\)\s*\(|\(\(|\)\)/;

describe('every role, in Khmer', () => {
  it('shows Khmer digits in counts, times and dates, ASCII digits only in identifiers and typed examples', async () => {
    const got = await walk('km');
    for (const [role, received] of got) expect(received.length, role).toBeGreaterThan(5);
    // Nothing on the way failed (a home button pressed inside an open flow, the language menu).
    expect(report(got, (x) => x.filter((s) => s === t('km', 'core-error-generic')))).toEqual({});
    expect(report(got, (x) => asciiDigitsOutsideIds(withoutTyped(x)))).toEqual({});
    expect(report(got, (x) => x.filter((s) => DOUBLED.test(s)))).toEqual({});
    for (const role of ['parent', 'teacher', 'operator', 'principal'] as const) expect(khmerDigitsIn(shown(got.get(role)!)).length, role).toBeGreaterThan(0);
    expect(await cardSheetTitle([...got.values()].flat())).toBe(t('km', 'qr-sheet-title', { school: 'សាលាគំរូ', class: '1A' }));
  });
});

describe('every role, in English', () => {
  it('shows no Khmer digit anywhere, and no doubled brackets', async () => {
    for (const m of cast) {
      await m.user.send('/language');
      await m.user.press('English');
    }
    now = new Date('2026-11-25T06:20:00Z'); // the next day: a new list, a new alert
    const got = await walk('en');
    for (const [role, received] of got) expect(received.length, role).toBeGreaterThan(5);
    expect(report(got, (x) => x.filter((s) => s === t('en', 'core-error-generic')))).toEqual({});
    // The answered alert still names the child and the day.
    const answered = t('en', 'attendance-alert-answered-about', { names: 'Chea Sereyvuth', date: '25 November 2026', answer: t('en', 'attendance-answer-sick') });
    expect(shown(got.get('parent')!).some((x) => x.endsWith(answered))).toBe(true);
    expect(report(got, khmerDigitsIn)).toEqual({});
    expect(await cardSheetTitle([...got.values()].flat())).toBe(t('en', 'qr-sheet-title', { school: 'Demo School', class: '1A' }));
    expect(report(got, (x) => x.filter((s) => DOUBLED.test(s)))).toEqual({});
  });
});
