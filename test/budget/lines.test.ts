/**
 * The chart of budget lines and the year's plan edited in the chat (issue 16: "a default chart of
 * lines ships, editable"): the principal sees the default chart, sends edits with mistakes (each
 * named by its line, nothing changed), then good ones — a preview of the lines and plan, saved on
 * Confirm with an audit row per change — and /expense offers the new line, not the retired one;
 * Cancel keeps everything; a teacher is refused (audited).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../src/core/db/schema.js';
import { DEFAULT_LINES } from '../../src/budget/lines.js';
import { budgetLines } from '../../src/budget/schema.js';
import { chartOf } from '../../src/budget/service-lines.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoSchool } from '../support/fixtures.js';
import type { TestUser } from '../support/telegram.js';

const now = new Date('2026-11-23T03:00:00Z');
let app: TestApp;
const t = (key: string, vars?: Record<string, string | number>) => app.notifier.t('km', key, vars);
let principal: TestUser;
let teacher: TestUser;
const last = (u: TestUser) => u.inbox().at(-1)!;

beforeAll(async () => {
  app = await createTestApp({ now: () => now, rateLimit: { max: 10_000, windowMs: 1000 } });
  await loadDemoSchool(app.database.db);
  principal = app.user(16101, 'Sophea');
  await principal.shareContact('093 388 921');
  teacher = app.user(16103, 'Maly');
  await teacher.shareContact('016 005 138');
  for (const u of [principal, teacher]) u.inbox();
});
afterAll(async () => {
  await app?.close();
});

describe('budget lines and plan edited in the chat', () => {
  it('/budgetlines shows the default chart with codes and no plan yet', async () => {
    await principal.send('/budgetlines');
    const text = last(principal).text;
    expect(text).toContain(t('budget-lines-title', { year: '២០២៦' }));
    for (const l of DEFAULT_LINES) expect(text).toContain(`• ${l.code} — ${l.nameKm}: ${t('budget-lines-no-plan')}`);
    expect(text).toContain(t('budget-lines-total', { total: '០ ៛' }));
  });

  it('bad edits are named by their line and nothing changes', async () => {
    await principal.send('/budgetlines add Sports!! កីឡា | Sports\nadd repairs ជួសជុល | Repairs\nplan materials bank 1000\nplan materials state -5\nrename nothing a | b\nadd sports កីឡា\nspend it all');
    const text = last(principal).text;
    expect(text).toContain(t('budget-lines-bad-code', { line: '១' }));
    expect(text).toContain(t('budget-lines-exists', { line: '២', code: 'repairs' }));
    expect(text).toContain(t('budget-lines-bad-source', { line: '៣' }));
    expect(text).toContain(t('budget-lines-bad-amount', { line: '៤' }));
    expect(text).toContain(t('budget-lines-no-line', { line: '៥', code: 'nothing' }));
    expect(text).toContain(t('budget-lines-bad-names', { line: '៦' }));
    expect(text).toContain(t('budget-lines-bad-verb', { line: '៧' }));
    expect(text).toContain(t('budget-lines-nothing'));
    expect(await app.database.db.select().from(budgetLines).where(eq(budgetLines.code, 'sports'))).toHaveLength(0);
  });

  it('good edits are previewed, saved on Confirm and audited; /expense offers the new line, not the retired one', async () => {
    await principal.send('/budgetlines add sports កីឡា | Sports\nrename repairs ជួសជុលអគារ | Building repairs\nplan materials state ១,០០០,០០០ ៛\nplan sports community 50000\nretire other');
    const preview = last(principal).text;
    expect(preview).toContain(t('budget-lines-preview', { year: '២០២៦' }));
    expect(preview).toContain(`➕ sports — កីឡា: ${t('budget-source-community')} ៥០,០០០ ៛`);
    expect(preview).toContain(`✏️ repairs — ជួសជុលអគារ: ${t('budget-lines-no-plan')}`);
    expect(preview).toContain(`✏️ materials — ${DEFAULT_LINES[0]!.nameKm}: ${t('budget-source-state')} ១,០០០,០០០ ៛`);
    expect(preview).toContain(`✏️ other — ផ្សេងៗ: ${t('budget-lines-no-plan')} (${t('budget-lines-retired')})`);
    expect(preview).toContain(t('budget-lines-total', { total: '១,០៥០,០០០ ៛' }));
    await principal.send('ok');
    expect(last(principal).text).toBe(t('budget-lines-press'));
    await principal.press(t('budget-btn-confirm'));
    expect(last(principal).text).toBe(t('budget-lines-saved', { lines: '៤' }));
    const chart = await chartOf(app.database.db, 1, 2026);
    expect(chart.find((l) => l.code === 'sports')).toMatchObject({ nameEn: 'Sports', active: true, plan: { state: 0, community: 50_000, partner: 0 } });
    expect(chart.find((l) => l.code === 'materials')!.plan.state).toBe(1_000_000);
    expect(chart.find((l) => l.code === 'repairs')!.nameEn).toBe('Building repairs');
    expect(chart.find((l) => l.code === 'other')!.active).toBe(false);
    const audited = await app.database.db.select().from(auditLog).where(and(eq(auditLog.outcome, 'ok'), eq(auditLog.actor, 'tg:16101')));
    expect(audited.filter((a) => a.action === 'budget.line')).toHaveLength(3);
    expect(audited.filter((a) => a.action === 'budget.plan.set')).toHaveLength(2);
    await principal.send('/expense');
    await principal.send('15000');
    const buttons = JSON.stringify(last(principal).replyMarkup);
    expect(buttons).toContain('កីឡា');
    expect(buttons).not.toContain('ផ្សេងៗ');
    await principal.press(t('budget-cancel'));
  });

  it('Cancel keeps the lines and the plan', async () => {
    await principal.send('/budgetlines plan materials state 0');
    await principal.press(t('budget-cancel'));
    expect(last(principal).text).toBe(t('budget-lines-cancelled'));
    expect((await chartOf(app.database.db, 1, 2026)).find((l) => l.code === 'materials')!.plan.state).toBe(1_000_000);
  });

  it('a teacher is refused, audited', async () => {
    await teacher.send('/budgetlines retire materials');
    expect(last(teacher).text).toBe(t('budget-denied-office'));
    const denied = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'budget.chart'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(1);
  });
});
