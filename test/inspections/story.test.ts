/**
 * A cleanliness inspection as a new school would try it (issue 16's "Done when", inspections
 * part): the principal inspects room 7A — one message of item buttons, two marked failing, a
 * photo of each — and the office gets two tasks; the daily reminder lists them; the operator
 * closes both with photos; /clean shows the ranking and months; a provincial inspector may
 * inspect a school of their province and not one of another; a parent is refused; all audited.
 */
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../src/core/db/schema.js';
import { addOfficial, addSchool } from '../../src/schools/service.js';
import { inspectItem, taskClose } from '../../src/inspections/buttons.js';
import { DEFAULT_CHECKLIST } from '../../src/inspections/checklist.js';
import { inspections, inspectionTasks } from '../../src/inspections/schema.js';
import { remindTasks } from '../../src/inspections/service.js';
import { localDigits } from '../../src/core/i18n/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startTestDelivery } from '../support/delivery.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-23T03:00:00Z');
let app: TestApp;
let deliver: () => Promise<void>;
let stopDelivery: () => Promise<void>;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
let principal: TestUser;
let operator: TestUser;
let inspector: TestUser;
let outsider: TestUser;
const PHOTO = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 9]);
const last = (u: TestUser) => u.inbox().at(-1)!;
const total = DEFAULT_CHECKLIST.reduce((a, i) => a + i.points, 0);
const km = (n: number) => localDigits('km', String(n));

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  const db = app.database.db;
  await addSchool(db, { code: 'SR-0001', nameKm: 'សាលាសៀមរាប', nameEn: 'Siem Reap School', province: 'SR', provinceNameKm: 'សៀមរាប', provinceNameEn: 'Siem Reap' }, 'cli');
  const delivery = startTestDelivery(app);
  deliver = delivery.deliver;
  stopDelivery = delivery.stop;
  principal = app.user(17001, 'Sophea');
  await principal.shareContact('093 388 921');
  operator = app.user(17002, 'Sreymom');
  await operator.shareContact('016 373 035');
  await addOfficial(db, { phoneE164: '+85512888777', name: 'Inspector', provinceCode: 'PP' }, 'cli');
  inspector = app.user(17003, 'Inspector');
  await inspector.shareContact('012 888 777');
  outsider = app.user(17004, 'Nobody');
  for (const u of [principal, operator, inspector, outsider]) u.inbox();
});
afterAll(async () => {
  await stopDelivery?.();
  await app?.close();
});

describe('cleanliness inspections', () => {
  it('the principal inspects 7A: two failing items with photos make two tasks for the office', async () => {
    await principal.send('/inspect');
    expect(last(principal).text).toBe(t('inspections-ask-scope', { school: 'សាលាគំរូ' }));
    await principal.press('7A');
    const sheet = last(principal);
    expect(sheet.text).toContain(t('inspections-room', { name: '7A' }));
    expect(sheet.replyMarkup.inline_keyboard).toHaveLength(DEFAULT_CHECKLIST.length + 1);
    const floor = DEFAULT_CHECKLIST.findIndex((i) => i.code === 'floor');
    const soap = DEFAULT_CHECKLIST.findIndex((i) => i.code === 'toilet-soap');
    const desks = DEFAULT_CHECKLIST.findIndex((i) => i.code === 'desks');
    for (const item of [floor, soap, desks, desks]) await principal.pressData(inspectItem.pack({ item }), sheet.messageId);
    const edited = app.tg.calls.filter((c) => c.method === 'editMessageReplyMarkup' && String(c.payload.chat_id) === '17001').at(-1)!;
    const labels = (edited.payload.reply_markup.inline_keyboard as Array<Array<{ text: string }>>).flat().map((b) => b.text);
    expect(labels.filter((l) => l.startsWith('❌'))).toHaveLength(2);
    await principal.pressData(inspectItem.pack({ item: 99 }), sheet.messageId);
    expect(last(principal).text).toBe(t('core-menu-outdated'));
    await principal.press(t('inspections-done'));
    expect(last(principal).text).toBe(t('inspections-ask-photo', { item: DEFAULT_CHECKLIST[floor]!.labelKm }));
    await principal.send('the floor is dirty');
    expect(last(principal).text).toBe(t('inspections-need-photo'));
    await principal.sendPhoto(PHOTO);
    await principal.sendPhoto(PHOTO);
    const lost = DEFAULT_CHECKLIST[floor]!.points + DEFAULT_CHECKLIST[soap]!.points;
    expect(last(principal).text).toBe(t('inspections-saved', { score: km(total - lost), max: km(total), tasks: '២' }));
    const tasks = await app.database.db.select().from(inspectionTasks).orderBy(inspectionTasks.id);
    expect(tasks.map((x) => [x.itemCode, x.dueOn, x.status])).toEqual([
      ['floor', '2026-11-30', 'open'],
      ['toilet-soap', '2026-11-30', 'open'],
    ]);
    await deliver();
    const got = operator.inbox().filter((m) => m.method === 'sendPhoto');
    expect(got).toHaveLength(2);
    // the two tasks' messages may go out in either order (the sender's pace per chat)
    const floorTask = got.find((m) => m.text.includes(DEFAULT_CHECKLIST[floor]!.labelKm));
    expect(floorTask?.payload.photo).toBe(tasks[0]!.photoFileId);
  });

  it('the office is reminded daily until the tasks are closed with photos', async () => {
    expect(await remindTasks(app.database.db, 1, now, app.notifier)).toEqual({ sent: 2 });
    expect(await remindTasks(app.database.db, 1, now, app.notifier)).toEqual({ sent: 0 });
    await deliver();
    expect(last(operator).text).toContain(t('inspections-remind', { count: '២' }));
    const tasks = await app.database.db.select().from(inspectionTasks).orderBy(inspectionTasks.id);
    for (const task of tasks) {
      await operator.pressData(taskClose.pack({ task: task.id }));
      expect(last(operator).text).toContain(t('inspections-ask-fix-photo', { id: km(task.id), item: task.labelKm }));
      await operator.send('done!');
      expect(last(operator).text).toBe(t('inspections-need-photo'));
      await operator.sendPhoto(PHOTO);
      expect(last(operator).text).toBe(t('inspections-closed', { id: km(task.id) }));
    }
    const closed = await app.database.db.select().from(inspectionTasks);
    expect(closed.every((x) => x.status === 'closed' && x.closedPhotoFileId?.startsWith('photo-in-17002-'))).toBe(true);
    await operator.pressData(taskClose.pack({ task: tasks[0]!.id }));
    expect(last(operator).text).toBe(t('inspections-close-closed'));
    expect(await remindTasks(app.database.db, 1, new Date('2026-11-24T03:00:00Z'), app.notifier)).toEqual({ sent: 0 });
  });

  it('/clean: the class ranking and the score by month', async () => {
    await principal.send('/clean');
    const [text, chart] = principal.inbox().slice(-2);
    expect(text!.text).toContain(t('inspections-no-open-tasks'));
    expect(text!.text).toMatch(/១\. 7A: \S+%/);
    // the school's score over time as a picture (looked at: Khmer shaped, Khmer digits)
    expect(chart!.method).toBe('sendPhoto');
    const png = chart!.payload.photo.bytes as Uint8Array;
    expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    const meta = await sharp(png).metadata();
    expect(meta.width).toBe(1200);
    if (process.env.SIS_KEEP_PNG) await writeFile(`${process.env.SIS_KEEP_PNG}/inspections-school.png`, png);
  });

  it('a provincial inspector inspects a school of their province, not one of another; others are refused', async () => {
    await inspector.send('/inspect SR-0001');
    expect(last(inspector).text).toBe(t('inspections-refused-outside-province'));
    await inspector.send('/inspect');
    expect(last(inspector).text).toBe(t('inspections-refused-need-school'));
    await inspector.send('/inspect DEMO-001');
    await inspector.press(t('inspections-whole-school'));
    await inspector.press(t('inspections-done'));
    expect(last(inspector).text).toContain(t('inspections-saved', { score: km(total), max: km(total), tasks: '០' }));
    await outsider.send('/inspect DEMO-001');
    expect(last(outsider).text).toBe(t('inspections-refused-forbidden'));
    const rows = await app.database.db.select().from(inspections).orderBy(inspections.id);
    expect(rows.map((r) => [r.inspectorKind, r.classId === null])).toEqual([
      ['principal', false],
      ['province', true],
    ]);
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'inspections.start'), eq(auditLog.outcome, 'denied')));
    expect(denied.map((d) => (d.details as { reason: string }).reason).sort()).toEqual(['forbidden', 'need-school', 'outside-province']);
    await inspector.send('/clean');
    const [text, chart] = inspector.inbox().slice(-2);
    expect(text!.text).toContain(t('inspections-province-title', { place: 'ភ្នំពេញ', schools: '១', visit: '០' }));
    expect(chart!.method).toBe('sendPhoto');
    if (process.env.SIS_KEEP_PNG) await writeFile(`${process.env.SIS_KEEP_PNG}/inspections-province.png`, chart!.payload.photo.bytes as Uint8Array);
  });
});
