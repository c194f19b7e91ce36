/**
 * Subjects per grade edited in Excel (issue 13: "editable per school … bot, CLI and Excel"): the
 * office presses 📥 Excel under /subjects, gets the school's subjects as a workbook in its own
 * language, changes a maximum, renames one, adds a subject, marks one not in use and deletes a
 * row (which removes nothing), sends it back and sees the typed flow's preview; nothing is saved
 * before ✅ Confirm, then exactly those changes, an audit row each. Bad rows are named by their
 * row numbers with nothing saved; a subject with scores keeps its maximum and stays; a file with
 * wrong headers, of the wrong kind or too big is answered, nothing changed; a roster sent while
 * a preview waits is still the roster's; a teacher and a parent are refused (audited); the CLI
 * exports the same workbook and imports it, dry run first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { and, eq, sql } from 'drizzle-orm';
import { runCliCaptured } from '../support/cli.js';
import { auditLog } from '../../src/core/db/schema.js';
import { formatNumber, localDigits } from '../../src/core/i18n/index.js';
import { subjectsExcel } from '../../src/scores/buttons.js';
import { acceptDefaultPlan, subjectsOf } from '../../src/scores/service-setup.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { FIXTURES, loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

let app: TestApp;
let operator: TestUser; // Khmer
let principal: TestUser; // English
let teacher: TestUser;
let parent: TestUser;
let mathsScores = 0;
const km = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
const en = (key: string, vars?: Record<string, string | number>) => app.notifier.t('en', key, vars);
const kmN = (n: number) => formatNumber('km', n);

/** Every subject row of the school as it stands (to show that nothing changed). */
const state = () => app.database.rows(sql`select grade, code, name_km, name_en, max_score, active from score_subjects where school_id = 1 order by id`);

/** /subjects → 📥 Excel: the workbook the bot sends, opened. */
async function download(u: TestUser): Promise<{ name: string; caption: string; book: ExcelJS.Workbook }> {
  await u.send('/subjects');
  expect(u.inbox().at(-1)!.text).toContain('/subjects');
  await u.press('📥 Excel');
  const doc = u.inbox().find((m) => m.method === 'sendDocument')!;
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(doc.payload.document.bytes) as unknown as ArrayBuffer);
  return { name: doc.payload.document.upload, caption: doc.payload.caption, book };
}

/** The sheet row (as Excel numbers it) of a grade's subject. */
function rowOf(ws: ExcelJS.Worksheet, grade: number, code: string): number {
  for (let i = 2; i <= ws.rowCount; i++) if (ws.getRow(i).getCell(1).value === grade && ws.getRow(i).getCell(2).value === code) return i;
  throw new Error(`no row for ${grade} ${code}`);
}

const bytesOf = async (book: ExcelJS.Workbook) => new Uint8Array(await book.xlsx.writeBuffer());

beforeAll(async () => {
  app = await createTestApp({ rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  const r = await acceptDefaultPlan(app.database.db, 1, 'cli');
  if (!r.ok) throw new Error('no plan');
  // 7A's maths scores of the first test are in
  await app.database.rows(sql`
    insert into scores (assessment_id, subject_id, student_id, school_id, class_id, value, absent, entered_by, via)
    select ${r.plan.assessments[0]!.id}, ss.id, s.id, s.school_id, s.class_id, 60, false, 'test', 'office'
      from students s join classes c on c.id = s.class_id join score_subjects ss on ss.school_id = s.school_id and ss.grade = c.grade and ss.code = 'maths'
     where c.name = '7A'`);
  mathsScores = (await app.database.rows<{ n: number }>(sql`select count(*)::int n from scores`))[0]!.n;
  operator = app.user(13301, 'Sreymom');
  await operator.shareContact('016 373 035'); // DEMO-001-T002, operator
  principal = app.user(13302, 'Sophea', 'en');
  await principal.shareContact('093 388 921'); // DEMO-001-T001, principal
  await app.database.db.execute(sql`update telegram_accounts set locale = 'en' where telegram_user_id = 13302`);
  teacher = app.user(13303, 'Makara');
  await teacher.shareContact('016 025 313');
  parent = app.user(13304, 'Parent');
  await parent.shareContact('086 915 326');
  for (const u of [operator, principal, teacher, parent]) u.inbox();
}, 90_000);
afterAll(() => app?.close());

describe('subjects per grade edited in Excel', () => {
  it('📥 Excel sends every subject in the reader\'s language, with its scores count and an instructions sheet', async () => {
    const { name, caption, book } = await download(operator);
    expect(name).toBe('subjects-DEMO-001.xlsx');
    expect(caption).toBe(km('scores-subjects-xlsx-caption'));
    expect(book.worksheets.map((w) => w.name)).toEqual(['មុខវិជ្ជា', 'ការណែនាំ']);
    const ws = book.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([undefined, 'ថ្នាក់ទី', 'កូដ', 'ឈ្មោះខ្មែរ', 'ឈ្មោះអង់គ្លេស', 'ពិន្ទុអតិបរមា', 'កំពុងប្រើ', 'ពិន្ទុបានបញ្ចូល (មិនអាន)', 'sis:subjects:v1']);
    const all = await subjectsOf(app.database.db, 1);
    expect(ws.actualRowCount).toBe(all.length + 1);
    expect(ws.getRow(rowOf(ws, 7, 'maths')).values).toEqual([undefined, 7, 'maths', 'គណិតវិទ្យា', 'Mathematics', 100, 'ប្រើ', mathsScores]);
    expect(ws.getRow(rowOf(ws, 1, 'khmer')).values).toEqual([undefined, 1, 'khmer', 'ភាសាខ្មែរ', 'Khmer', 10, 'ប្រើ', 0]);
    expect(String(book.worksheets[1]!.getRow(1).getCell(1).value)).toContain('មួយជួរសម្រាប់មុខវិជ្ជា');
    const exported = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'scores.subjects.export'), eq(auditLog.actor, 'tg:13301')));
    expect(exported).toHaveLength(1);
  });

  it('round trip in English: a maximum, a rename, a new subject, one not in use and a deleted row; preview, nothing before Confirm', async () => {
    const { book } = await download(principal);
    const ws = book.worksheets[0]!;
    expect(ws.getRow(1).getCell(1).value).toBe('Grade');
    ws.getRow(rowOf(ws, 7, 'physics')).getCell(5).value = 40;
    ws.getRow(rowOf(ws, 4, 'science')).getCell(3).value = 'វិទ្យាសាស្ត្រទូទៅ';
    ws.getRow(rowOf(ws, 4, 'science')).getCell(4).value = 'General science';
    ws.getRow(rowOf(ws, 12, 'home-economics')).getCell(6).value = 'no';
    ws.spliceRows(rowOf(ws, 1, 'khmer'), 1); // a row taken out of the file removes nothing
    ws.addRow([12, 'ict', 'ព័ត៌មានវិទ្យា', 'ICT', 50, 'yes']);
    const before = await state();
    await principal.sendDocument(await bytesOf(book), 'subjects-DEMO-001.xlsx');
    const preview = principal.inbox().at(-1)!;
    expect(preview.text).toContain('📄 subjects-DEMO-001.xlsx');
    expect(preview.text).toContain(en('scores-subjects-preview'));
    expect(preview.text).toMatch(/Grade 4: .*✏️ science General science \/10/);
    expect(preview.text).toMatch(/Grade 7: .*✏️ physics Physics \/40/);
    expect(preview.text).toMatch(/Grade 12: .*➖ home-economics Home economics \/50.*➕ ict ICT \/50/);
    expect(preview.text).not.toMatch(/Grade 1:/);
    expect(JSON.stringify(preview.replyMarkup)).toContain(en('scores-confirm'));
    expect(await state()).toEqual(before);
    await principal.press(en('scores-confirm'));
    expect(principal.inbox().at(-1)!.text).toBe(en('scores-subjects-saved', { count: '4' }));
    const [g1, g4, g7, g12] = await Promise.all([1, 4, 7, 12].map((g) => subjectsOf(app.database.db, 1, g)));
    expect(g1!.find((s) => s.code === 'khmer')).toMatchObject({ maxScore: 10, nameEn: 'Khmer' });
    expect(g4!.find((s) => s.code === 'science')).toMatchObject({ nameKm: 'វិទ្យាសាស្ត្រទូទៅ', nameEn: 'General science', maxScore: 10 });
    expect(g7!.find((s) => s.code === 'physics')!.maxScore).toBe(40);
    expect(g12!.some((s) => s.code === 'home-economics')).toBe(false);
    expect(g12!.at(-1)).toMatchObject({ code: 'ict', nameKm: 'ព័ត៌មានវិទ្យា', nameEn: 'ICT', maxScore: 50 });
    const audited = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'scores.subject.edit'), eq(auditLog.actor, 'tg:13302')));
    expect(audited).toHaveLength(4);
    // the same file again changes nothing more
    await principal.sendDocument(await bytesOf(book), 'subjects-DEMO-001.xlsx');
    expect(principal.inbox().at(-1)!.text).toBe(en('scores-subjects-xlsx-unchanged'));
  });

  it('bad rows are named by their row numbers (in Khmer) and nothing is saved', async () => {
    const { book } = await download(operator);
    const ws = book.worksheets[0]!;
    // removed subjects come back listed as not in use (home-economics of grade 12)
    expect(ws.getRow(rowOf(ws, 12, 'home-economics')).getCell(6).value).toBe('ឈប់ប្រើ');
    ws.getRow(rowOf(ws, 7, 'physics')).getCell(5).value = 30; // a good change, kept back by the bad rows
    const n = ws.rowCount;
    ws.addRow([13, 'ict', 'ព័ត៌មានវិទ្យា', 'ICT', 50, 'ប្រើ']); // n+1: grade
    ws.addRow([7, 'cooking', 'ធ្វើម្ហូប', 'Cooking', 50, 'ប្រើ']); // n+2: code
    ws.addRow([7, 'ict', 'ព័ត៌មានវិទ្យា', 'ICT', 'ហាសិប', 'ប្រើ']); // n+3: maximum
    ws.addRow([7, 'arts', 'សិល្បៈ', '', 20, 'ប្រើ']); // n+4: a name missing
    ws.addRow([7, 'french', 'ភាសាបារាំង', 'French', 50, 'ប្រហែល']); // n+5: in use?
    ws.addRow(['៧', 'khmer', 'ភាសាខ្មែរ', 'Khmer', '១០០', 'ប្រើ']); // n+6: 7 khmer twice (Khmer digits read)
    const before = await state();
    await operator.sendDocument(await bytesOf(book), 'subjects-DEMO-001.xlsx');
    const text = operator.inbox().at(-1)!.text;
    expect(text).toContain(km('scores-subjects-xlsx-problems', { file: 'subjects-DEMO-001.xlsx', count: kmN(6) }));
    expect(text).toContain(km('scores-subjects-xlsx-bad-grades', { row: kmN(n + 1) }));
    expect(text).toContain(km('scores-subjects-xlsx-bad-code', { row: kmN(n + 2) }));
    expect(text).toContain(km('scores-subjects-xlsx-bad-max', { row: kmN(n + 3) }));
    expect(text).toContain(km('scores-subjects-xlsx-bad-names', { row: kmN(n + 4) }));
    expect(text).toContain(km('scores-subjects-xlsx-bad-active', { row: kmN(n + 5) }));
    expect(text).toContain(km('scores-subjects-xlsx-duplicate', { row: kmN(n + 6), grade: kmN(7), code: 'khmer', first: kmN(rowOf(ws, 7, 'khmer')) }));
    expect(operator.inbox()).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it('a subject with scores keeps its maximum and stays: its row is named, nothing saved; renaming it is allowed', async () => {
    // downloaded in Khmer, sent back by the English-speaking principal: both headers are read
    const { book } = await download(operator);
    const ws = book.worksheets[0]!;
    const maths = rowOf(ws, 7, 'maths');
    ws.getRow(maths).getCell(5).value = 50;
    const before = await state();
    await principal.sendDocument(await bytesOf(book), 'subjects-DEMO-001.xlsx');
    expect(principal.inbox().at(-1)!.text).toContain(en('scores-subjects-xlsx-has-scores', { row: String(maths), grade: '7', code: 'maths', count: String(mathsScores) }));
    ws.getRow(maths).getCell(5).value = 100;
    ws.getRow(maths).getCell(6).value = 0;
    await principal.sendDocument(await bytesOf(book), 'subjects-DEMO-001.xlsx');
    expect(principal.inbox().at(-1)!.text).toContain(en('scores-subjects-xlsx-has-scores', { row: String(maths), grade: '7', code: 'maths', count: String(mathsScores) }));
    expect(await state()).toEqual(before);
    ws.getRow(maths).getCell(6).value = 1;
    ws.getRow(maths).getCell(4).value = 'Maths';
    await principal.sendDocument(await bytesOf(book), 'subjects-DEMO-001.xlsx');
    expect(principal.inbox().at(-1)!.text).toMatch(/Grade 7: .*✏️ maths Maths \/100/);
    await principal.press(en('scores-cancel'));
    expect(principal.inbox().at(-1)!.text).toBe(en('scores-subjects-cancelled'));
    expect(await state()).toEqual(before);
  });

  it('wrong headers, a file that is no workbook, one too big: a clear answer, nothing changed', async () => {
    const before = await state();
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('x');
    ws.addRow(['ថ្នាក់ទី', 'កូដ', 'ឈ្មោះខ្មែរ', 'Maximum score']);
    ws.addRow([7, 'ict', 'ព័ត៌មានវិទ្យា', 50]);
    await operator.sendDocument(await bytesOf(book), 'my subjects.xlsx');
    expect(operator.inbox().at(-1)!.text).toBe(km('scores-subjects-xlsx-headers', { columns: 'ថ្នាក់ទី, កូដ, ឈ្មោះខ្មែរ, ឈ្មោះអង់គ្លេស, ពិន្ទុអតិបរមា, កំពុងប្រើ', missing: 'ឈ្មោះអង់គ្លេស, កំពុងប្រើ' }));
    // our marker, every header renamed
    const marked = new ExcelJS.Workbook();
    marked.addWorksheet('x').addRow(['a', 'b', 'c', 'd', 'e', 'f', '', 'sis:subjects:v1']);
    await principal.sendDocument(await bytesOf(marked), 'subjects-DEMO-001.xlsx');
    expect(principal.inbox().at(-1)!.text).toContain(en('scores-subjects-xlsx-headers', { columns: 'Grade, Code, Khmer name, English name, Maximum score, In use', missing: 'Grade, Code, Khmer name, English name, Maximum score, In use' }));
    // saved by LibreOffice in its own format, or as old Excel
    await operator.sendDocument(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]), 'subjects-DEMO-001.xls');
    expect(operator.inbox().at(-1)!.text).toBe(km('scores-subjects-xlsx-unreadable'));
    await principal.sendDocument(new TextEncoder().encode('PK not really'), 'subjects-DEMO-001.ods');
    expect(principal.inbox().at(-1)!.text).toBe(en('scores-subjects-xlsx-unreadable'));
    // bytes named .xlsx that are no workbook reach the roster first, which answers them (unreadable)
    await operator.sendDocument(new TextEncoder().encode('not a workbook'), 'subjects-DEMO-001.xlsx');
    expect(operator.inbox().at(-1)!.text).toContain(localDigits('km', km('roster-err-unreadable-file')));
    // a real workbook over 1 MB (not a roster, so the roster passes it on)
    const big = new ExcelJS.Workbook();
    const sheet = big.addWorksheet('x');
    sheet.addRow(['Grade', 'Code', 'Khmer name', 'English name', 'Maximum score', 'In use']);
    for (let i = 0; i < 400; i++) sheet.addRow([7, 'ict', Array.from({ length: 4000 }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join(''), 'ICT', 50, 'yes']);
    const bigBytes = await bytesOf(big);
    expect(bigBytes.length).toBeGreaterThan(1024 * 1024);
    await principal.sendDocument(bigBytes, 'subjects-DEMO-001.xlsx');
    expect(principal.inbox().at(-1)!.text).toBe(en('scores-subjects-xlsx-too-big'));
    expect(await state()).toEqual(before);
  }, 60_000);

  it('a roster sent while a subjects preview waits is still the roster\'s; a new subjects file replaces the preview', async () => {
    const { book } = await download(operator);
    const ws = book.worksheets[0]!;
    ws.getRow(rowOf(ws, 7, 'physics')).getCell(5).value = 45;
    await operator.sendDocument(await bytesOf(book), 'subjects-DEMO-001.xlsx');
    expect(operator.inbox().at(-1)!.text).toMatch(/✏️ physics រូបវិទ្យា \/៤៥/);
    await operator.sendDocument(readFileSync(path.join(FIXTURES, 'students.csv')), 'students.csv');
    expect(operator.inbox().at(-1)!.text).toContain(km('roster-bot-students-checked', { file: 'students.csv' }));
    ws.getRow(rowOf(ws, 7, 'physics')).getCell(5).value = 35;
    await operator.sendDocument(await bytesOf(book), 'subjects-DEMO-001.xlsx');
    expect(operator.inbox().at(-1)!.text).toMatch(/✏️ physics រូបវិទ្យា \/៣៥/);
    await operator.press(km('scores-confirm'));
    expect(operator.inbox().at(-1)!.text).toBe(km('scores-subjects-saved', { count: '១' }));
    expect((await subjectsOf(app.database.db, 1, 7)).find((s) => s.code === 'physics')!.maxScore).toBe(35);
  });

  it('a teacher and a parent are refused, audited; so is their 📥 Excel', async () => {
    const { book } = await download(operator);
    book.worksheets[0]!.getRow(2).getCell(5).value = 9;
    const before = await state();
    const denied = async () => (await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'scores.subjects'), eq(auditLog.outcome, 'denied')))).length;
    const was = await denied();
    for (const u of [teacher, parent]) {
      await u.sendDocument(await bytesOf(book), 'subjects-DEMO-001.xlsx');
      expect(u.inbox().at(-1)!.text).toBe(km('scores-subjects-forbidden'));
      await u.pressData(subjectsExcel.pack({}));
      expect(u.inbox().at(-1)!.text).toBe(km('scores-subjects-forbidden'));
      expect(u.inbox().some((m) => m.method === 'sendDocument')).toBe(false);
    }
    expect(await denied()).toBe(was + 4);
    expect(await state()).toEqual(before);
  });
});

describe('scores subjects export / import on the command line', () => {
  let env: Record<string, string>;
  const dir = mkdtempSync(path.join(tmpdir(), 'subjects-'));
  async function cli(...args: string[]) {
    return runCliCaptured(args, env);
  }

  beforeAll(async () => {
    const [row] = await app.database.rows<{ db: string }>(sql`select current_database() as db`);
    const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    url.pathname = `/${row!.db}`;
    env = { DATABASE_URL: url.toString(), BOT_USERNAME: 'sis_demo_bot', LOG_LEVEL: 'silent', DEFAULT_LOCALE: 'km' };
  });

  it('exports the workbook, imports it back: problems by row, a dry run that saves nothing, then the save (actor cli)', async () => {
    const file = path.join(dir, 'subjects.xlsx');
    const exported = await cli('scores', 'subjects', 'export', '--school', 'DEMO-001', '--lang', 'en', file);
    expect(exported).toMatchObject({ code: 0 });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    const ws = book.worksheets[0]!;
    expect(ws.getRow(1).getCell(6).value).toBe('In use');
    expect(exported.out).toContain(`Wrote ${ws.actualRowCount - 1} subjects of DEMO-001`);

    ws.getRow(rowOf(ws, 12, 'english')).getCell(5).value = 'lots';
    writeFileSync(file, await bytesOf(book));
    const bad = await cli('scores', 'subjects', 'import', '--school', 'DEMO-001', file);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(km('scores-subjects-xlsx-bad-max', { row: kmN(rowOf(ws, 12, 'english')) }));

    ws.getRow(rowOf(ws, 12, 'english')).getCell(5).value = 60;
    ws.addRow([4, 'arts', 'សិល្បៈ', 'Arts', 10, 'yes']);
    writeFileSync(file, await bytesOf(book));
    const before = await state();
    const dry = await cli('scores', 'subjects', 'import', '--school', 'DEMO-001', '--dry-run', '--lang', 'en', file);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/Grade 4: .*➕ arts Arts \/10/);
    expect(dry.out).toMatch(/Grade 12: .*✏️ english English \/60/);
    expect(dry.out).toContain(en('scores-subjects-xlsx-dry-run'));
    expect(await state()).toEqual(before);

    const saved = await cli('scores', 'subjects', 'import', '--school', 'DEMO-001', file);
    expect(saved.code).toBe(0);
    expect(saved.out).toContain(km('scores-subjects-saved', { count: '២' }));
    expect((await subjectsOf(app.database.db, 1, 12)).find((s) => s.code === 'english')!.maxScore).toBe(60);
    expect((await subjectsOf(app.database.db, 1, 4)).at(-1)).toMatchObject({ code: 'arts', maxScore: 10 });
    const audited = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'scores.subject.edit'), eq(auditLog.actor, 'cli')));
    expect(audited).toHaveLength(2);

    const again = await cli('scores', 'subjects', 'import', '--school', 'DEMO-001', file);
    expect(again).toMatchObject({ code: 0, out: km('scores-subjects-xlsx-unchanged') });
    expect((await cli('scores', 'subjects', 'frobnicate', '--school', 'DEMO-001', file)).code).toBe(2);
  }, 60_000);
});
