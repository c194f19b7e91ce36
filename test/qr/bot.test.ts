/**
 * Student cards in the chat, as the school's people meet them: the operator asks for a class's
 * cards and gets "being prepared" at once, the worker's job puts the PDF in the outbox and it
 * arrives; asking again re-sends the same file; a teacher prints their own class only; one
 * card's PNG carries a QR the database accepts; a lost card is replaced after a confirm button
 * and the old card stops working; other schools' students and forged buttons are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { auditLog, classes, students } from '../../src/core/db/schema.js';
import { formatNumber } from '../../src/core/i18n/index.js';
import { classSheet, reissueConfirm, schoolSheets } from '../../src/qr/buttons.js';
import { cardsFor, resolveCardToken } from '../../src/qr/cards.js';
import { decodeQrCodes } from '../../src/qr/decode.js';
import { CARDS_QUEUE, runCardJob, type CardJob } from '../../src/qr/card-jobs.js';
import { cardFiles } from '../../src/qr/schema.js';
import { cardSecret } from '../../src/qr/secret.js';
import { importStudents } from '../../src/roster/service.js';
import { addSchool } from '../../src/schools/service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { csvFile, loadDemoSchool } from '../support/fixtures.js';
import { BOT_INFO, type TestUser } from '../support/telegram.js';

const SECRET = cardSecret({ CARD_SECRET: 'bot-test-card-secret-0123456789-abc', BOT_TOKEN: '1:x' });
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
let operator: TestUser;
let teacher: TestUser; // homeroom 1A
let parent: TestUser;
let class1A: number;
let class4B: number;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);

async function runJobs(): Promise<unknown[]> {
  const results: unknown[] = [];
  while (app.jobs.length) {
    const job = app.jobs.shift()!;
    expect(job.queue).toBe(CARDS_QUEUE);
    results.push(await runCardJob(app.database, job.data as CardJob, SECRET, app.notifier));
  }
  await deliver();
  return results;
}

async function studentOf(className: string, roll: number) {
  const [s] = await app.database.db
    .select({ id: students.id, code: students.studentCode, nameKm: students.nameKm })
    .from(students)
    .innerJoin(classes, eq(classes.id, students.classId))
    .where(and(eq(classes.name, className), eq(students.rollNo, roll)));
  return s!;
}

beforeAll(async () => {
  app = await createTestApp({ rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await addSchool(app.database.db, { code: 'OTHER-01', nameKm: 'សាលាផ្សេង', nameEn: 'Other School', province: 'PP' }, 'cli');
  const other = await importStudents(app.database.db, {
    schoolCode: 'OTHER-01',
    file: csvFile('students.csv', 'class,shift,student_code,name_km,sex,guardian_phone\n5C,morning,OTHER-S1,សុខ ចាន់,M,012 345 679\n'),
    actor: 'cli',
  });
  expect(other.ok).toBe(true);
  const delivery = startTestDelivery(app);
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;
  const rows = await app.database.db.select({ id: classes.id, name: classes.name }).from(classes);
  class1A = rows.find((r) => r.name === '1A')!.id;
  class4B = rows.find((r) => r.name === '4B')!.id;

  operator = app.user(9201, 'Op');
  await operator.shareContact('016 373 035');
  teacher = app.user(9202, 'Maly');
  await teacher.shareContact('016 005 138');
  parent = app.user(9203, 'Mum');
  await parent.shareContact('085 299 411');
  for (const u of [operator, teacher, parent]) u.inbox();
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('/cards', () => {
  it('the operator picks a class, is told at once, and the worker\'s PDF arrives through the outbox', async () => {
    await operator.send('/cards');
    const [menu] = operator.inbox();
    expect(menu!.text).toBe(t('qr-choose-class'));
    const labels = (menu!.replyMarkup.inline_keyboard as Array<Array<{ text: string }>>).flat().map((b) => b.text);
    expect(labels).toEqual(expect.arrayContaining(['1A', '4B', '7A', '12A', t('qr-btn-all-classes')]));
    await operator.press('1A');
    expect(operator.inbox().map((m) => m.text)).toEqual([t('qr-preparing-class', { class: '1A' })]);
    expect(app.jobs).toHaveLength(1);
    expect(app.jobs[0]!.data).toMatchObject({ kind: 'sheet', classIds: [class1A], botUsername: BOT_INFO.username, chatId: 9201 });

    await runJobs();
    const got = operator.inbox();
    expect(got.map((m) => m.method)).toEqual(['sendDocument']);
    const doc = got[0]!.payload.document as { upload: string; bytes: Buffer };
    expect(doc.upload).toBe('1A.pdf');
    const count = (await cardsFor(app.database.db, { schoolId: 1, classId: class1A }, SECRET, BOT_INFO.username!)).length;
    expect(got[0]!.text).toBe(t('qr-sheet-caption', { class: '1A', count: formatNumber('km', count) }));
    const pdf = await PDFDocument.load(doc.bytes);
    expect(pdf.getPageCount()).toBe(Math.ceil(count / 10));
    const [stored] = await app.database.db.select().from(cardFiles).where(eq(cardFiles.scope, `class:${class1A}`));
    expect(stored!.fileId).toMatch(/^doc-/);
    const [audited] = await app.database.db.select().from(auditLog).where(and(eq(auditLog.actor, 'tg:9201'), eq(auditLog.action, 'card.sheet')));
    expect(audited).toMatchObject({ outcome: 'ok', entityId: String(class1A) });
  });

  it('asking again for an unchanged class sends the stored file by Telegram file id, drawn once', async () => {
    await operator.send('/cards 1a');
    expect(operator.inbox().map((m) => m.text)).toEqual([t('qr-preparing-class', { class: '1A' })]);
    const [result] = await runJobs();
    expect(result).toMatchObject({ classes: [{ classId: class1A, reused: true }] });
    const [again] = operator.inbox();
    expect(again!.payload.document).toMatch(/^doc-/);
    expect(await app.database.db.select({ id: cardFiles.id }).from(cardFiles).where(eq(cardFiles.scope, `class:${class1A}`))).toHaveLength(1);
  });

  it('"all classes" makes one PDF per class', async () => {
    await operator.send('/cards');
    operator.inbox();
    await operator.press(t('qr-btn-all-classes'));
    const [preparing] = operator.inbox();
    expect(preparing!.text).toContain('🪪');
    const job = app.jobs[0]!.data as CardJob;
    expect(job.kind === 'sheet' && job.classIds.length).toBeGreaterThanOrEqual(5);
    await runJobs();
    const docs = operator.inbox().filter((m) => m.method === 'sendDocument');
    expect(docs).toHaveLength(job.kind === 'sheet' ? job.classIds.length : -1);
  });

  it('a teacher prints their own class, is refused another (audited), and a forged button does nothing', async () => {
    await teacher.send('/cards');
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('qr-preparing-class', { class: '1A' })]);
    expect(app.jobs).toHaveLength(1);
    app.jobs.length = 0;
    await teacher.send('/cards 4B');
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('qr-class-denied', { class: '4B' })]);
    await teacher.pressData(classSheet.pack({ classId: class4B }));
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('qr-denied')]);
    await teacher.pressData(schoolSheets.pack({ schoolId: 1 }));
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('qr-denied')]);
    expect(app.jobs).toHaveLength(0);
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.actor, 'tg:9202'), eq(auditLog.action, 'card.sheet'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(3);
  });

  it('someone who is not staff is told there is nothing to print', async () => {
    await parent.send('/cards');
    expect(parent.inbox().map((m) => m.text)).toEqual([t('qr-no-classes')]);
    expect(app.jobs).toHaveLength(0);
  });
});

describe('/card', () => {
  it('a teacher gets the card of a child in their class; its QR resolves to that child', async () => {
    const child = await studentOf('1A', 3);
    await teacher.send(`/card ${child.code}`);
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('qr-card-preparing', { name: child.nameKm, class: '1A', code: child.code })]);
    await runJobs();
    const [doc] = teacher.inbox();
    expect(doc!.method).toBe('sendDocument');
    expect(doc!.payload.document.upload).toBe(`${child.code}.png`);
    const [link] = await decodeQrCodes(doc!.payload.document.bytes);
    expect(link).toMatch(new RegExp(`^https://t\\.me/${BOT_INFO.username}\\?start=c`));
    const token = new URL(link!).searchParams.get('start')!;
    expect(await resolveCardToken(app.database.db, token, SECRET)).toMatchObject({ ok: true, studentId: child.id, classId: class1A });
    const reads = await app.database.db.select().from(auditLog).where(and(eq(auditLog.actor, 'tg:9202'), eq(auditLog.action, 'card.read')));
    expect(reads.map((r) => [r.outcome, r.entityId])).toEqual([['ok', String(child.id)]]);
  });

  it('a teacher is refused a new card; another class\'s child and other schools\' students are the same "not found"', async () => {
    const other = await studentOf('4B', 1);
    const own = await studentOf('1A', 2);
    await teacher.send(`/card ${other.code}`);
    await teacher.send(`/card ${own.code} new`);
    await teacher.send('/card OTHER-S1');
    await operator.send('/card OTHER-S1');
    await teacher.send('/card');
    expect(teacher.inbox().map((m) => m.text)).toEqual([
      // out of reach is told like not existing (issue 11, case 14)
      t('qr-student-not-found', { code: other.code }),
      t('qr-reissue-office-only'),
      t('qr-student-not-found', { code: 'OTHER-S1' }),
      t('qr-card-usage'),
    ]);
    expect(operator.inbox().map((m) => m.text)).toEqual([t('qr-student-not-found', { code: 'OTHER-S1' })]);
    expect(app.jobs).toHaveLength(0);
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.outcome, 'denied'), eq(auditLog.action, 'card.read')));
    expect(denied.length).toBeGreaterThanOrEqual(3);
  });

  it('the operator replaces a lost card after confirming: the old card stops working, the new one arrives, a second tap changes nothing', async () => {
    const child = await studentOf('1A', 5);
    const [before] = (await cardsFor(app.database.db, { schoolId: 1, classId: class1A }, SECRET, BOT_INFO.username!)).filter((c) => c.studentId === child.id);
    await operator.send(`/card ${child.code} new`);
    const [confirm] = operator.inbox();
    expect(confirm!.text).toBe(t('qr-reissue-confirm', { name: child.nameKm, class: '1A', code: child.code }));
    expect(await resolveCardToken(app.database.db, before!.token, SECRET)).toMatchObject({ ok: true });
    await operator.press(t('qr-btn-reissue'));
    expect(operator.inbox().map((m) => m.text)).toEqual([t('qr-reissued', { code: child.code, version: '២' })]);
    expect(await resolveCardToken(app.database.db, before!.token, SECRET)).toEqual({ ok: false, reason: 'revoked' });

    // the same button again (a double tap, or an old message): nothing more happens
    await operator.press(t('qr-btn-reissue'));
    const stale = operator.inbox();
    expect(stale.filter((m) => m.method === 'answerCallbackQuery').map((m) => m.text)).toEqual([t('qr-reissue-stale')]);
    // and the stale buttons are taken off the message
    expect(stale.filter((m) => m.method === 'editMessageReplyMarkup')).toHaveLength(1);
    expect(app.jobs).toHaveLength(1);

    await runJobs();
    const [doc] = operator.inbox();
    expect(doc!.text).toBe(t('qr-card-caption-new', { name: child.nameKm, class: '1A', code: child.code }));
    const [link] = await decodeQrCodes(doc!.payload.document.bytes);
    const token = new URL(link!).searchParams.get('start')!;
    expect(token).not.toBe(before!.token);
    expect(await resolveCardToken(app.database.db, token, SECRET)).toMatchObject({ ok: true, studentId: child.id });
    const reissues = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'card.reissue'), eq(auditLog.outcome, 'ok')));
    expect(reissues).toHaveLength(1);
    expect(reissues[0]).toMatchObject({ actor: 'tg:9201', entityId: String(child.id) });
  });

  it('cancel changes nothing, and a teacher\'s forged re-issue button is refused', async () => {
    const child = await studentOf('1A', 6);
    await operator.send(`/card ${child.code} new`);
    operator.inbox();
    await operator.press(t('qr-btn-cancel'));
    expect(operator.inbox().map((m) => m.text)).toEqual([t('qr-cancelled')]);
    await teacher.pressData(reissueConfirm.pack({ studentId: child.id, version: 1 }));
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('qr-denied')]);
    expect(await resolveCardToken(app.database.db, (await cardsFor(app.database.db, { schoolId: 1, classId: class1A }, SECRET, BOT_INFO.username!)).find((c) => c.studentId === child.id)!.token, SECRET)).toMatchObject({ ok: true });
    expect(app.jobs).toHaveLength(0);
  });
});

describe('forged buttons', () => {
  it('with ids out of range (12 digits and more) or a version no card has, get the normal refusal, audited', async () => {
    const before = await app.database.db.select().from(auditLog).where(eq(auditLog.outcome, 'denied'));
    await teacher.pressData('qr:class:123456789012');
    await teacher.pressData('qr:school:123456789012');
    await operator.pressData('qr:new:123456789012:1'); // a student id no student has
    await operator.pressData('qr:new:123456789012345678:1'); // past what a row id can be
    await operator.pressData(`qr:new:${(await studentOf('1A', 7)).id}:99999`); // past a card version
    expect(teacher.inbox().map((m) => m.text)).toEqual([t('qr-denied'), t('qr-denied')]);
    expect(operator.inbox().map((m) => m.text)).toEqual([t('qr-denied'), t('qr-denied'), t('qr-denied')]);
    const after = await app.database.db.select().from(auditLog).where(eq(auditLog.outcome, 'denied'));
    expect(after.length - before.length).toBe(5);
    expect(app.jobs).toHaveLength(0);
  });

  it('in the format of older messages (qc:, qa:, qn:, qx) are answered as outdated', async () => {
    for (const data of [`qc:${class1A}`, 'qa:1', 'qn:1:1', 'qx']) await operator.pressData(data);
    expect(operator.inbox().map((m) => m.text)).toEqual(Array(4).fill(t('core-menu-outdated')));
    expect(app.jobs).toHaveLength(0);
  });
});
