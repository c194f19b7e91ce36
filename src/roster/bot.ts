/**
 * Roster changes through the bot: the office (principal, operator) sends the student or the staff
 * file (.xlsx or .csv) as a document. The same all-or-nothing validation as `roster import`
 * answers with every problem by row, or with the changes — new, changed class (staff: roles or
 * homeroom), leaving, by name — and ✅ Confirm. Nothing changes before Confirm; a Confirm that is
 * stale, replayed, someone else's, or whose summary no longer holds changes nothing.
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { formatNumber } from '../core/i18n/index.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import { downloadTelegramFile, FileTooBigError } from '../staffing/download.js';
import { cancelFile, confirmFile } from './buttons.js';
import { cancelRosterFile, checkRosterFile, confirmRosterFile, rosterKind } from './service-pending.js';
import { problemsText, staffSummaryText, studentSummaryText } from './summary-view.js';

/** Telegram lets a bot download at most 20 MB. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export function rosterFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;

  composer.on('message:document', async (ctx, next) => {
    const doc = ctx.message.document;
    const name = doc.file_name ?? '';
    // other capabilities take other workbooks (a teacher's score sheet): only the office's rosters here
    if (!officeMembership(ctx.actor) || !/\.(xlsx|csv)$/i.test(name)) return next();
    let bytes: Uint8Array;
    try {
      bytes = await downloadTelegramFile(ctx.api, doc.file_id, MAX_FILE_BYTES);
    } catch (err) {
      await ctx.reply(ctx.t(err instanceof FileTooBigError ? 'roster-bot-too-big' : 'roster-bot-download-failed'));
      return;
    }
    const file = { name, bytes };
    const kind = await rosterKind(file);
    if (!kind) return next();
    const checked = await checkRosterFile(db, ctx.actor, file, kind);
    const t = (key: string, args?: Record<string, string | number>) => ctx.t(key, args);
    if (!checked.ok) {
      if (checked.reason === 'forbidden') return ctx.reply(ctx.t('roster-bot-denied'));
      return ctx.reply(problemsText(t, ctx.locale, name, checked.errors));
    }
    const text = checked.kind === 'students' ? studentSummaryText(t, ctx.locale, name, checked.summary) : staffSummaryText(t, ctx.locale, name, checked.summary);
    const kb = new InlineKeyboard().text(ctx.t('roster-bot-confirm'), confirmFile.pack({ pending: checked.pendingId })).text(ctx.t('roster-bot-cancel'), cancelFile.pack({ pending: checked.pendingId }));
    await ctx.reply(text, { reply_markup: kb });
  });

  composer.callbackQuery(confirmFile.pattern, async (ctx) => {
    const b = confirmFile.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('roster-bot-stale'), show_alert: true });
    const r = await confirmRosterFile(db, ctx.actor, b.pending, deps.notifier);
    const t = (key: string, args?: Record<string, string | number>) => ctx.t(key, args);
    if (!r.ok) {
      if (r.reason === 'problems') {
        await ctx.answerCallbackQuery();
        await ctx.reply(problemsText(t, ctx.locale, r.fileName, r.errors));
        return;
      }
      return ctx.answerCallbackQuery({ text: ctx.t(r.reason === 'changed' ? 'roster-bot-changed-since' : 'roster-bot-stale'), show_alert: true });
    }
    await ctx.answerCallbackQuery({ text: ctx.t('roster-bot-saved') });
    const loc = ctx.locale;
    const done =
      r.kind === 'students'
        ? ctx.t('roster-bot-students-done', {
            added: formatNumber(loc, r.summary.changes.added.length),
            moved: formatNumber(loc, r.summary.changes.classChanged.length),
            leaving: formatNumber(loc, r.summary.notInFile),
            linked: formatNumber(loc, r.summary.accountsLinked),
          })
        : ctx.t('roster-bot-staff-done', {
            added: formatNumber(loc, r.summary.changes.added.length),
            changed: formatNumber(loc, r.summary.changes.changed.length),
            leaving: formatNumber(loc, r.summary.left),
            linked: formatNumber(loc, r.summary.accountsLinked),
          });
    // the summary stays readable above; its buttons go
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(ignoreNotModified);
    await ctx.reply(done);
  });

  composer.callbackQuery(cancelFile.pattern, async (ctx) => {
    const b = cancelFile.parse(ctx.callbackQuery.data);
    if (!b || !(await cancelRosterFile(db, ctx.actor, b.pending))) return ctx.answerCallbackQuery({ text: ctx.t('roster-bot-stale'), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(ignoreNotModified);
    await ctx.reply(ctx.t('roster-bot-cancelled'));
  });
  return composer;
}
