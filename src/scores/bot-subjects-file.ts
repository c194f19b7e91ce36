/**
 * The subjects workbook in the chat. 📥 Excel (under /subjects): the school's subjects as an
 * .xlsx. Sent back — at any time, no flow waits for it: the file says what it is (its headers,
 * a hidden marker) — it becomes the typed flow's edits and its preview + ✅ Confirm
 * (bot-subjects.ts), or its problems by row, nothing kept.
 *
 * Routing: the roster (roster/bot.ts) and a teacher's score template (bot.ts) see a document
 * first and pass on what is not theirs; here a workbook that is not a subjects file passes on
 * too (to the fallback, as before). What is answered here: a subjects file (refused for anyone
 * but the office), and a file named like the download (`subjects-…`) that is too big or not
 * an .xlsx.
 */
import { Composer, InputFile } from 'grammy';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { formatNumber } from '../core/i18n/index.js';
import { downloadTelegramFile, FileTooBigError } from '../staffing/download.js';
import { subjectsExcel } from './buttons.js';
import { checkSubjectsFile, type SubjectsFileCheck } from './service-subjects-file.js';
import { subjectRows } from './service-subjects.js';
import { fileProblemLines, type Tr } from './subjects-view.js';
import { COLUMNS, headerLabels, MAX_SUBJECTS_FILE_BYTES, subjectsFileName, subjectsWorkbook, type Column } from './subjects-workbook.js';

/** What the download is called (and so what a file sent back is usually still called). */
const NAMED_LIKE_OURS = /^subjects[-_ ]/i;

function failureText(r: Exclude<SubjectsFileCheck, { ok: true }>, file: string, locale: BotContext['locale'], t: Tr): string {
  switch (r.reason) {
    case 'headers': {
      const labels = headerLabels(locale, (_l, key) => t(key));
      const missing = r.missing.map((c: Column) => labels[COLUMNS.indexOf(c)]!);
      return t('scores-subjects-xlsx-headers', { columns: labels.join(', '), missing: missing.join(', ') });
    }
    case 'problems':
      return [t('scores-subjects-xlsx-problems', { file, count: formatNumber(locale, new Set(r.problems.map((p) => p.line)).size) }), ...fileProblemLines(r.problems, locale, t)].join('\n').slice(0, 4000);
    default:
      return t(`scores-subjects-xlsx-${r.reason}`);
  }
}

export function subjectsFileFeature(deps: AppDeps, flowId: string): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const labels = deps.notifier.t.bind(deps.notifier);

  composer.callbackQuery(subjectsExcel.pattern, async (ctx) => {
    const office = officeMembership(ctx.actor);
    if (!office) {
      await audit(db, { actor: actorOf(ctx.from.id), action: 'scores.subjects', outcome: 'denied', details: { reason: 'forbidden', via: 'xlsx' } });
      return ctx.answerCallbackQuery({ text: ctx.t('scores-subjects-forbidden'), show_alert: true });
    }
    await ctx.answerCallbackQuery();
    const rows = await subjectRows(db, office.schoolId);
    const bytes = await subjectsWorkbook(rows, ctx.locale, labels);
    await audit(db, { actor: actorOf(ctx.from.id), schoolId: office.schoolId, action: 'scores.subjects.export', entity: 'school', entityId: office.schoolId });
    await ctx.replyWithDocument(new InputFile(bytes, subjectsFileName(office.schoolCode)), { caption: ctx.t('scores-subjects-xlsx-caption') });
  });

  composer.on('message:document', async (ctx, next) => {
    const doc = ctx.message.document;
    const name = doc.file_name ?? '';
    const office = officeMembership(ctx.actor);
    const ours = NAMED_LIKE_OURS.test(name);
    if (!/\.xlsx$/i.test(name)) {
      // Excel's old .xls, LibreOffice's .ods, a CSV, a PDF of the list: the office meant the workbook
      if (office && ours) return ctx.reply(ctx.t('scores-subjects-xlsx-unreadable'));
      return next();
    }
    if ((doc.file_size ?? 0) > MAX_SUBJECTS_FILE_BYTES) return office && ours ? ctx.reply(ctx.t('scores-subjects-xlsx-too-big')) : next();
    let bytes: Uint8Array;
    try {
      bytes = await downloadTelegramFile(ctx.api, doc.file_id, MAX_SUBJECTS_FILE_BYTES);
    } catch (err) {
      if (!office) return next();
      return ctx.reply(ctx.t(err instanceof FileTooBigError ? 'scores-subjects-xlsx-too-big' : 'scores-subjects-xlsx-download-failed'));
    }
    const r = await checkSubjectsFile(db, ctx.actor, { name, bytes }, labels);
    if (!r.ok && r.reason === 'not-subjects') return next();
    if (!r.ok && r.reason === 'unreadable' && !(office && ours)) return next();
    const t: Tr = (k, v) => ctx.t(k, v);
    if (!r.ok) return ctx.reply(r.reason === 'forbidden' ? ctx.t('scores-subjects-forbidden') : failureText(r, name, ctx.locale, t));
    // a preview still waiting (typed or an earlier file) gives way to this file
    if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
    await ctx.conversation.enter(flowId, r.edits);
  });
  return composer;
}
