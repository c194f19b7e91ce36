/**
 * /budgetlines in the chat. Alone: the school's chart of lines (codes, names, the year's plan per
 * source) and how to change it. With edits (an edit per line, see service-lines.ts): a
 * conversation that shows the chart and plan they would make and saves them only on ✅ Confirm;
 * any bad line is named by its number and nothing is kept.
 */
import { InlineKeyboard } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { BotContext, ConvContext } from '../core/telegram/context.js';
import type { Locale } from '../core/db/schema.js';
import { displayName, formatNumber } from '../core/i18n/index.js';
import { todayFor } from '../teaching/access.js';
import { chartCancel, chartConfirm } from './buttons.js';
import { formatRiel } from './money.js';
import { BUDGET_SOURCES, type ChartLine, type LineProblem, previewChartEdit, saveChartEdit } from './service-lines.js';

export const CHART_FLOW = 'bg-chart';
const WAIT_MS = 30 * 60_000;
type Tr = (key: string, vars?: Record<string, string | number>) => string;

/** "• materials — Teaching and learning materials: State 1,000,000 riel", marked ➕ or ✏️. */
export function chartLines(lines: readonly ChartLine[], locale: Locale, t: Tr, marks: { added?: string[]; changed?: string[] } = {}): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const mark = marks.added?.includes(l.code) ? '➕' : marks.changed?.includes(l.code) ? '✏️' : '•';
    const plan = BUDGET_SOURCES.filter((s) => l.plan[s] > 0).map((s) => `${t(`budget-source-${s}`)} ${formatRiel(locale, l.plan[s])}`);
    out.push(`${mark} ${l.code} — ${displayName(locale, l)}: ${plan.length ? plan.join(' · ') : t('budget-lines-no-plan')}${l.active ? '' : ` (${t('budget-lines-retired')})`}`);
  }
  const total = lines.reduce((a, l) => a + BUDGET_SOURCES.reduce((b, s) => b + l.plan[s], 0), 0);
  out.push('', t('budget-lines-total', { total: formatRiel(locale, total) }));
  return out;
}

function problemText(p: LineProblem, locale: Locale, t: Tr): string {
  return t(`budget-lines-${p.key}`, { line: formatNumber(locale, p.line), ...('code' in p ? { code: p.code } : {}) });
}

export async function chartFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, text: string) {
  const first = await conversation.external(async (outside) => {
    const db = outside.deps.database.db;
    const year = Number((await todayFor(db, outside.actor, outside.deps.now())).slice(0, 4));
    const t: Tr = (k, v) => outside.t(k, v);
    const r = await previewChartEdit(db, outside.actor, year, text);
    if (r.ok) {
      const head = outside.t('budget-lines-preview', { year: formatNumber(outside.locale, year) });
      return { ok: true as const, year, text: [head, '', ...chartLines(r.preview.lines, outside.locale, t, r.preview), '', outside.t('budget-lines-confirm')].join('\n').slice(0, 4000) };
    }
    if (r.reason === 'forbidden') return { ok: false as const, text: outside.t('budget-denied-office') };
    return { ok: false as const, text: [...r.problems.map((p) => problemText(p, outside.locale, t)), '', outside.t('budget-lines-nothing')].join('\n').slice(0, 4000) };
  });
  if (!first.ok) {
    await ctx.reply(first.text);
    return;
  }
  await ctx.reply(first.text, { reply_markup: new InlineKeyboard().text(ctx.t('budget-btn-confirm'), chartConfirm.pack({})).text(ctx.t('budget-cancel'), chartCancel.pack({})) });
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (chartCancel.parse(data)) {
      await u.answerCallbackQuery();
      await u.reply(u.t('budget-lines-cancelled'));
      return;
    }
    if (chartConfirm.parse(data)) {
      await u.answerCallbackQuery();
      const reply = await conversation.external(async (outside) => {
        const r = await saveChartEdit(outside.deps.database.db, outside.actor, first.year, text);
        const t: Tr = (k, v) => outside.t(k, v);
        if (r.ok) return outside.t('budget-lines-saved', { lines: formatNumber(outside.locale, r.preview.added.length + r.preview.changed.length) });
        if (r.reason === 'forbidden') return outside.t('budget-denied-office');
        return [outside.t('budget-lines-stale'), ...r.problems.map((p) => problemText(p, outside.locale, t))].join('\n').slice(0, 4000);
      });
      await u.reply(reply);
      return;
    }
    if (data) await u.answerCallbackQuery({ text: u.t('core-menu-outdated'), show_alert: true });
    else if (u.message) await u.reply(u.t('budget-lines-press'));
    else await conversation.skip({ next: true });
  }
}
