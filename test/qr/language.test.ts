/**
 * Numbers follow the reader's language through the whole of onboarding, cards and scanning: an
 * English reader never sees a Khmer digit (scan results, arrival notices, /scanning and its
 * errors, /cards counts, /card captions, re-issues, invite expiry dates, /whoami, /unlink, the
 * cutoff's lists), and a Khmer reader sees Khmer digits (class names, student codes, links and
 * typed command examples aside, which are names the user types back).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { formatDay } from '../../src/core/i18n/index.js';
import { CARDS_QUEUE, runCardJob, type CardJob } from '../../src/qr/card-jobs.js';
import { runCutoff } from '../../src/qr/cutoff.js';
import { signCard } from '../../src/qr/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { Received, TestUser } from '../support/telegram.js';
import { addGatekeeper, issueAllCards } from './gate.js';

// Monday 23 November 2026, 07:02 in Phnom Penh.
let now = new Date('2026-11-23T00:02:00Z');
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
let schoolId: number;
type Kid = { id: number; code: string; nameKm: string; nameEn: string | null; phone: string };
let kids7A: Kid[];
const t = (locale: 'km' | 'en', key: string, vars?: Record<string, string | number>) => app.notifier.t(locale, key, vars);

const KHMER_DIGIT = /[០-៩]/;

/** Every text a user received: messages, captions, edits, alerts, and the labels of their buttons. */
function everything(u: TestUser): string[] {
  return u.received().flatMap((m: Received) => [
    m.text,
    ...((m.replyMarkup?.inline_keyboard ?? []) as Array<Array<{ text: string }>>).flat().map((b) => b.text),
    ...((m.replyMarkup?.keyboard ?? []) as Array<Array<{ text: string }>>).flat().map((b) => b.text),
  ]);
}

function expectNoKhmerDigits(u: TestUser): void {
  const texts = everything(u);
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) expect(text, `user ${u.id} received: ${text}`).not.toMatch(KHMER_DIGIT);
}

/**
 * A Khmer reader's text with what is not a number to them taken out (class names, student codes,
 * links, invite codes, the paper size A4): what is left holds no ASCII digit.
 */
function numbersOf(text: string, names: string[] = []): string {
  let rest = text.replace(/https?:\/\/\S+/g, '').replace(/\bi[A-Za-z0-9_-]{22}\b/g, '').replaceAll('A4', '');
  for (const n of names) rest = rest.replaceAll(n, '');
  return rest.replace(/\b(1[0-2]|[1-9])[A-Z]{1,3}\b/g, '');
}

async function runCardJobs(): Promise<void> {
  const jobs = app.jobs.filter((j) => j.queue === CARDS_QUEUE);
  app.jobs.length = 0;
  for (const job of jobs) await runCardJob(app.database, job.data as CardJob, app.deps.cardSecret, app.notifier);
  await deliver();
}

async function englishUser(id: number, phone: string): Promise<TestUser> {
  const u = app.user(id, 'Reader');
  await u.send('/start');
  await u.press('English');
  await u.shareContact(phone);
  return u;
}

const cardToken = (studentId: number, version = 1) => signCard(app.deps.cardSecret, { studentId, version });

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  const { db } = app.database;
  await loadDemoSchool(db);
  await issueAllCards(app);
  schoolId = await addGatekeeper(app, 'DEMO-001', '+85512999021');
  await addGatekeeper(app, 'DEMO-001', '+85512999022');
  kids7A = (
    await app.database.rows<{ id: number; student_code: string; name_km: string; name_en: string | null; phone: string }>(sql`
      select s.id, s.student_code, s.name_km, s.name_en, g.phone from students s
        join classes c on c.id = s.class_id and c.name = '7A' and c.school_id = ${schoolId}
        join student_guardians sg on sg.student_id = s.id and sg.priority = 1 join guardians g on g.id = sg.guardian_id
       order by s.roll_no limit 6`)
  ).map((r) => ({ id: Number(r.id), code: r.student_code, nameKm: r.name_km, nameEn: r.name_en, phone: r.phone }));
  ({ deliver, stop: stopDelivery } = startTestDelivery(app));
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('an English reader sees no Khmer digit', () => {
  let operator: TestUser;
  let teacher: TestUser;
  let gate: TestUser;
  let parent: TestUser;

  it('while linking: the greeting, the share button, /whoami, /menu, /help', async () => {
    operator = await englishUser(8101, '016 373 035');
    teacher = await englishUser(8102, '016 025 313'); // homeroom 7A
    gate = await englishUser(8103, '012 999 021');
    parent = await englishUser(8104, kids7A[0]!.phone);
    for (const u of [operator, teacher, gate, parent]) {
      await u.send('/whoami');
      await u.send('/menu');
      await u.send('/help');
    }
    expect(teacher.received().map((m) => m.text)).toContain(t('en', 'onboarding-linked'));
    expect(everything(teacher).join('\n')).toContain(t('en', 'onboarding-whoami-homeroom', { classes: '7A' }));
    for (const u of [operator, teacher, gate, parent]) expectNoKhmerDigits(u);
  });

  it('on /scanning, its buttons, typed changes and its errors', async () => {
    await operator.send('/scanning');
    await operator.press(t('en', 'qr-scanning-turn-on'));
    await operator.send('/scanning late morning 07:15');
    await operator.send('/scanning cutoff morning 07:05');
    await operator.send('/scanning cooldown 5');
    const texts = everything(operator).join('\n');
    expect(texts).toContain(t('en', 'qr-scanning-shift', { shift: t('en', 'core-shift-morning'), late: '07:15', cutoff: '08:00' }));
    expect(texts).toContain(t('en', 'qr-scanning-error-cutoff-before-late', { cutoff: '07:05', late: '07:15' }));
    expect(texts).toContain(t('en', 'qr-scanning-cooldown', { minutes: '5' }));
    expectNoKhmerDigits(operator);
  });

  it('on /invite: the expiry date', async () => {
    await operator.send('/invite teacher');
    await teacher.send(`/invite parent ${kids7A[1]!.code}`);
    const created = teacher.received().at(-1)!.text;
    expect(created).toMatch(/\d{4}/); // the date is written out, in ASCII digits
    expectNoKhmerDigits(operator);
    expectNoKhmerDigits(teacher);
  });

  it('on /cards and /card: counts, captions, the re-issue and its card number', async () => {
    await operator.send('/cards');
    await operator.press('7A');
    await operator.send('/cards');
    await operator.press(t('en', 'qr-btn-all-classes'));
    await teacher.send('/cards');
    await teacher.send(`/card ${kids7A[2]!.code}`);
    await operator.send(`/card ${kids7A[3]!.code} new`);
    await operator.press(t('en', 'qr-btn-reissue'));
    await runCardJobs();
    const got = operator.received();
    // 7A, then every class (7A again, sent by its stored file id)
    const sheets = got.filter((m) => m.method === 'sendDocument' && m.text.startsWith('🪪 Student cards of class'));
    expect(sheets.length).toBe(1 + (await app.database.rows(sql`select 1 from classes where school_id = ${schoolId}`)).length);
    expect(sheets.map((m) => m.text).join('\n')).toMatch(/7A: \d+ students/);
    expect(got.map((m) => m.text)).toContain(t('en', 'qr-reissued', { code: kids7A[3]!.code, version: '2' }));
    expect(got.map((m) => m.text)).toContain(t('en', 'qr-card-caption-new', { name: kids7A[3]!.nameEn ?? kids7A[3]!.nameKm, class: '7A', code: kids7A[3]!.code }));
    expect(teacher.received().map((m) => m.text)).toContain(t('en', 'qr-card-caption', { name: kids7A[2]!.nameEn ?? kids7A[2]!.nameKm, class: '7A', code: kids7A[2]!.code }));
    expectNoKhmerDigits(operator);
    expectNoKhmerDigits(teacher);
  });

  it('at the gate: arrivals, families told, a photo of two cards, departures and repeats; and the arrival notice', async () => {
    await gate.send('/scan');
    await gate.send(`/start ${cardToken(kids7A[0]!.id)}`);
    now = new Date('2026-11-23T00:20:00Z'); // 07:20: late
    await gate.send(`/start ${cardToken(kids7A[1]!.id)}`);
    const codes = await Promise.all([kids7A[4]!, kids7A[5]!].map((k) => QRCode.toBuffer(`https://t.me/sis_test_bot?start=${cardToken(k.id)}`, { scale: 6, margin: 4 })));
    const photo = await sharp({ create: { width: 1280, height: 960, channels: 3, background: '#d8d2c4' } })
      .composite(codes.map((input, i) => ({ input, left: 120 + i * 560, top: 300 })))
      .jpeg({ quality: 85 })
      .toBuffer();
    await gate.sendPhoto(photo);
    now = new Date('2026-11-23T04:05:00Z'); // 11:05
    await gate.send(`/start ${cardToken(kids7A[0]!.id)}`);
    await gate.send(`/start ${cardToken(kids7A[0]!.id)}`);
    await deliver();
    const texts = gate.received().map((m) => m.text);
    const name = `${kids7A[0]!.nameEn}`;
    expect(texts.join('\n')).toContain(t('en', 'qr-scan-arrived', { name, class: '7A', time: '07:02' }));
    expect(texts.join('\n')).toContain(t('en', 'qr-scan-families-told', { count: '1' }));
    expect(texts).toContain(t('en', 'qr-scan-photo-many', { count: '2' }));
    expect(texts).toContain(t('en', 'qr-scan-departed', { name, class: '7A', time: '11:05', arrived: '07:02' }));
    expect(texts).toContain(t('en', 'qr-scan-repeat-left', { name, arrived: '07:02', left: '11:05' }));
    expectNoKhmerDigits(gate);

    const kid = kids7A[0]!;
    expect(parent.received().map((m) => m.text)).toContain(t('en', 'qr-scan-notice-arrived', { name: `${kid.nameEn} (${kid.nameKm})`, time: '07:02' }));
    await parent.press(t('en', 'qr-scan-notices-off-button'));
    await parent.send('/notices');
    await parent.send('/unlink');
    expectNoKhmerDigits(parent);
  });

  it("in the cutoff's list for the teacher and the office's notice of a shift nobody scanned", async () => {
    await runCutoff(app.database.db, { schoolId, shift: 'morning', now: new Date('2026-11-23T01:00:00Z'), notifier: app.notifier });
    await runCutoff(app.database.db, { schoolId, shift: 'afternoon', now: new Date('2026-11-23T07:00:00Z'), notifier: app.notifier });
    await deliver();
    const list = teacher.received().find((m) => m.text.startsWith('📋'));
    expect(list!.text).toContain(formatDay('en', '2026-11-23'));
    expect(list!.text).toContain('08:00');
    expect(list!.text).toMatch(/\n\d+\. /); // roll numbers
    const office = operator.received().find((m) => m.text.startsWith('⚠️'));
    expect(office!.text).toContain(formatDay('en', '2026-11-23'));
    expectNoKhmerDigits(teacher);
    expectNoKhmerDigits(operator);
  });
});

describe('a Khmer reader sees Khmer digits', () => {
  it('on /scanning (times, minutes, the examples) and in its errors', async () => {
    const principal = app.user(8201, 'Sophea');
    await principal.shareContact('093 388 921');
    principal.inbox();
    await principal.send('/scanning');
    await principal.send('/scanning cutoff morning ០៧:០៥'); // typed in Khmer digits
    const [settings, error] = principal.inbox().map((m) => m.text);
    expect(settings).toContain('០៧:១៥');
    expect(numbersOf(settings!)).not.toMatch(/[0-9]/);
    expect(error).toBe(t('km', 'qr-scanning-error-cutoff-before-late', { cutoff: '០៧:០៥', late: '០៧:១៥' }));
  });

  it('at the gate, in the arrival notice, on /cards, /card and /invite, and on /unlink', async () => {
    const principal = app.user(8201, 'Sophea');
    const gate = app.user(8202, 'Gate');
    await gate.shareContact('012 999 022');
    // a child not scanned yet, whose family is not the English parent's
    const kid = kids7A.slice(2).find((k) => k.phone !== kids7A[0]!.phone && k.phone !== kids7A[1]!.phone)!;
    const parent = app.user(8203, 'Parent');
    await parent.shareContact(kid.phone);
    for (const u of [gate, parent, principal]) u.inbox();
    now = new Date('2026-11-23T00:09:00Z'); // 07:09
    await gate.send(`/start ${cardToken(kid.id)}`);
    await deliver();
    const [scan] = gate.inbox().map((m) => m.text);
    expect(scan).toContain('០៧:០៩');
    expect(numbersOf(scan!)).not.toMatch(/[0-9]/);
    const [notice] = parent.inbox().map((m) => m.text);
    expect(notice).toContain('០៧:០៩');
    expect(numbersOf(notice!)).not.toMatch(/[0-9]/);

    await principal.send('/cards');
    await principal.press('7A');
    await principal.send(`/card ${kid.code}`);
    await principal.send(`/invite parent ${kid.code}`);
    await runCardJobs();
    const got = principal.inbox();
    expect(got.map((m) => m.method)).toEqual(['sendMessage', 'sendMessage', 'sendMessage', 'sendMessage', 'sendDocument', 'sendDocument']);
    expect(got.find((m) => m.payload.document?.upload === '7A.pdf')!.text).toMatch(/៖ [០-៩]+ នាក់/);
    expect(got.find((m) => m.text.includes(t('km', 'onboarding-invite-created', { role: t('km', 'core-role-parent'), link: 'LINK', code: 'CODE', until: 'UNTIL' }).split('\n')[0]!))!.text).toMatch(/[០-៩]{4}/);
    for (const m of got) expect(numbersOf(m.text, [kid.code]), m.text).not.toMatch(/[0-9]/);

    await parent.send('/unlink');
    const [menu] = parent.inbox();
    const labels = (menu!.replyMarkup.inline_keyboard as Array<Array<{ text: string }>>).flat().map((b) => b.text);
    expect(labels.join('\n')).toMatch(/កូន [០-៩]+ នាក់/);
    expect(labels.join('\n')).not.toMatch(/[0-9]/);
  });
});

describe('the outbox rows of these flows say what they are about', () => {
  type Row = { dedupe_key: string; capability: string | null; entity: string | null; entity_id: number | null; student_id: number | null };
  const rows = async (like: string) =>
    (await app.database.rows<Row>(sql`select dedupe_key, capability, entity, entity_id::int as entity_id, student_id::int as student_id from outbox where dedupe_key like ${like}`)).map((r) => ({
      ...r,
      entity_id: r.entity_id === null ? null : Number(r.entity_id),
      student_id: r.student_id === null ? null : Number(r.student_id),
    }));

  it('arrival notices: the child', async () => {
    const notices = await rows('arr:%');
    expect(notices.length).toBeGreaterThanOrEqual(2);
    for (const r of notices) expect(r).toMatchObject({ capability: 'qr', entity: 'student', entity_id: r.student_id });
    expect(notices.map((r) => r.student_id)).toContain(kids7A[0]!.id);
  });

  it("the cutoff: the teacher's class list, the office's school notice (no one child)", async () => {
    const lists = await rows('cutoff:%');
    expect(lists.length).toBeGreaterThan(0);
    for (const r of lists) expect(r).toMatchObject({ capability: 'qr', entity: 'class', student_id: null });
    const office = await rows('cutoff-noscan:%');
    expect(office.length).toBeGreaterThan(0);
    for (const r of office) expect(r).toMatchObject({ capability: 'qr', entity: 'school', entity_id: schoolId, student_id: null });
  });

  it("card deliveries: the sheet's class or the card's student, to staff (no child to re-check)", async () => {
    const cards = await rows('cards:%');
    expect(cards.some((r) => r.entity === 'class')).toBe(true);
    expect(cards.some((r) => r.entity === 'student' && r.entity_id === kids7A[3]!.id)).toBe(true);
    for (const r of cards) expect(r).toMatchObject({ capability: 'qr', student_id: null });
  });
});

