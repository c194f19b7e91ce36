/**
 * The Excel template round trip (the bot sends it, the teacher fills it, sends it back: preview,
 * Confirm), bad rows named by row, forged buttons, the A4 PDF of a published class, the homeroom
 * comment on the card, and a parent's /scores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { PDFDocument, PDFName, PDFDict } from 'pdf-lib';
import { scoresConfirm, scoresPdf, scoresTemplate, periodWire } from '../../src/scores/buttons.js';
import { acceptDefaultPlan } from '../../src/scores/service-setup.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

let app: TestApp;
let teacher: TestUser;
let ids: { cls: number; subj: number; a: number };
let code: string;

beforeAll(async () => {
  app = await createTestApp({ rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  const plan = await acceptDefaultPlan(app.database.db, 1, 'cli');
  if (!plan.ok) throw new Error('no plan');
  code = plan.plan.assessments[0]!.code;
  teacher = app.user(7001, 'Makara');
  await teacher.shareContact('016 025 313');
  const [row] = await app.database.rows<{ c: number; s: number }>(sql`select c.id c, ss.id s from classes c join score_subjects ss on ss.grade = c.grade and ss.code = 'physics' where c.name = '7A'`);
  ids = { cls: Number(row!.c), subj: Number(row!.s), a: plan.plan.assessments[0]!.id };
}, 90_000);
afterAll(() => app?.close());

async function filled(bytes: Buffer, value: (row: number) => string | number): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = book.getWorksheet('scores')!;
  for (let i = 2; i <= ws.rowCount; i++) ws.getRow(i).getCell(4).value = value(i);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('the Excel template', () => {
  it('comes back filled: bad rows named, nothing saved; then previewed and saved on Confirm', async () => {
    teacher.inbox();
    await teacher.pressData(scoresTemplate.pack(ids));
    const doc = teacher.inbox().find((m) => m.method === 'sendDocument')!;
    const template = Buffer.from(doc.payload.document.bytes);
    await teacher.sendDocument(await filled(template, (r) => (r === 5 ? 70 : r === 6 ? 'x' : 30)), 'scores.xlsx');
    const bad = teacher.texts().at(-1)!;
    expect(bad).toContain('លេខ ៥'); // row 5 of the sheet: over the maximum 50
    expect(bad).toContain('លេខ ៦');
    expect(Number((await app.database.rows<{ n: number }>(sql`select count(*)::int n from scores`))[0]!.n)).toBe(0);
    await teacher.sendDocument(await filled(template, (r) => (r === 3 ? 'ab' : 20 + (r % 25))), 'scores.xlsx');
    const preview = teacher.inbox().at(-1)!;
    expect(preview.text).toContain('អវត្តមាន៖ ១');
    await teacher.press(app.notifier.t('km', 'scores-confirm'));
    expect(teacher.texts().at(-1)).toContain('✅');
    expect(Number((await app.database.rows<{ n: number }>(sql`select count(*)::int n from scores where via = 'excel'`))[0]!.n)).toBe(32);
  });

  it('a forged Confirm (another class, or a stale hash) changes nothing', async () => {
    const [other] = await app.database.rows<{ c: number }>(sql`select id c from classes where name = '12A'`);
    teacher.inbox();
    await teacher.pressData(scoresConfirm.pack({ cls: Number(other!.c), subj: ids.subj, a: ids.a, h: 'AAAAAAAAAA' }));
    expect(teacher.texts().at(-1)).toBe(app.notifier.t('km', 'scores-confirm-not-yours'));
    await teacher.pressData(scoresConfirm.pack({ ...ids, h: 'AAAAAAAAAA' }));
    expect(teacher.texts().at(-1)).toBe(app.notifier.t('km', 'scores-confirm-stale'));
    await teacher.pressData('gr:ok:1:2');
    expect(teacher.texts().at(-1)).toBe(app.notifier.t('km', 'scores-stale'));
  });

  it('after publishing, the office gets the class cards as an A4 PDF with the homeroom comment', async () => {
    // fill every other subject of 7A for the test, then comment, publish and print
    await app.database.rows(sql`
      insert into scores (assessment_id, subject_id, student_id, school_id, class_id, value, absent, entered_by, via)
      select ${ids.a}, ss.id, s.id, s.school_id, s.class_id, ss.max_score / 2, false, 'test', 'office'
        from students s join classes c on c.id = s.class_id join score_subjects ss on ss.school_id = s.school_id and ss.grade = c.grade
       where c.id = ${ids.cls} and ss.id <> ${ids.subj}`);
    await teacher.send(`/comment 7A 1 ${code} រៀនពូកែ ខិតខំប្រឹងប្រែង`);
    expect(teacher.texts().at(-1)).toBe(app.notifier.t('km', 'scores-comment-saved'));
    await teacher.send(`/comment 7B 1 ${code} x`);
    expect(teacher.texts().at(-1)).toBe(app.notifier.t('km', 'scores-comment-not-homeroom'));
    const principal = app.user(7002, 'Pr');
    await principal.shareContact('093 388 921');
    await principal.send(`/publish 7A ${code}`);
    expect(principal.texts().at(-1)).toContain('📣 7A');
    principal.inbox();
    await principal.pressData(scoresPdf.pack({ cls: ids.cls, p: periodWire(`m:${ids.a}`) }));
    const pdf = principal.inbox().find((m) => m.method === 'sendDocument')!;
    // read with pdf-lib (no poppler on a fresh machine): 32 A4 pages, each carrying its card picture
    const doc = await PDFDocument.load(Buffer.from(pdf.payload.document.bytes));
    expect(doc.getPageCount()).toBe(32);
    for (const page of doc.getPages()) {
      const { width, height } = page.getSize();
      expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
      const xObjects = page.node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict);
      expect(xObjects?.keys().length ?? 0).toBeGreaterThan(0);
    }
    const reads = await app.database.rows<{ n: number }>(sql`select count(*)::int n from audit_log where action = 'scores.read' and details->>'what' = 'cards-pdf'`);
    expect(Number(reads[0]!.n)).toBe(1);
  }, 90_000);
});
