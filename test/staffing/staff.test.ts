/**
 * Staff records through the bot on the demo school: the principal's /staff (by position and sex,
 * who is on leave today), the records workbook downloaded, filled in and sent back (a bad cell
 * refused with its address, nothing saved; then saved), one record and its status, the
 * province's counts without a single name, and a teacher refused.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { staff } from '../../src/core/db/schema.js';
import { addOfficial } from '../../src/schools/service.js';
import { insertLeave, decideLeave } from '../../src/staffing/leave.js';
import { staffDetails } from '../../src/staffing/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-23T03:00:00Z');
let app: TestApp;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
let principal: TestUser;
let teacher: TestUser;
let director: TestUser;
let workbook: Buffer;

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  principal = app.user(18001, 'Sophea');
  await principal.shareContact('093 388 921');
  teacher = app.user(18002, 'Maly');
  await teacher.shareContact('016 005 138');
  await addOfficial(app.database.db, { phoneE164: '+85512888777', name: 'Director', provinceCode: 'PP' }, 'cli');
  director = app.user(18003, 'Director');
  await director.shareContact('012 888 777');
  // Keo Pisey is on approved sick leave today.
  const [pisey] = await app.database.db.select({ id: staff.id }).from(staff).where(eq(staff.staffCode, 'DEMO-001-T006'));
  const leaveId = await insertLeave(app.database.db, { schoolId: 1, staffId: pisey!.id, fromDay: '2026-11-23', toDay: '2026-11-24', reason: 'sick', documentFileId: null, requestedBy: 'cli' });
  await decideLeave(app.database.db, leaveId, 'approved', 'cli');
  for (const u of [principal, teacher, director]) u.inbox();
});
afterAll(() => app?.close());

describe('/staff', () => {
  it('the principal sees the staff by position and sex and who is on leave today', async () => {
    await principal.send('/staff');
    const text = principal.inbox().at(-1)!.text;
    expect(text).toContain(t('staffing-overview-title', { school: 'សាលាគំរូ', total: '៨', female: '៤' }));
    expect(text).toContain(`${t('staffing-position-teacher')}: ៥ (${t('staffing-female-short', { count: '៣' })})`);
    expect(text).toContain(`${t('staffing-position-guard')}: ១`);
    expect(text).toContain('កែវ ពិសី — ' + t('staffing-leave-reason-sick'));
    expect(text).toContain(t('staffing-incomplete', { count: '៨' }));
  });

  it('the records workbook goes out, comes back with a bad date (refused by cell), then right (saved)', async () => {
    await principal.press(t('staffing-btn-workbook'));
    const doc = principal.inbox().at(-1)!;
    expect(doc.method).toBe('sendDocument');
    workbook = Buffer.from(doc.payload.document.bytes);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(workbook as never);
    const ws = book.worksheets[0]!;
    const col = (name: string) => (ws.getRow(1).values as string[]).indexOf(name);
    ws.eachRow((row, n) => {
      if (n === 1) return;
      row.getCell(col('date_of_birth')).value = n === 4 ? '31/02/1990' : new Date('1988-05-20T00:00:00Z');
      row.getCell(col('qualification')).value = n % 2 ? 'Bachelor\'s degree' : 'បរិញ្ញាបត្រ';
      row.getCell(col('training_level')).value = '12+2';
      row.getCell(col('employment_type')).value = 'civil-servant';
      row.getCell(col('start_date')).value = '2015-10-01';
    });
    const bad = Buffer.from(await book.xlsx.writeBuffer());
    await principal.press(t('staffing-btn-import'));
    await principal.sendDocument(bad, 'staff.xlsx');
    const refused = principal.inbox().at(-1)!.text;
    expect(refused).toContain(t('staffing-import-problems', { count: '១' }));
    expect(refused).toContain('F4');
    expect(await app.database.db.select().from(staffDetails)).toHaveLength(0);
    ws.getRow(4).getCell(col('date_of_birth')).value = '14/02/1990';
    await principal.sendDocument(Buffer.from(await book.xlsx.writeBuffer()), 'staff.xlsx');
    expect(principal.inbox().at(-1)!.text).toBe(t('staffing-import-done', { count: '៨' }));
    const rows = await app.database.db.select().from(staffDetails);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.qualification === 'bachelor' && r.trainingLevel === '12-2' && r.employment === 'civil-servant' && r.startDate === '2015-10-01')).toBe(true);
    expect(rows.find((r) => r.position === 'guard')).toBeDefined();
  });

  it('one record, and its status changed in one tap', async () => {
    await principal.send('/staff T005');
    const card = principal.inbox().at(-1)!;
    expect(card.text).toContain('កែវ មករា · DEMO-001-T005');
    expect(card.text).toContain(t('staffing-record-status', { status: t('staffing-status-active') }));
    await principal.press(`→ ${t('staffing-status-transferred')}`);
    expect(principal.inbox().at(-1)!.text).toContain(t('staffing-record-status', { status: t('staffing-status-transferred') }));
    await principal.send('/staff');
    expect(principal.inbox().at(-1)!.text).toContain(t('staffing-overview-title', { school: 'សាលាគំរូ', total: '៧', female: '៤' }));
  });

  it('the province sees counts by sex, position, qualification and training — and no name', async () => {
    await director.send('/staff');
    const text = director.inbox().at(-1)!.text;
    expect(text).toContain(t('staffing-counts-title', { place: 'ភ្នំពេញ', schools: '១', total: '៧', female: '៤' }));
    expect(text).toContain(`${t('staffing-qualification-bachelor')}: ៧`);
    expect(text).toContain(`${t('staffing-training-12-2')}: ៧`);
    for (const name of ['សុខ សុភា', 'អ៊ុំ ម៉ាលី', 'កែវ ពិសី', 'Sok Sophea']) expect(text).not.toContain(name);
  });

  it('a teacher may not see the records; a forged status button is refused', async () => {
    await teacher.send('/staff');
    expect(teacher.inbox().at(-1)!.text).toBe(t('staffing-denied-office'));
    const [p] = await app.database.db.select({ id: staff.id }).from(staff).where(eq(staff.staffCode, 'DEMO-001-T001'));
    await teacher.pressData(`sf:st:${p!.id}:r`);
    expect(teacher.inbox().at(-1)).toMatchObject({ method: 'answerCallbackQuery', text: t('staffing-record-forbidden') });
  });
});
