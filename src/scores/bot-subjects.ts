/**
 * /subjects in the chat (the office). Alone: the school's subjects per grade with their codes
 * and maxima, how to change them, and 📥 Excel (the same as a workbook to edit and send back,
 * bot-subjects-file.ts). With edits (an edit per line, see service-subjects.ts), or with the
 * edits a workbook sent back makes: a conversation that shows the subjects they would make and
 * saves them only on ✅ Confirm; any bad line — a subject with scores whose maximum would change,
 * say — is named by its number (by its row, for a workbook) and nothing is kept.
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { AppDeps, BotContext, ConvContext } from '../core/telegram/context.js';
import { formatNumber } from '../core/i18n/index.js';
import { subjectsCancel, subjectsConfirm, subjectsExcel } from './buttons.js';
import { subjectsFileFeature } from './bot-subjects-file.js';
import { previewSubjectsEdit, saveSubjectsEdit, subjectsToEdit, type SubjectsEditResult } from './service-subjects.js';
import { rowProblems, type SubjectsFileEdits } from './service-subjects-file.js';
import { fileProblemLines, previewLines, problemText, subjectLines, type Tr } from './subjects-view.js';

export const SUBJECTS_FLOW = 'gr-subjects';
const WAIT_MS = 30 * 60_000;

/** The problems of a failed preview or save, by line of the typed edits or by row of the workbook. */
function problemsOf(r: Extract<SubjectsEditResult, { reason: 'problems' }>, input: string | SubjectsFileEdits, locale: BotContext['locale'], t: Tr): string[] {
  if (typeof input === 'string') return r.problems.map((p) => problemText(p, locale, t));
  return fileProblemLines(rowProblems(r.problems, input.rows), locale, t);
}

/** `input`: the typed edits, or those a workbook sent back makes (with the row of each line). */
export async function subjectsFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, input: string | SubjectsFileEdits) {
  const text = typeof input === 'string' ? input : input.text;
  const first = await conversation.external(async (outside) => {
    const t: Tr = (k, v) => outside.t(k, v);
    const r = await previewSubjectsEdit(outside.deps.database.db, outside.actor, text);
    if (r.ok) {
      const head = typeof input === 'string' ? [outside.t('scores-subjects-preview')] : [outside.t('scores-subjects-xlsx-read', { file: input.file }), outside.t('scores-subjects-preview')];
      return { ok: true as const, text: [...head, '', ...previewLines(r.preview, outside.locale, t), '', outside.t('scores-subjects-confirm')].join('\n').slice(0, 4000) };
    }
    if (r.reason === 'forbidden') return { ok: false as const, text: outside.t('scores-subjects-forbidden') };
    return { ok: false as const, text: [...problemsOf(r, input, outside.locale, t), '', outside.t('scores-subjects-nothing')].join('\n').slice(0, 4000) };
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
        return [outside.t('scores-subjects-stale'), ...problemsOf(r, input, outside.locale, t)].join('\n').slice(0, 4000);
      });
      await u.reply(reply);
      return;
    }
    // another button (📥 Excel, a roster file's Confirm) or a file (a roster, another subjects
    // workbook, which replaces this preview) is not this preview's: it goes on to its handler
    if (data || u.message?.document) await conversation.skip({ next: true });
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
    const text = [ctx.t('scores-subjects-title'), '', ...list, '', ctx.t('scores-subjects-usage'), ctx.t('scores-subjects-xlsx-usage')].join('\n').slice(0, 4000);
    return ctx.reply(text, { reply_markup: new InlineKeyboard().text(ctx.t('scores-subjects-excel'), subjectsExcel.pack({})) });
  });
  composer.use(subjectsFileFeature(deps, SUBJECTS_FLOW));
  return composer;
}
