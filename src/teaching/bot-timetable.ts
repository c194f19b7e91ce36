/**
 * The timetable in the chat. /timetable: the office gets the school's timetable menu (import a
 * workbook, download the workbook to edit, a class's week); a teacher their own week; a parent
 * their child's class week (a button per child when there are several); `/timetable 7A` a
 * class's week for whoever may see it. Importing is a conversation: send the .xlsx, read the
 * problems by cell, fix, send again.
 */
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { AppDeps, BotContext, ConvContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { displayName, formatDay, formatNumber } from '../core/i18n/index.js';
import { parseClassName } from '../roster/parse.js';
import { downloadTelegramFile, FileTooBigError } from '../staffing/download.js';
import { childrenOf, rememberPicture, timetableOverview, timetablePicture, todayFor, type Scope } from './access.js';
import { timetableCancel, timetableChild, timetableClass, timetableHome, timetableImport, timetableMine, timetableWorkbookButton } from './buttons.js';
import { problemLines } from './problems.js';
import { importTimetable, MAX_TIMETABLE_BYTES, schoolClasses } from './timetable.js';
import { schoolTimetableWorkbook } from './timetable-workbook.js';

export const IMPORT_FLOW = 'tt-import';
const WAIT_MS = 30 * 60_000;

function rows(buttons: Array<[string, string]>, size: number): InlineKeyboard {
  const kb = new InlineKeyboard();
  buttons.forEach(([text, data], i) => {
    kb.text(text, data);
    if ((i + 1) % size === 0) kb.row();
  });
  return kb;
}

export async function importFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext) {
  await ctx.reply(ctx.t('teaching-import-ask'), { reply_markup: new InlineKeyboard().text(ctx.t('teaching-cancel'), timetableCancel.pack({})) });
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    if (timetableCancel.parse(u.callbackQuery?.data)) {
      await u.answerCallbackQuery();
      await u.reply(u.t('teaching-import-cancelled'));
      return;
    }
    if (!u.message) await conversation.skip({ next: true });
    const document = u.message?.document;
    if (!document) {
      await u.reply(u.t('teaching-import-need-file'));
      continue;
    }
    if (!/\.xlsx$/i.test(document.file_name ?? '')) {
      await u.reply(u.t('teaching-import-not-xlsx'));
      continue;
    }
    const outcome = await conversation.external(async (outside) => {
      const office = officeMembership(outside.actor);
      if (!office) return { done: true, text: outside.t('teaching-denied-office') };
      let bytes: Uint8Array;
      try {
        bytes = await downloadTelegramFile(outside.api, document.file_id, MAX_TIMETABLE_BYTES);
      } catch (err) {
        return { done: false, text: outside.t(err instanceof FileTooBigError ? 'teaching-import-too-big' : 'teaching-import-download-failed') };
      }
      const deps = outside.deps;
      const today = await todayFor(deps.database.db, outside.actor, deps.now());
      const r = await importTimetable(deps.database.db, { schoolId: office.schoolId, fileName: document.file_name ?? 'timetable.xlsx', bytes, validFrom: today, actor: `tg:${outside.from!.id}`, t: deps.notifier.t });
      const loc = outside.locale;
      if (!r.ok) {
        const lines = await problemLines(deps.database.db, office.schoolId, r.problems, loc, deps.notifier.t);
        return { done: false, text: [outside.t('teaching-import-problems', { count: formatNumber(loc, r.problems.length) }), ...lines, '', outside.t('teaching-import-fix')].join('\n') };
      }
      const s = r.summary;
      const lines = [
        outside.t('teaching-import-done', { classes: formatNumber(loc, s.classes), lessons: formatNumber(loc, s.lessons), teachers: formatNumber(loc, s.teachers), from: formatDay(loc, s.validFrom) }),
      ];
      if (s.withoutTimetable.length > 0) lines.push(outside.t('teaching-import-without', { classes: s.withoutTimetable.join(', ') }));
      return { done: true, text: lines.join('\n') };
    });
    await u.reply(outcome.text.slice(0, 4000));
    if (outcome.done) return;
  }
}

export function timetableFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const t = deps.notifier.t;

  async function show(ctx: BotContext, scope: Scope) {
    const today = await todayFor(db, ctx.actor, deps.now());
    const r = await timetablePicture(db, ctx.actor, scope, today, ctx.locale, t);
    if (!r.ok) {
      await ctx.reply(ctx.t(`teaching-picture-${r.reason}`));
      return;
    }
    if ('fileId' in r) {
      await ctx.replyWithPhoto(r.fileId, { caption: r.caption });
      return;
    }
    const sent = await ctx.replyWithPhoto(new InputFile(r.png, 'timetable.png'), { caption: r.caption });
    const fileId = sent.photo?.at(-1)?.file_id;
    if (fileId) await rememberPicture(db, r.remember, fileId);
  }

  async function open(ctx: BotContext, arg: string) {
    const office = officeMembership(ctx.actor);
    const className = arg ? parseClassName(arg)?.className : undefined;
    if (arg && !className) {
      await ctx.reply(ctx.t('teaching-timetable-usage'));
      return;
    }
    if (className) {
      const schoolIds = [...new Set([...ctx.actor.staff.map((m) => m.schoolId)])];
      for (const schoolId of schoolIds) {
        const cls = (await schoolClasses(db, schoolId)).find((c) => c.name === className);
        if (cls) return show(ctx, { kind: 'class', classId: cls.id });
      }
      const child = (await childrenOf(db, ctx.actor)).find((c) => c.className === className);
      if (child) return show(ctx, { kind: 'child', studentId: child.studentId });
      await ctx.reply(ctx.t('teaching-picture-not-found'));
      return;
    }
    if (office) {
      const today = await todayFor(db, ctx.actor, deps.now());
      const o = await timetableOverview(db, office.schoolId, today);
      const head = o.holds
        ? ctx.t('teaching-timetable-holds', { from: formatDay(ctx.locale, o.holds.from), lessons: formatNumber(ctx.locale, o.holds.lessons) })
        : ctx.t('teaching-timetable-none');
      const kb = new InlineKeyboard().text(ctx.t('teaching-timetable-import'), timetableImport.pack({})).text(ctx.t('teaching-timetable-workbook'), timetableWorkbookButton.pack({})).row();
      // Telegram takes at most 100 buttons: the rest by /timetable 7A.
      const classes = rows(o.classes.slice(0, 96).map((c) => [c.name, timetableClass.pack({ cls: c.id })]), 4);
      await ctx.reply(`${ctx.t('teaching-timetable-office', { school: ctx.locale === 'km' ? o.school.nameKm : o.school.nameEn })}\n${head}`, {
        reply_markup: new InlineKeyboard([...kb.inline_keyboard, ...classes.inline_keyboard]),
      });
      return;
    }
    const teacher = ctx.actor.staff[0];
    if (teacher) return show(ctx, { kind: 'staff', staffId: teacher.staffId });
    const children = await childrenOf(db, ctx.actor);
    if (children.length === 1) return show(ctx, { kind: 'child', studentId: children[0]!.studentId });
    if (children.length > 1) {
      await ctx.reply(ctx.t('teaching-timetable-which-child'), {
        reply_markup: rows(children.map((c) => [`${displayName(ctx.locale, c)}${c.className ? ` · ${c.className}` : ''}`, timetableChild.pack({ student: c.studentId })]), 1),
      });
      return;
    }
    await ctx.reply(ctx.t('teaching-denied-not-linked'));
  }

  composer.command('timetable', (ctx) => open(ctx, ctx.match.trim()));
  composer.callbackQuery(timetableHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await open(ctx, '');
  });
  composer.callbackQuery(timetableMine.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const me = ctx.actor.staff[0];
    if (me) await show(ctx, { kind: 'staff', staffId: me.staffId });
  });
  composer.callbackQuery(timetableClass.pattern, async (ctx) => {
    const b = timetableClass.parse(ctx.callbackQuery.data);
    // a forged or stale id (past the field's range) is told so, not ignored
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    await ctx.answerCallbackQuery();
    await show(ctx, { kind: 'class', classId: b.cls });
  });
  composer.callbackQuery(timetableChild.pattern, async (ctx) => {
    const b = timetableChild.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    await ctx.answerCallbackQuery();
    await show(ctx, { kind: 'child', studentId: b.student });
  });
  composer.callbackQuery(timetableImport.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!officeMembership(ctx.actor)) {
      await ctx.reply(ctx.t('teaching-denied-office'));
      return;
    }
    await ctx.conversation.enter(IMPORT_FLOW);
  });
  composer.callbackQuery(timetableWorkbookButton.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const office = officeMembership(ctx.actor);
    if (!office) {
      await ctx.reply(ctx.t('teaching-denied-office'));
      return;
    }
    const today = await todayFor(db, ctx.actor, deps.now());
    const book = await schoolTimetableWorkbook(db, office.schoolId, today, ctx.locale, t);
    await ctx.replyWithDocument(new InputFile(book.bytes, book.fileName), { caption: ctx.t(book.filled ? 'teaching-workbook-current' : 'teaching-workbook-empty') });
  });
  return composer;
}
