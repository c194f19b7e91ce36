/**
 * "Done when", as new users on the demo school, every record made by the product itself: the
 * operator accepts the default plan and lists 7A's subject teachers; the teachers type term 1's
 * scores into the bot; the principal publishes 7A's term — that is what the records are built
 * from. The office gives the students their identification codes (CSV, then the last one in the
 * bot once the homeroom teacher's /sign named her); the subject teachers sign 7A's subjects, the
 * homeroom teacher confirms, the principal signs the whole school in one step. A parent's
 * certified copy (a PDF through the outbox) verifies at /verify/<code> and offline; the same copy
 * with one score changed fails offline. A score corrected after signing leaves the signed record
 * as it is; unlocked, the corrected record is signed again, superseded at the old code and valid
 * at the new one. A transfer to a second school verifies there and that school cannot change it.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';
import forge from 'node-forge';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runCli } from '../../src/cli/main.js';
import { composeResolvers } from '../../src/core/queue/sender.js';
import { createHttpServer } from '../../src/core/telegram/webhook.js';
import { formatNumber } from '../../src/core/i18n/index.js';
import { recordsRoutes } from '../../src/records/http.js';
import { BUNDLE_ATTACHMENT } from '../../src/records/render.js';
import { recordCopyResolver } from '../../src/records/service-delivery.js';
import { bundleFromPdf, verifyFile } from '../../src/records/verify-file.js';
import { decodeQrCodes } from '../../src/qr/decode.js';
import { scoreCardResolver } from '../../src/scores/service-cards.js';
import { currentPlan, type PlanAssessment } from '../../src/scores/service-setup.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery, type TestDelivery } from '../support/delivery.js';
import { tellSignersOfPublications } from '../../src/records/jobs.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

let app: TestApp;
let delivery: TestDelivery;
let server: ReturnType<typeof createHttpServer>;
let base: string;
let env: Record<string, string>;
const dir = mkdtempSync(path.join(tmpdir(), 'records-story-'));
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
const km = (n: number) => formatNumber('km', n);
const u: Record<'operator' | 'principal' | 'homeroom' | 'english' | 'maths' | 'other' | 'parent' | 'principal2', TestUser> = {} as never;
let kids: Array<{ id: number; roll: number; code: string; name_km: string }>;
let child: { id: number; roll: number; code: string; name_km: string };
let term1: PlanAssessment[];
let subjects: Array<{ code: string; name_km: string }>;
let parentCopy: { code: string; pdf: Buffer };

/** the scores the teachers type: maths and khmer out of 100, the rest out of 50 */
const valueOf = (subject: string, test: string, roll: number) => {
  const spread = (roll * 7 + test.length * 3 + subject.length) % 20;
  return subject === 'maths' || subject === 'khmer' ? 50 + 2 * spread : 25 + spread;
};
const teacherOf = (subject: string) => (subject === 'english' ? u.english : subject === 'maths' ? u.maths : u.homeroom);

async function cli(...args: string[]) {
  const out: string[] = [];
  const code = await runCli(args, env, { line: (s = '') => out.push(s), error: (s) => out.push(s) });
  return { code, out: out.join('\n') };
}

/** The copy's page as a PNG: the page is one RGB picture (render.ts). */
async function pagePng(pdf: Buffer): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf);
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFRawStream) || obj.dict.get(PDFName.of('Subtype'))?.toString() !== '/Image' || obj.dict.get(PDFName.of('ColorSpace'))?.toString() !== '/DeviceRGB') continue;
    const [width, height] = (['Width', 'Height'] as const).map((k) => (obj.dict.get(PDFName.of(k)) as PDFNumber).asNumber()) as [number, number];
    return sharp(inflateSync(Buffer.from(obj.contents)), { raw: { width, height, channels: 3 } }).png().toBuffer();
  }
  throw new Error('no page picture');
}

/** The demo school's certificate (what a school gets from its certification authority), as a P12 in RECORDS_P12_DIR. */
function schoolP12(folder: string): void {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const name = [{ name: 'commonName', value: 'Demo School DEMO-001' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], 'p12-pass', { algorithm: '3des' });
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'DEMO-001.p12'), Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'));
}

const json = async (p: string) => (await (await fetch(`${base}${p}`)).json()) as { status: string; record?: { version: number; signatures: unknown[] } };
const documentsOf = (user: TestUser) => user.inbox().filter((m) => m.method === 'sendDocument');

beforeAll(async () => {
  app = await createTestApp({ rateLimit: { max: 100_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  schoolP12(path.join(dir, 'p12'));
  const seals = { dir: path.join(dir, 'p12'), passphrase: 'p12-pass' };
  delivery = startTestDelivery(app, { resolvePayload: composeResolvers(scoreCardResolver(app.database.db, app.notifier), recordCopyResolver(app.database.db, app.notifier, seals)) });
  server = createHttpServer(recordsRoutes(app.deps));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // where the copies' QR codes point (PUBLIC_URL in a deployment)
  app.deps.publicUrl = base;
  const [row] = await app.database.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${row!.db}`;
  env = { DATABASE_URL: url.toString(), BOT_USERNAME: 'sis_demo_bot', LOG_LEVEL: 'silent' };

  kids = await app.database.rows(sql`select s.id::int id, s.roll_no roll, s.student_code code, s.name_km from students s join classes c on c.id = s.class_id where c.name = '7A' and s.active order by s.roll_no`);
  const [family] = await app.database.rows<{ phone: string; student_id: number }>(sql`
    select g.phone, sg.student_id::int student_id from guardians g join student_guardians sg on sg.guardian_id = g.id
      join students s on s.id = sg.student_id join classes c on c.id = s.class_id
     where c.name = '7A' and g.phone is not null and (select count(*) from student_guardians x where x.guardian_id = g.id) = 1
     order by g.phone limit 1`);
  child = kids.find((k) => k.id === family!.student_id)!;
  for (const [name, id, phone] of [
    ['operator', 20001, '016 373 035'],
    ['principal', 20002, '093 388 921'],
    ['homeroom', 20003, '016 025 313'],
    ['english', 20004, '081 130 751'],
    ['maths', 20005, '096 489 636'],
    ['other', 20006, '016 005 138'],
    ['parent', 20007, family!.phone],
  ] as const) {
    u[name] = app.user(id, name);
    await u[name].shareContact(phone);
    u[name].inbox();
  }
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await delivery?.stop();
  await app?.close();
});

describe('records come from the scores the school published', () => {
  it('before anything is published, /sign says where records come from', async () => {
    await u.english.send('/sign');
    expect(u.english.texts().at(-1)).toContain(t('records-teacher-nothing'));
  });

  it('the teachers type term 1 of 7A and the principal publishes it', async () => {
    await u.operator.send('/scores');
    await u.operator.press(t('scores-accept-kh'));
    await u.operator.send('/teaches 7A DEMO-001-T006 English');
    await u.operator.send('/teaches 7A DEMO-001-T007 Mathematics');
    const plan = (await currentPlan(app.database.db, 1))!;
    term1 = plan.assessments.filter((a) => a.term === 1);
    subjects = await app.database.rows(sql`select code, name_km from score_subjects where school_id = 1 and grade = 7 order by position`);
    expect(subjects.length).toBe(12);
    for (const test of term1) {
      for (const s of subjects) {
        const teacher = teacherOf(s.code);
        await teacher.send(`7A ${s.code} ${test.code}: ${kids.map((k) => valueOf(s.code, test.code, k.roll)).join(' ')}`);
        await teacher.press(t('scores-confirm'));
        expect(teacher.texts().at(-1)).toContain('✅');
      }
    }
    await u.principal.send('/publish 7A t1');
    expect(u.principal.texts().at(-1)).toContain('📣 7A');
    await delivery.deliver();
    expect(u.parent.inbox().filter((m) => m.method === 'sendPhoto')).toHaveLength(1);
  }, 180_000);

  it("the records job tells the class's subject and homeroom teachers that the records wait for them, once", async () => {
    for (const name of ['english', 'maths', 'homeroom', 'principal', 'other', 'operator'] as const) u[name].inbox();
    expect(await tellSignersOfPublications(app.database.db, app.notifier)).toEqual({ publications: 1, told: 3 });
    await delivery.deliver();
    const notice = t('records-ready-teachers', { className: '7A', term: '១', arg: '1' });
    for (const name of ['english', 'maths', 'homeroom'] as const) expect(u[name].inbox().map((m) => m.text)).toEqual([notice]);
    for (const name of ['principal', 'other', 'operator'] as const) expect(u[name].inbox()).toEqual([]);
    // the next run finds nothing new
    expect(await tellSignersOfPublications(app.database.db, app.notifier)).toEqual({ publications: 0, told: 0 });
  });

  it('the office sets identification codes; the homeroom teacher sees the one still missing, by name, before anyone signs', async () => {
    // one student (not the parent's child) is left without a code
    const last = [...kids].reverse().find((k) => k.id !== child.id)!;
    writeFileSync(path.join(dir, 'ids.csv'), ['student_code,id_code', ...kids.filter((k) => k !== last).map((k) => `${k.code},KH-2026-${String(k.id).padStart(6, '0')}`)].join('\n'));
    const imported = await cli('idcodes', 'import', '--school', 'DEMO-001', path.join(dir, 'ids.csv'));
    expect(imported.code).toBe(0);
    expect(imported.out).toContain(`31 identification code(s) set`);
    await u.operator.send('/idcode 7A');
    expect(u.operator.texts().at(-1)).toContain(`${last.name_km} ${last.code}`);

    await u.homeroom.send('/sign');
    const view = u.homeroom.texts().at(-1)!;
    expect(view).toContain(`🏫 7A: `);
    expect(view).toContain(t('records-why-ids', { count: km(1), names: last.name_km }));
    // the records exist now, built from what was published: 32 of them, version 1, open
    const [n] = await app.database.rows<{ n: number }>(sql`select count(*)::int n from record_versions where status = 'open' and term = '1'`);
    expect(n!.n).toBe(32);

    // bad input first: nothing set
    await u.operator.send(`/idcode ${last.code} ab`);
    expect(u.operator.texts().at(-1)).toBe(t('records-idcode-refused-bad-code'));
    await u.homeroom.send(`/idcode ${last.code} KH-2026-999999`);
    expect(u.homeroom.texts().at(-1)).toBe(t('records-office-only'));
    await u.operator.send(`/idcode ${last.code} KH-2026-${String(last.id).padStart(6, '0')}`);
    expect(u.operator.texts().at(-1)).toContain('✅');
  });

  it('the principal sees 7A not ready, and why, before anyone signed', async () => {
    await u.principal.send('/sign');
    const text = u.principal.texts().at(-1)!;
    expect(text).toContain('⏳ 7A: ');
    expect(text).toContain(subjects.find((s) => s.code === 'english')!.name_km);
    expect(text).toContain(t('records-school-nothing'));
  });
});

async function signAll(count: number) {
  const english = subjects.find((s) => s.code === 'english')!.name_km;
  const maths = subjects.find((s) => s.code === 'maths')!.name_km;
  for (const [teacher, label] of [
    // the homeroom teacher signs the subjects nobody else is listed for (the ones they entered)
    [u.homeroom, `7A · ${subjects[0]!.name_km}`],
    [u.english, `7A · ${english}`],
    [u.maths, `7A · ${maths}`],
  ] as const) {
    await teacher.send('/sign');
    await teacher.press(label);
    const preview = teacher.texts().at(-1)!;
    expect(preview).toContain('7A');
    expect(preview).toContain(km(count));
    await teacher.press(t('records-btn-confirm'));
    expect(teacher.texts().at(-1)).toContain(`✅`);
  }
  // the last subject signed: the homeroom teacher is told it is their turn (once), nobody else
  await delivery.deliver();
  expect(u.homeroom.inbox().map((m) => m.text)).toEqual([t('records-ready-class', { className: '7A', term: '១', arg: '1' })]);
  expect(u.principal.inbox()).toEqual([]);
  await u.homeroom.send('/sign');
  await u.homeroom.press(t('records-btn-open-class', { className: '7A' }));
  await u.homeroom.press(t('records-btn-confirm'));
  expect(u.homeroom.texts().at(-1)).toBe(t('records-class-signed', { className: '7A', count: km(count) }));
  // the class confirmed: the principal is told the records wait for the school's signature
  await delivery.deliver();
  expect(u.principal.inbox().map((m) => m.text)).toEqual([t('records-ready-school', { className: '7A', term: '១', count: km(count), arg: '1' })]);
  await u.principal.send('/sign');
  expect(u.principal.texts().at(-1)).toContain(`✅ 7A: ${t('records-ready-count', { count: km(count) })}`);
  await u.principal.press(t('records-btn-sign-all', { count: km(count) }));
  expect(u.principal.texts().at(-1)).toBe(t('records-school-signed', { count: km(count), classes: km(1) }));
}

describe('signing 7A in the bot', () => {
  it('a teacher of another class pressing a forged confirm button signs nothing', async () => {
    const [c] = await app.database.rows<{ id: number }>(sql`select id from classes where school_id = 1 and name = '7A'`);
    await u.other.pressData(`rc:cs:${c!.id}:1:abcdef`);
    expect(u.other.texts().at(-1)).toBe(t('records-refused-not-your-subject'));
  });

  it('teachers sign their subjects, the homeroom teacher confirms, the principal signs the school in one step', async () => {
    await signAll(32);
    const [locked] = await app.database.rows<{ n: number; sigs: number }>(sql`select count(*)::int n, (select count(*)::int from record_signatures) sigs from record_versions where status = 'locked'`);
    // 12 subjects + homeroom + principal + the school's seal, on each of 32 records
    expect(locked).toEqual({ n: 32, sigs: 32 * 15 });
  });

  it('a replayed confirm button signs nothing', async () => {
    const data = u.principal.received().flatMap((m) => (m.replyMarkup?.inline_keyboard as Array<Array<{ callback_data?: string }>> | undefined)?.flat() ?? []).find((b) => b.callback_data?.startsWith('rc:cp:'))!.callback_data!;
    await u.principal.pressData(data);
    expect(u.principal.texts().at(-1)).toBe(t('records-refused-nothing-to-sign'));
  });
});

describe('a parent’s certified copy', () => {
  it('only the office issues one; the family gets the PDF, logged; it verifies at /verify/<code> and offline', async () => {
    await u.homeroom.send(`/copy ${child.code} 1 family`);
    expect(u.homeroom.texts().at(-1)).toBe(t('records-office-only'));
    await u.principal.send(`/copy ${child.code} 1 family`);
    const reply = u.principal.texts().at(-1)!;
    const code = /([0-9A-Z]{10})/.exec(reply)![1]!;
    expect(reply).toContain('✅');
    await delivery.deliver();
    const got = documentsOf(u.parent);
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toContain(code);
    const pdf = Buffer.from((got[0]!.payload.document as { bytes: Buffer }).bytes);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    parentCopy = { code, pdf };
    writeFileSync(path.join(dir, 'copy.pdf'), pdf);
    writeFileSync('/tmp/records-copy.pdf', pdf);
    // the QR code on the page opens the public verify page (PUBLIC_URL here; no WEBAPP_URL needed)
    expect(await decodeQrCodes(await pagePng(pdf))).toEqual([`${base}/verify/${code}`]);
    expect(documentsOf(u.principal)).toHaveLength(1);
    const [log] = await app.database.rows<{ issued_for: string; issued_by: string }>(sql`select issued_for, issued_by from record_copies where code = ${code}`);
    expect(log).toEqual({ issued_for: 'family', issued_by: 'tg:20002' });

    // the record on the copy is the one built from the published scores
    const doc = (await verifyFile(pdf)).records[0]!.document!;
    expect(doc.student.code).toBe(child.code);
    const khmer = doc.subjects.find((s) => s.subject === 'khmer')!;
    expect(khmer.scores[term1.at(-1)!.code]).toBe(valueOf('khmer', term1.at(-1)!.code, child.roll));

    const page = await (await fetch(`${base}/verify/${code}`)).text();
    expect(page).toContain(t('records-verify-valid'));
    expect(page).toContain('២០២៦-២០២៧');
    expect(page).toContain('2026-2027');
    expect(page).not.toMatch(/\+855|0\d{2} \d{3} \d{3}/);
    expect((await json(`/verify/${code}.json`)).status).toBe('valid');
    await u.parent.send(`/verify ${code.toLowerCase()}`);
    expect(u.parent.texts().at(-1)).toContain(t('records-verify-valid'));

    writeFileSync(path.join(dir, 'keys.json'), await (await fetch(`${base}/keys`)).text());
    const offline = await cli('verify', path.join(dir, 'copy.pdf'), '--keys', path.join(dir, 'keys.json'));
    expect(offline).toMatchObject({ code: 0 });
    expect(offline.out).toContain('VALID');
    // the school has a P12: the PDF itself is signed with it too
    expect(offline.out).toContain('VALID    PDF signature by "Demo School DEMO-001" (PAdES B-B)');
    expect(parentCopy.pdf.toString('latin1')).toMatch(/\/SubFilter\s*\/ETSI\.CAdES\.detached/);
  });

  it('a sealed copy changed by one byte fails its PDF signature', async () => {
    // one byte of the header's binary comment: every reader still opens the file
    const changed = Buffer.from(parentCopy.pdf);
    expect(changed.toString('latin1', 0, 10)).toMatch(/^%PDF-1\.\d\n%/);
    changed[10] = changed[10]! ^ 1;
    writeFileSync(path.join(dir, 'changed.pdf'), changed);
    const r = await cli('verify', path.join(dir, 'changed.pdf'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('INVALID  PDF signature by "Demo School DEMO-001": digest');
  });

  it('with one score changed fails offline verification', async () => {
    const b = (await bundleFromPdf(parentCopy.pdf)) as { canonical: string };
    const forged = { ...b, canonical: b.canonical.replace(/"average":(\d+(\.\d+)?)/, (_m, n) => `"average":${Number(n) + 1}`) };
    expect(forged.canonical).not.toBe(b.canonical);
    const original = await PDFDocument.load(parentCopy.pdf);
    const copy = await PDFDocument.create();
    for (const p of await copy.copyPages(original, [0])) copy.addPage(p);
    await copy.attach(Buffer.from(JSON.stringify(forged)), BUNDLE_ATTACHMENT, { mimeType: 'application/json' });
    writeFileSync(path.join(dir, 'forged.pdf'), await copy.save());
    const r = await cli('verify', path.join(dir, 'forged.pdf'), '--keys', path.join(dir, 'keys.json'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('INVALID');
    expect(r.out).toContain('hash-mismatch');
  });

  it('a score corrected after signing leaves the signed record as it is; unlocked, it is signed again: superseded at the old code, valid at the new', async () => {
    const exam = term1.at(-1)!;
    const corrected = kids.map((k) => (k.id === child.id ? 100 : valueOf('khmer', exam.code, k.roll)));
    await u.homeroom.send(`7A khmer ${exam.code}: ${corrected.join(' ')} # marking error`);
    await u.homeroom.press(t('scores-confirm'));
    expect(u.homeroom.texts().at(-1)).toContain('✅');
    await u.homeroom.send('/sign');
    expect((await json(`/verify/${parentCopy.code}.json`)).status).toBe('valid');

    // nobody but the issuing school's principal unlocks; a reason is needed
    await u.homeroom.send(`/unlock ${parentCopy.code} marking error`);
    expect(u.homeroom.texts().at(-1)).toBe(t('records-unlock-refused-not-principal'));
    await u.principal.send(`/unlock ${parentCopy.code}`);
    expect(u.principal.texts().at(-1)).toBe(t('records-unlock-refused-no-reason'));
    await u.principal.send(`/unlock ${parentCopy.code} exam mark typed wrong`);
    expect(u.principal.texts().at(-1)).toBe(t('records-unlocked', { student: child.code, term: '១', version: km(2) }));
    // the same command again changes nothing
    await u.principal.send(`/unlock ${parentCopy.code} exam mark typed wrong`);
    expect(u.principal.texts().at(-1)).toBe(t('records-unlock-refused-not-locked'));
    expect((await json(`/verify/${parentCopy.code}.json`)).status).toBe('superseded');

    await signAll(1);
    await u.principal.send(`/copy ${child.code} 1 family`);
    const code = /([0-9A-Z]{10})/.exec(u.principal.texts().at(-1)!)![1]!;
    await delivery.deliver();
    const pdf = Buffer.from((documentsOf(u.parent).at(-1)!.payload.document as { bytes: Buffer }).bytes);
    const fresh = await json(`/verify/${code}.json`);
    expect(fresh.status).toBe('valid');
    expect(fresh.record!.version).toBe(2);
    const doc = (await verifyFile(pdf)).records[0]!;
    expect(doc.ok).toBe(true);
    expect(doc.document!.subjects.find((s) => s.subject === 'khmer')!.scores[exam.code]).toBe(100);
    expect((await json(`/verify/${parentCopy.code}.json`)).status).toBe('superseded');
  });
});

describe('a transfer to a second school', () => {
  it('verifies there, refuses an altered file, and the new school cannot change the record', async () => {
    writeFileSync(path.join(dir, 'students2.csv'), `${readFileSync('scripts/demo-school/students.csv', 'utf8').split('\n')[0]}\n7A,morning,PP2-S0001,${child.name_km},Moved Student,F,2013-05-01,ឪពុក,012 777 101,father,,,\n`);
    writeFileSync(path.join(dir, 'staff2.csv'), 'staff_code,name_km,name_en,sex,phone,role,homeroom_class,subjects\nPP2-T001,នាយក ពីរ,Principal Two,F,012 777 002,principal,,\n');
    expect((await cli('school', 'add', '--code', 'PP-0002', '--name-km', 'សាលាទីពីរ', '--name-en', 'Second School', '--province', 'PP')).code).toBe(0);
    expect(await cli('roster', 'import', '--school', 'PP-0002', path.join(dir, 'students2.csv'))).toMatchObject({ code: 0 });
    expect(await cli('staff', 'import', '--school', 'PP-0002', path.join(dir, 'staff2.csv'))).toMatchObject({ code: 0 });

    const file = path.join(dir, 'transfer.json');
    const exported = await cli('transfer', 'export', '--school', 'DEMO-001', '--student', child.code, '--out', file);
    expect(exported.out).toContain('1 record(s) written');
    const text = readFileSync(file, 'utf8');
    writeFileSync(path.join(dir, 'altered.json'), text.replace(/\\"average\\":(\d+)/, (_m, n) => `\\"average\\":${Number(n) + 1}`));
    const refused = await cli('transfer', 'import', '--school', 'PP-0002', '--student', 'PP2-S0001', path.join(dir, 'altered.json'));
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('refused: altered');
    const imported = await cli('transfer', 'import', '--school', 'PP-0002', '--student', 'PP2-S0001', file);
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.out).toContain('1 record(s) imported');
    expect((await cli('verify', file, '--keys', path.join(dir, 'keys.json'))).out).toContain('VALID');

    // the second school's principal cannot unlock, revoke or certify the first school's record
    u.principal2 = app.user(20008, 'principal2');
    await u.principal2.shareContact('012 777 002');
    u.principal2.inbox();
    const [current] = await app.database.rows<{ code: string }>(sql`select c.code from record_copies c join record_versions v on v.id = c.version_id where v.status = 'locked' order by c.id desc limit 1`);
    await u.principal2.send(`/unlock ${current!.code} we prefer other marks`);
    expect(u.principal2.texts().at(-1)).toBe(t('records-unlock-refused-not-found'));
    await u.principal2.send(`/revoke ${current!.code} not ours`);
    expect(u.principal2.texts().at(-1)).toBe(t('records-revoke-refused-not-found'));
    await u.principal2.send('/copy PP2-S0001 1 family');
    expect(u.principal2.texts().at(-1)).toBe(t('records-copy-refused-not-found', { student: 'PP2-S0001', term: '១' }));
    expect((await json(`/verify/${current!.code}.json`)).status).toBe('valid');
  });

  it('the issuing principal can revoke a record: its copies then verify as revoked', async () => {
    const [current] = await app.database.rows<{ code: string }>(sql`select c.code from record_copies c join record_versions v on v.id = c.version_id where v.status = 'locked' order by c.id desc limit 1`);
    await u.principal.send(`/revoke ${current!.code} issued in error`);
    expect(u.principal.texts().at(-1)).toBe(t('records-revoked', { student: child.code, term: '១' }));
    expect((await json(`/verify/${current!.code}.json`)).status).toBe('revoked');
    await u.parent.send(`/verify ${current!.code}`);
    expect(u.parent.texts().at(-1)).toContain(t('records-verify-revoked'));
  });
});
