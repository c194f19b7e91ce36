/**
 * /checklist in the chat. Alone: the list in force (codes, names, points) and how to change it.
 * With edits (an edit per line, see checklist-edit.ts): a conversation that shows the list they
 * would make and saves it only on ✅ Confirm; any bad line is named by its number and nothing is
 * kept.
 */
import { InlineKeyboard } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { BotContext, ConvContext } from '../core/telegram/context.js';
import type { Locale } from '../core/db/schema.js';
import { displayName, formatNumber } from '../core/i18n/index.js';
import { checklistCancel, checklistConfirm } from './buttons.js';
import { AREAS } from './checklist.js';
import type { ChecklistItem } from './schema.js';
import { type ChecklistPreview, type EditProblem, previewChecklistEdit, saveChecklistEdit } from './checklist-edit.js';

export const CHECKLIST_FLOW = 'in-checklist';
const WAIT_MS = 30 * 60_000;
type Tr = (key: string, vars?: Record<string, string | number>) => string;

/** The items by area: "• floor — Classroom floor clean (10)", marked ➕ added or ✏️ changed. */
export function checklistLines(items: readonly ChecklistItem[], locale: Locale, t: Tr, marks: { added?: string[]; changed?: string[] } = {}): string[] {
  const lines: string[] = [];
  for (const area of AREAS) {
    const inArea = items.filter((i) => i.area === area);
    if (!inArea.length) continue;
    lines.push(`${t(`inspections-area-${area}`)} (${area}):`);
    for (const i of inArea) {
      const mark = marks.added?.includes(i.code) ? '➕' : marks.changed?.includes(i.code) ? '✏️' : '•';
      lines.push(`${mark} ${i.code} — ${displayName(locale, { nameKm: i.labelKm, nameEn: i.labelEn })} (${formatNumber(locale, i.points)})`);
    }
  }
  return lines;
}

export function problemText(p: EditProblem, locale: Locale, t: Tr): string {
  if (p.key === 'size') return t('inspections-edit-size');
  return t(`inspections-edit-${p.key}`, { line: formatNumber(locale, p.line), ...('code' in p ? { code: p.code } : {}) });
}

function previewText(p: ChecklistPreview, locale: Locale, t: Tr): string {
  const place = displayName(locale, p.scope);
  const total = p.effective.reduce((a, i) => a + i.points, 0);
  const lines = [t('inspections-edit-preview', { place, items: formatNumber(locale, p.effective.length), points: formatNumber(locale, total) })];
  if (p.items === null) lines.push(t(p.scope.kind === 'school' ? 'inspections-edit-back-province' : 'inspections-edit-back-default'));
  lines.push('', ...checklistLines(p.effective, locale, t, p));
  if (p.removed.length) lines.push('', `➖ ${t('inspections-edit-removed', { codes: p.removed.join(', ') })}`);
  lines.push('', t('inspections-edit-confirm'));
  return lines.join('\n').slice(0, 4000);
}

export async function checklistFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, text: string) {
  const first = await conversation.external(async (outside) => {
    const r = await previewChecklistEdit(outside.deps.database.db, outside.actor, text);
    const t: Tr = (k, v) => outside.t(k, v);
    if (r.ok) return { ok: true as const, text: previewText(r.preview, outside.locale, t) };
    if (r.reason === 'forbidden') return { ok: false as const, text: outside.t('inspections-edit-forbidden') };
    return { ok: false as const, text: [...r.problems.map((p) => problemText(p, outside.locale, t)), '', outside.t('inspections-edit-nothing')].join('\n').slice(0, 4000) };
  });
  if (!first.ok) {
    await ctx.reply(first.text);
    return;
  }
  await ctx.reply(first.text, { reply_markup: new InlineKeyboard().text(ctx.t('inspections-btn-confirm'), checklistConfirm.pack({})).text(ctx.t('inspections-cancel'), checklistCancel.pack({})) });
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (checklistCancel.parse(data)) {
      await u.answerCallbackQuery();
      await u.reply(u.t('inspections-edit-cancelled'));
      return;
    }
    if (checklistConfirm.parse(data)) {
      await u.answerCallbackQuery();
      const reply = await conversation.external(async (outside) => {
        const r = await saveChecklistEdit(outside.deps.database.db, outside.actor, text);
        const t: Tr = (k, v) => outside.t(k, v);
        if (r.ok) return outside.t('inspections-edit-saved', { place: displayName(outside.locale, r.preview.scope), items: formatNumber(outside.locale, r.preview.effective.length) });
        if (r.reason === 'forbidden') return outside.t('inspections-edit-forbidden');
        return [outside.t('inspections-edit-stale'), ...r.problems.map((p) => problemText(p, outside.locale, t))].join('\n').slice(0, 4000);
      });
      await u.reply(reply);
      return;
    }
    if (data) await u.answerCallbackQuery({ text: u.t('core-menu-outdated'), show_alert: true });
    else if (u.message) await u.reply(u.t('inspections-edit-press'));
    else await conversation.skip({ next: true });
  }
}
