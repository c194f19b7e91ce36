/**
 * Editing the cleanliness checklist in the chat (issue 16: "editable per school or per province"):
 * the operator sees the list in force, sends edits with mistakes (each named by its line, nothing
 * changed), then good edits — a preview of the new list, saved only on Confirm, audited — and the
 * next inspection uses it; Cancel keeps the list; a provincial official edits the province's list,
 * which the school's own list still wins over; "default" drops the school's list; a teacher is
 * refused (audited).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../src/core/db/schema.js';
import { addOfficial } from '../../src/schools/service.js';
import { DEFAULT_CHECKLIST } from '../../src/inspections/checklist.js';
import { checklistFor } from '../../src/inspections/checklist.js';
import { inspectionChecklists } from '../../src/inspections/schema.js';
import { localDigits } from '../../src/core/i18n/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-23T03:00:00Z');
let app: TestApp;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
const km = (n: number) => localDigits('km', String(n));
let operator: TestUser;
let principal: TestUser;
let official: TestUser;
let teacher: TestUser;
const last = (u: TestUser) => u.inbox().at(-1)!;

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  await addOfficial(app.database.db, { phoneE164: '+85512888777', name: 'Inspector', provinceCode: 'PP' }, 'cli');
  operator = app.user(18002, 'Sreymom');
  await operator.shareContact('016 373 035');
  principal = app.user(18001, 'Sophea');
  await principal.shareContact('093 388 921');
  official = app.user(18003, 'Inspector');
  await official.shareContact('012 888 777');
  teacher = app.user(18004, 'Maly');
  await teacher.shareContact('016 005 138');
  for (const u of [operator, principal, official, teacher]) u.inbox();
});
afterAll(async () => {
  await app?.close();
});

describe('the cleanliness checklist edited in the chat', () => {
  it('/checklist shows the list in force with its codes and how to change it', async () => {
    await operator.send('/checklist');
    const text = last(operator).text;
    expect(text).toContain(t('inspections-checklist-inherited', { place: 'សាលាគំរូ' }));
    expect(text).toContain(`• floor — ${DEFAULT_CHECKLIST[0]!.labelKm} (១០)`);
    expect(text).toContain(t('inspections-area-toilets'));
    expect(text).toContain('add ');
  });

  it('bad edits are named by their line and nothing changes', async () => {
    await operator.send('/checklist add roof leak 5 ដំបូលមិនលិច | No leaks\npoints floor 500\nremove nothing\nadd yard garden 5 x | y\nrename desks only-khmer\nfly away');
    const reply = last(operator);
    const text = reply.text;
    expect(text).toContain(t('inspections-edit-bad-area', { line: '១' }));
    expect(text).toContain(t('inspections-edit-bad-points', { line: '២' }));
    expect(text).toContain(t('inspections-edit-no-item', { line: '៣', code: 'nothing' }));
    expect(text).toContain(t('inspections-edit-exists', { line: '៤', code: 'garden' }));
    expect(text).toContain(t('inspections-edit-bad-labels', { line: '៥' }));
    expect(text).toContain(t('inspections-edit-bad-verb', { line: '៦' }));
    expect(text).toContain(t('inspections-edit-nothing'));
    // no Confirm button to press
    expect(reply.replyMarkup).toBeUndefined();
    await operator.send('/checklist default\nremove floor');
    expect(last(operator).text).toContain(t('inspections-edit-bad-verb', { line: '១' }));
    expect(await app.database.db.select().from(inspectionChecklists)).toHaveLength(0);
  });

  it('good edits show the new list and are saved on Confirm, audited; the next inspection uses them', async () => {
    await operator.send('/checklist add classroom windows ៥ បង្អួចស្អាត | Windows clean\npoints floor 20\nremove garden');
    const preview = last(operator);
    const total = DEFAULT_CHECKLIST.reduce((a, i) => a + i.points, 0) + 5 + 10 - 5;
    expect(preview.text).toContain(t('inspections-edit-preview', { place: 'សាលាគំរូ', items: km(10), points: km(total) }));
    expect(preview.text).toContain('➕ windows — បង្អួចស្អាត (៥)');
    expect(preview.text).toContain(`✏️ floor — ${DEFAULT_CHECKLIST[0]!.labelKm} (២០)`);
    expect(preview.text).toContain(t('inspections-edit-removed', { codes: 'garden' }));
    await operator.send('what now?');
    expect(last(operator).text).toBe(t('inspections-edit-press'));
    expect(await app.database.db.select().from(inspectionChecklists)).toHaveLength(0);
    await operator.press(t('inspections-btn-confirm'));
    expect(last(operator).text).toBe(t('inspections-edit-saved', { place: 'សាលាគំរូ', items: km(10) }));
    const list = await checklistFor(app.database.db, 1);
    expect(list.map((i) => i.code)).toEqual([...DEFAULT_CHECKLIST.map((i) => i.code).filter((c) => c !== 'garden'), 'windows']);
    expect(list.find((i) => i.code === 'floor')!.points).toBe(20);
    const rows = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'inspections.checklist'), eq(auditLog.outcome, 'ok')));
    expect(rows.map((r) => r.details)).toEqual([{ items: 10, added: 1, changed: 1, removed: 1, own: true }]);
    await principal.send('/inspect');
    await principal.press(t('inspections-whole-school'));
    const sheet = last(principal);
    expect(sheet.replyMarkup.inline_keyboard).toHaveLength(10 + 1);
    expect(JSON.stringify(sheet.replyMarkup)).toContain('បង្អួចស្អាត');
    await principal.press(t('inspections-cancel'));
  });

  it('Cancel keeps the list', async () => {
    await operator.send('/checklist remove windows');
    await operator.press(t('inspections-cancel'));
    expect(last(operator).text).toBe(t('inspections-edit-cancelled'));
    expect((await checklistFor(app.database.db, 1)).some((i) => i.code === 'windows')).toBe(true);
  });

  it("a provincial official edits the province's list; the school's own still wins until it goes back to default", async () => {
    await official.send('/checklist');
    expect(last(official).text).toContain(t('inspections-checklist-inherited', { place: 'ភ្នំពេញ' }));
    await official.send('/checklist points drinking 30');
    expect(last(official).text).toContain('✏️ drinking');
    await official.press(t('inspections-btn-confirm'));
    expect(last(official).text).toBe(t('inspections-edit-saved', { place: 'ភ្នំពេញ', items: km(10) }));
    expect((await checklistFor(app.database.db, 1)).find((i) => i.code === 'drinking')!.points).toBe(15);
    await operator.send('/checklist default');
    expect(last(operator).text).toContain(t('inspections-edit-back-province'));
    await operator.press(t('inspections-btn-confirm'));
    const list = await checklistFor(app.database.db, 1);
    expect(list.find((i) => i.code === 'drinking')!.points).toBe(30);
    expect(list.some((i) => i.code === 'windows')).toBe(false);
  });

  it('a teacher is refused, audited', async () => {
    await teacher.send('/checklist remove floor');
    expect(last(teacher).text).toBe(t('inspections-edit-forbidden'));
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'inspections.checklist'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(1);
  });
});
