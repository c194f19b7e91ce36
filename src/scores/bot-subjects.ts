/**
 * /subjects in the chat (the office). Alone: the school's subjects per grade with their codes
 * and maxima, and how to change them. With edits (an edit per line, see service-subjects.ts): a
 * conversation that shows the subjects they would make and saves them only on ✅ Confirm; any
 * bad line — a subject with scores whose maximum would change, say — is named by its number and
 * nothing is kept.
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { AppDeps, BotContext, ConvContext } from '../core/telegram/context.js';
import type { Locale } from '../core/db/schema.js';
import { displayName, formatNumber } from '../core/i18n/index.js';
import { subjectsCancel, subjectsConfirm } from './buttons.js';
import { previewSubjectsEdit, saveSubjectsEdit, subjectsToEdit, type SubjectProblem, type SubjectRow, type SubjectsPreview } from './service-subjects.js';

export const SUBJECTS_FLOW = 'gr-subjects';
const WAIT_MS = 30 * 60_000;
type Tr = (key: string, vars?: Record<string, string | number>) => string;

/** A line per grade: "Grade 7: khmer ភាសាខ្មែរ /100 · ➕ ict ព័ត៌មានវិទ្យា /50 …". */
export function subjectLines(rows: readonly SubjectRow[], locale: Locale, t: Tr, marks: Partial<Pick<SubjectsPreview, 'added' | 'changed' | 'removed'>> = {}, onlyGrades?: Set<number>): string[] {
  const out: string[] = [];
  const shown = rows.filter((r) => (r.active || marks.removed?.includes(`${r.grade}:${r.code}`)) && (!onlyGrades || onlyGrades.has(r.grade)));
  for (const grade of [...new Set(shown.map((r) => r.grade))].sort((a, b) => a - b)) {
    const items = shown
      .filter((r) => r.grade === grade)
      .map((r) => {
        const k = `${r.grade}:${r.code}`;
        const mark = marks.added?.includes(k) ? '➕ ' : marks.removed?.includes(k) ? '➖ ' : marks.changed?.includes(k) ? '✏️ ' : '';
        return `${mark}${r.code} ${displayName(locale, r)} /${formatNumber(locale, r.maxScore)}`;
      });
    out.push(`${t('scores-subjects-grade', { grade: formatNumber(locale, grade) })}: ${items.join(' · ')}`);
  }
  return out;
}

function problemText(p: SubjectProblem, locale: Locale, t: Tr): string {
  return t(`scores-subjects-${p.key}`, {
    line: formatNumber(locale, p.line),
    ...('grade' in p ? { grade: formatNumber(locale, p.grade), code: p.code } : {}),
    ...('count' in p ? { count: formatNumber(locale, p.count) } : {}),
  });
}

export async function subjectsFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, text: string) {
  const first = await conversation.external(async (outside) => {
    const t: Tr = (k, v) => outside.t(k, v);
    const r = await previewSubjectsEdit(outside.deps.database.db, outside.actor, text);
    if (r.ok) {
      const p = r.preview;
      const grades = new Set([...p.added, ...p.changed, ...p.removed].map((k) => Number(k.split(':')[0])));
      return { ok: true as const, text: [outside.t('scores-subjects-preview'), '', ...subjectLines(p.rows, outside.locale, t, p, grades), '', outside.t('scores-subjects-confirm')].join('\n').slice(0, 4000) };
    }
    if (r.reason === 'forbidden') return { ok: false as const, text: outside.t('scores-subjects-forbidden') };
    return { ok: false as const, text: [...r.problems.map((p) => problemText(p, outside.locale, t)), '', outside.t('scores-subjects-nothing')].join('\n').slice(0, 4000) };
  });
  if (!first.ok) {
    await ctx.reply(first.text);
    return;
  }
  await ctx.reply(first.text, { reply_markup: new InlineKeyboard().text(ctx.t('scores-confirm'), subjectsConfirm.pack({})).text(ctx.t('scores-cancel'), subjectsCancel.pack({})) });
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (subjectsCancel.parse(data)) {
      await u.answerCallbackQuery();
      await u.reply(u.t('scores-subjects-cancelled'));
      return;
    }
    if (subjectsConfirm.parse(data)) {
      await u.answerCallbackQuery();
      const reply = await conversation.external(async (outside) => {
        const t: Tr = (k, v) => outside.t(k, v);
        const r = await saveSubjectsEdit(outside.deps.database.db, outside.actor, text);
        if (r.ok) return outside.t('scores-subjects-saved', { count: formatNumber(outside.locale, r.preview.added.length + r.preview.changed.length + r.preview.removed.length) });
        if (r.reason === 'forbidden') return outside.t('scores-subjects-forbidden');
        return [outside.t('scores-subjects-stale'), ...r.problems.map((p) => problemText(p, outside.locale, t))].join('\n').slice(0, 4000);
      });
      await u.reply(reply);
      return;
    }
    if (data) await u.answerCallbackQuery({ text: u.t('core-menu-outdated'), show_alert: true });
    else if (u.message) await u.reply(u.t('scores-subjects-press'));
    else await conversation.skip({ next: true });
  }
}

export function subjectsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command('subjects', async (ctx) => {
    const edits = ctx.match.trim();
    if (edits) return ctx.conversation.enter(SUBJECTS_FLOW, edits.slice(0, 3000));
    const r = await subjectsToEdit(deps.database.db, ctx.actor);
    if (!r.ok) return ctx.reply(ctx.t('scores-subjects-forbidden'));
    const tr: Tr = (k, v) => ctx.t(k, v);
    const list = r.rows.length ? subjectLines(r.rows, ctx.locale, tr) : [ctx.t('scores-subjects-none')];
    return ctx.reply([ctx.t('scores-subjects-title'), '', ...list, '', ctx.t('scores-subjects-usage')].join('\n').slice(0, 4000));
  });
  return composer;
}
