/**
 * Issue #6 "done when", tried as a new user would: the operator prints class 7A's cards, one
 * card's QR is read back from its rendered PNG, the gate keeper (from the demo roster) scans it
 * and another card's photo, the parents get arrival notices; at cutoff the unscanned children are
 * on the teacher's list, and after one tap their families are alerted, once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { classes, students } from '../../src/core/db/schema.js';
import { runCardJob, type CardJob } from '../../src/qr/card-jobs.js';
import { cardsFor } from '../../src/qr/cards.js';
import { runCutoff } from '../../src/qr/cutoff.js';
import { decodeQrCodes } from '../../src/qr/decode.js';
import { renderCardPng } from '../../src/qr/render.js';
import { extractCardToken } from '../../src/qr/scan.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import { BOT_INFO } from '../support/telegram.js';

let now = new Date('2026-11-23T00:03:00Z'); // Monday 07:03 in Phnom Penh
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  ({ deliver, stop: stopDelivery } = startTestDelivery(app));
});

afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

it('prints, scans at the gate, tells the parents, and closes the morning with the teacher', async () => {
  const { db } = app.database;
  const operator = app.user(7001, 'Op');
  await operator.shareContact('016 373 035');
  const gate = app.user(7002, 'Dara');
  await gate.shareContact('012 999 008'); // DEMO-001-T008, gate keeper
  const teacher = app.user(7003, 'Makara');
  await teacher.shareContact('016 025 313'); // homeroom 7A
  for (const u of [operator, gate, teacher]) u.inbox();

  // The operator turns scanning on and prints 7A's cards.
  await operator.send('/scanning');
  await operator.press(t('qr-scanning-turn-on'));
  await operator.send('/cards 7A');
  expect(operator.inbox().at(-1)!.text).toBe(t('qr-preparing-class', { class: '7A' }));
  const job = app.jobs.find((j) => (j.data as CardJob).kind === 'sheet')!;
  await runCardJob(app.database, job.data as CardJob, app.deps.cardSecret, app.notifier);
  await deliver();
  const sheet = operator.inbox().find((m) => m.method === 'sendDocument')!;
  const pdf = await PDFDocument.load((sheet.payload.document as { bytes: Buffer }).bytes);
  const [cls] = await db.select({ id: classes.id, schoolId: classes.schoolId }).from(classes).where(eq(classes.name, '7A'));
  const size = (await db.select().from(students).where(eq(students.classId, cls!.id))).length;
  expect(pdf.getPageCount()).toBe(Math.ceil(size / 10));

  // One card's QR, read back from the rendered PNG, is what a phone camera opens.
  const cards = await cardsFor(db, { schoolId: cls!.schoolId, classId: cls!.id }, app.deps.cardSecret, BOT_INFO.username!);
  const [first, second] = cards;
  const png = await renderCardPng(first!);
  const [text] = await decodeQrCodes(png);
  expect(text).toBe(first!.link);
  const parentOf = async (studentId: number, userId: number) => {
    const [g] = await app.database.rows<{ phone: string }>(sql`select g.phone from student_guardians sg join guardians g on g.id = sg.guardian_id where sg.student_id = ${studentId} limit 1`);
    const p = app.user(userId, 'P');
    await p.shareContact(g!.phone);
    p.inbox();
    return p;
  };
  const parent1 = await parentOf(first!.studentId, 7101);
  const parent2 = await parentOf(second!.studentId, 7102);
  const third = cards[2]!; // never scanned
  const parent3 = await parentOf(third.studentId, 7103);

  await gate.send(`/start ${extractCardToken(text!)}`);
  expect(gate.inbox()[0]!.text).toContain(t('qr-scan-arrived', { name: first!.nameKm, class: '7A', time: '០៧:០៣' }));
  now = new Date('2026-11-23T00:14:00Z'); // 07:14: late
  await gate.sendPhoto(await renderCardPng(second!));
  expect(gate.inbox()[0]!.text).toContain(t('qr-scan-arrived-late', { name: second!.nameKm, class: '7A', time: '០៧:១៤' }));

  await deliver();
  expect(parent1.inbox().map((m) => m.text)).toEqual([t('qr-scan-notice-arrived', { name: first!.nameKm, time: '០៧:០៣' })]);
  expect(parent2.inbox().map((m) => m.text)).toEqual([t('qr-scan-notice-late', { name: second!.nameKm, time: '០៧:១៤' })]);

  // 08:00, the cutoff: everyone else in 7A is on the teacher's list.
  now = new Date('2026-11-23T01:00:00Z');
  await runCutoff(db, { schoolId: cls!.schoolId, shift: 'morning', now, notifier: app.notifier });
  await deliver();
  const [list] = teacher.inbox();
  expect(list!.text).not.toContain(first!.nameKm);
  expect(list!.text).not.toContain(second!.nameKm);
  for (const c of cards.slice(2)) expect(list!.text).toContain(c.nameKm);

  await teacher.press(t('qr-cutoff-confirm'));
  await deliver();
  const [submitted] = await app.database.rows<{ absent: number }>(sql`select (counts->>'absent')::int as absent from class_submissions where class_id = ${cls!.id}`);
  expect(Number(submitted!.absent)).toBe(cards.length - 2);
  const alerts = parent3.inbox().filter((m) => m.text.includes(third.nameKm));
  expect(alerts).toHaveLength(1);
  expect(parent1.inbox()).toHaveLength(0);

  // A retried cutoff job changes nothing and sends nothing.
  await runCutoff(db, { schoolId: cls!.schoolId, shift: 'morning', now, notifier: app.notifier });
  const before = (await app.database.rows<{ n: number }>(sql`select count(*)::int as n from outbox`))[0]!.n;
  await deliver();
  expect((await app.database.rows<{ n: number }>(sql`select count(*)::int as n from outbox`))[0]!.n).toBe(before);
  expect(parent3.inbox()).toHaveLength(0);
  const [late] = await app.database.rows<{ status: string; arrived_at: string }>(
    sql`select status, arrived_at from attendance where student_id = ${second!.studentId} and day = '2026-11-23'`,
  );
  expect(late).toEqual({ status: 'late', arrived_at: '07:14' });
});
