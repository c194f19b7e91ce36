/**
 * "Done when", as users: 7A's subject teachers sign in the bot, the homeroom teacher confirms, the
 * principal signs the whole school in one step; a parent's certified copy verifies at
 * /verify/<code> and with /verify; the same copy with one score changed fails offline; an unlocked
 * and corrected record is superseded at the old code and valid at the new one; a transfer to a
 * second school verifies there and cannot be changed by it. Records come from scores-like rows
 * (helpers.ts: the scores capability's RecordSource is not wired yet).
 */
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { formatNumber } from '../../src/core/i18n/index.js';
import { recordsRoutes } from '../../src/records/http.js';
import { renderCertifiedCopy, BUNDLE_ATTACHMENT } from '../../src/records/render.js';
import { recordVersions } from '../../src/records/schema.js';
import { issueCopy, unlockRecord } from '../../src/records/service-copies.js';
import { exportStudentRecords, importedRecords, importTransfer } from '../../src/records/service-transfer.js';
import { refreshClassRecords } from '../../src/records/service-versions.js';
import { bundleFromPdf, verifyFile } from '../../src/records/verify-file.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';
import { giveIdCodes, RowSource, setUp7A } from './helpers.js';

let app: TestApp;
let class7A: number;
let base: string;
let server: ReturnType<typeof createHttpServer>;
const source = new RowSource();
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
const users: Record<string, TestUser> = {};
let parentCopy: { code: string; pdf: Buffer; versionId: number };

async function copyPdf(studentCode: string) {
  const copy = await issueCopy(app.database.db, { schoolId: 1, actor: 'test:principal', office: true }, { studentCode, term: '1', issuedFor: 'family' });
  if (!copy.ok) throw new Error(copy.reason);
  const pdf = await renderCertifiedCopy({ bundle: copy.bundle, code: copy.code, verifyUrl: `${base}/verify/${copy.code}`, issuedAt: new Date().toISOString(), label: (k, v) => t(k, v), number: (n) => (n === null ? '—' : formatNumber('km', n)) });
  return { code: copy.code, pdf, versionId: copy.versionId };
}

async function signClassInBot(expected: number) {
  for (const [who, subject] of [['history', 'History'], ['english', 'English'], ['maths', 'Mathematics']] as const) {
    const u = users[who]!;
    await u.send('/sign');
    await u.press(`7A · ${subject}`);
    const preview = u.inbox().at(-1)!.text;
    expect(preview).toContain('7A');
    expect(preview).toContain(subject);
    expect(preview).toContain(formatNumber('km', expected));
    await u.press(t('records-btn-confirm'));
    expect(u.inbox().at(-1)!.text).toBe(t('records-subject-signed', { className: '7A', subject, count: formatNumber('km', expected) }));
  }
  const h = users.history!;
  await h.send('/sign');
  await h.press(t('records-btn-open-class', { className: '7A' }));
  await h.press(t('records-btn-confirm'));
  expect(h.inbox().at(-1)!.text).toBe(t('records-class-signed', { className: '7A', count: formatNumber('km', expected) }));
  const p = users.principal!;
  await p.send('/sign');
  expect(p.inbox().at(-1)!.text).toContain(`✅ 7A`);
  await p.press(t('records-btn-sign-all', { count: formatNumber('km', expected) }));
  expect(p.inbox().at(-1)!.text).toBe(t('records-school-signed', { count: formatNumber('km', expected), classes: formatNumber('km', 1) }));
}

beforeAll(async () => {
  app = await createTestApp({ rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await loadDemoSchool(app.database.db, undefined, 'DEMO-002');
  class7A = await setUp7A(app.database.db);
  await giveIdCodes(app.database.db, class7A);
  await refreshClassRecords(app.database.db, source, { schoolId: 1, classId: class7A, year: '2026-2027', term: '1', actor: 'test' });
  for (const [name, id, phone] of [['principal', 19001, '093 388 921'], ['history', 19002, '016 025 313'], ['english', 19003, '081 130 751'], ['maths', 19004, '096 489 636'], ['other', 19005, '016 005 138']] as const) {
    users[name] = app.user(id, name);
    await users[name].shareContact(phone);
    users[name].inbox();
  }
  server = createHttpServer(recordsRoutes(app.deps));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await app?.close();
});

describe('signing 7A in the bot', () => {
  it('a teacher of another class pressing a forged confirm button signs nothing', async () => {
    const other = users.other!;
    await other.pressData(`rc:cs:${class7A}:1:abcdef`);
    expect(other.inbox().at(-1)!.text).toBe(t('records-refused-not-your-subject'));
  });

  it('the principal sees 7A not ready and why before anyone signed', async () => {
    await users.principal!.send('/sign');
    const text = users.principal!.inbox().at(-1)!.text;
    expect(text).toContain(`⏳ 7A: ${t('records-why-subjects', { subjects: 'English, History, Mathematics' })}`);
    expect(text).toContain(t('records-school-nothing'));
  });

  it('teachers sign their subjects, the homeroom teacher confirms, the principal signs the school in one step', async () => {
    await signClassInBot(32);
  });

  it('a replayed confirm button signs nothing', async () => {
    const p = users.principal!;
    const data = p.received().flatMap((m) => (m.replyMarkup?.inline_keyboard as Array<Array<{ callback_data?: string }>> | undefined)?.flat() ?? []).find((b) => b.callback_data?.startsWith('rc:cp:'))!.callback_data!;
    await p.pressData(data);
    expect(p.inbox().at(-1)!.text).toBe(t('records-refused-nothing-to-sign'));
  });
});

describe('a parent’s certified copy', () => {
  it('is an A4 PDF that verifies at /verify/<code>, as JSON, with /verify and offline', async () => {
    const [v] = await app.database.db.select().from(recordVersions).where(eq(recordVersions.status, 'locked')).orderBy(recordVersions.id).limit(1);
    parentCopy = await copyPdf(JSON.parse(v!.canonical).student.code);
    writeFileSync('/tmp/records-copy.pdf', parentCopy.pdf);
    const page = await (await fetch(`${base}/verify/${parentCopy.code}`)).text();
    expect(page).toContain(t('records-verify-valid'));
    expect(page).not.toMatch(/\+855|0\d{2} \d{3} \d{3}/);
    const json = (await (await fetch(`${base}/verify/${parentCopy.code}.json`)).json()) as any;
    expect(json.status).toBe('valid');
    expect(json.record.signatures).toHaveLength(6);
    const keys = (await (await fetch(`${base}/keys`)).json()) as any;
    expect(keys.keys.length).toBe(5);
    await users.principal!.send(`/verify ${parentCopy.code.toLowerCase()}`);
    expect(users.principal!.inbox().at(-1)!.text).toContain(t('records-verify-valid'));
    const offline = await verifyFile(parentCopy.pdf, new Map(keys.keys.map((k: { keyId: string; publicKey: string }) => [k.keyId, k.publicKey])));
    expect(offline).toMatchObject({ kind: 'pdf', records: [{ ok: true, problems: [] }] });
  });

  it('with one score changed fails offline verification', async () => {
    const pdf = await PDFDocument.load(parentCopy.pdf);
    const bundle = JSON.parse(JSON.stringify((await verifyFile(parentCopy.pdf)).records[0]!.document));
    expect(bundle.subjects[0].scores.exam).toBeTypeOf('number');
    // the forger re-attaches the bundle with one score raised
    const b = (await bundleFromPdf(parentCopy.pdf)) as { canonical: string };
    const forged = { ...b, canonical: b.canonical.replace(/"exam":(\d+)/, (_m, n) => `"exam":${Number(n) + 1}`) };
    const copy = await PDFDocument.create();
    for (const p of await copy.copyPages(pdf, [0])) copy.addPage(p);
    await copy.attach(Buffer.from(JSON.stringify(forged)), BUNDLE_ATTACHMENT, { mimeType: 'application/json' });
    const check = await verifyFile(await copy.save());
    expect(check.records[0]!.ok).toBe(false);
    expect(check.records[0]!.problems.map((p) => p.problem)).toContain('hash-mismatch');
  });

  it('unknown codes are refused and guessing is rate-limited', async () => {
    const u = users.other!;
    for (let i = 0; i < 5; i++) {
      await u.send(`/verify 00000000${i}0`);
      expect(u.inbox().at(-1)!.text).toBe(t('records-verify-unknown'));
    }
    await u.send(`/verify ${parentCopy.code}`);
    expect(u.inbox().at(-1)!.text).toBe(t('records-verify-limited'));
  });

  it('unlocked and corrected: superseded at the old code, valid at the new one once signed again', async () => {
    const [v] = await app.database.db.select().from(recordVersions).where(eq(recordVersions.id, parentCopy.versionId));
    const corrected = JSON.parse(v!.canonical);
    delete corrected.version;
    corrected.subjects[0].scores.exam = 48;
    corrected.subjects[0].average = 48;
    const u = await unlockRecord(app.database.db, { schoolId: 1, actor: 'test:principal', isPrincipal: true }, { versionId: v!.id, reason: 'exam mark typed wrong' , corrected });
    expect(u).toMatchObject({ ok: true, version: 2 });
    expect(((await (await fetch(`${base}/verify/${parentCopy.code}.json`)).json()) as { status: string }).status).toBe('superseded');
    await signClassInBot(1);
    const fresh = await copyPdf(corrected.student.code);
    expect(((await (await fetch(`${base}/verify/${fresh.code}.json`)).json()) as { status: string }).status).toBe('valid');
    expect((await verifyFile(fresh.pdf)).records[0]!.ok).toBe(true);
  });
});

describe('a transfer to a second school', () => {
  it('verifies there, refuses an altered file, and the new school cannot change the record', async () => {
    const [v] = await app.database.db.select().from(recordVersions).where(eq(recordVersions.status, 'locked')).orderBy(recordVersions.id).limit(1);
    const studentCode = JSON.parse(v!.canonical).student.code as string;
    const file = await exportStudentRecords(app.database.db, { schoolId: 1, actor: 'test' }, studentCode, new Date());
    expect(file!.records).toHaveLength(1);
    const bytes = Buffer.from(JSON.stringify(file));
    const [s2] = await app.database.rows<{ id: number; code: string }>(sql`select id, student_code as code from students where school_id = 2 order by id limit 1`);
    const altered = Buffer.from(JSON.stringify({ ...file, records: file!.records.map((r) => ({ ...r, canonical: r.canonical.replace(/"exam":(\d+)/, '"exam":50') })) }));
    expect(await importTransfer(app.database.db, { schoolId: 2, actor: 'test:school2' }, { bytes: altered, studentCode: s2!.code })).toMatchObject({ ok: false, reason: 'altered' });
    expect(await importTransfer(app.database.db, { schoolId: 2, actor: 'test:school2' }, { bytes: Buffer.from('{not json') })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(await importTransfer(app.database.db, { schoolId: 2, actor: 'test:school2' }, { bytes, studentCode: s2!.code })).toEqual({ ok: true, imported: 1, already: 0 });
    expect((await verifyFile(bytes)).records.every((r) => r.ok)).toBe(true);

    const imported = await importedRecords(app.database.db, 2, Number(s2!.id));
    expect(imported.map((i) => i.check.ok)).toEqual([true]);
    // the receiving school's principal cannot unlock the issuing school's record
    const corrected = JSON.parse(v!.canonical);
    delete corrected.version;
    expect(await unlockRecord(app.database.db, { schoolId: 2, actor: 'test:school2', isPrincipal: true }, { versionId: v!.id, reason: 'we prefer other marks', corrected })).toEqual({ ok: false, reason: 'not-found' });
  });
});
