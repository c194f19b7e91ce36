/**
 * Staff records in the chat. /staff: the office sees the staff by position and sex and who is
 * on leave today, downloads the records workbook (also the template to fill) and sends it back
 * to import it (a conversation: every problem by cell, nothing written until all rows are right);
 * `/staff T005` shows one record with buttons to change its status. A provincial or national
 * official gets counts by sex, position, qualification and training level — never a name.
 */
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { AppDeps, BotContext, ConvContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { schoolClock } from '../core/clock.js';
import { formatNumber, localDigits } from '../core/i18n/index.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import { staffCancel, staffHome, staffImport, staffStatus, staffWorkbook } from './buttons.js';
import { downloadTelegramFile, FileTooBigError } from './download.js';
import { importRecords, placeNames, recordOf, recordsOf, setStaffStatus, staffCounts, staffOverview } from './records.js';
import { renderCounts, renderOverview, renderRecord } from './view.js';
import { recordsWorkbook } from './workbook.js';

export const RECORDS_IMPORT_FLOW = 'sf-import';
const MAX_BYTES = 5 * 1024 * 1024;

export async function recordsImportFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext) {
  await ctx.reply(ctx.t('staffing-import-ask'), { reply_markup: new InlineKeyboard().text(ctx.t('staffing-cancel'), staffCancel.pack({})) });
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: 30 * 60_000 });
    if (staffCancel.parse(u.callbackQuery?.data)) {
      await u.answerCallbackQuery();
      await u.reply(u.t('staffing-import-cancelled'));
      return;
    }
    if (!u.message) await conversation.skip({ next: true });
    const document = u.message?.document;
    if (!document || !/\.xlsx$/i.test(document.file_name ?? '')) {
      await u.reply(u.t('staffing-import-need-file'));
      continue;
    }
    const outcome = await conversation.external(async (outside) => {
      const office = officeMembership(outside.actor);
      if (!office) return { done: true, text: outside.t('staffing-denied-office') };
      let bytes: Uint8Array;
      try {
        bytes = await downloadTelegramFile(outside.api, document.file_id, MAX_BYTES);
      } catch (err) {
        return { done: false, text: outside.t(err instanceof FileTooBigError ? 'staffing-import-too-big' : 'staffing-import-download-failed') };
      }
      const r = await importRecords(outside.deps.database.db, { schoolId: office.schoolId, bytes, actor: actorOf(outside.from!.id), t: outside.deps.notifier.t });
      const loc = outside.locale;
      if (r.ok) return { done: true, text: outside.t('staffing-import-done', { count: formatNumber(loc, r.updated) }) };
      const lines = r.problems.slice(0, 40).map((p) => `• ${outside.t(`staffing-err-${p.code}`, { cell: p.cell || '—', value: localDigits(loc, p.value ?? '') })}`);
      return { done: false, text: [outside.t('staffing-import-problems', { count: formatNumber(loc, r.problems.length) }), ...lines, '', outside.t('staffing-import-fix')].join('\n') };
    });
    await u.reply(outcome.text.slice(0, 4000));
    if (outcome.done) return;
  }
}

export function staffingFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const t = deps.notifier.t;

  async function open(ctx: BotContext, arg: string) {
    const office = officeMembership(ctx.actor);
    if (office && arg) {
      const r = await recordOf(db, ctx.actor, arg);
      if (!r.ok) {
        await ctx.reply(ctx.t(`staffing-record-${r.reason}`));
        return;
      }
      const view = renderRecord(r.record, ctx.locale, t);
      await ctx.reply(view.text, { reply_markup: view.reply_markup });
      return;
    }
    if (office) {
      const { school } = await placeNames(db, { schoolId: office.schoolId });
      const today = schoolClock(school!.timezone, deps.now()).day;
      const view = renderOverview(await staffOverview(db, office.schoolId, today), ctx.locale === 'km' ? school!.nameKm : school!.nameEn, ctx.locale, t);
      await ctx.reply(view.text, { reply_markup: view.reply_markup });
      return;
    }
    if (ctx.actor.officeProvinces.length > 0) {
      const provinceId = ctx.actor.officeProvinces.includes(null) ? null : ctx.actor.officeProvinces[0]!;
      const { province } = await placeNames(db, { provinceId });
      const place = province ? (ctx.locale === 'km' ? province.nameKm : province.nameEn) : ctx.t('staffing-nation');
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'staffing.counts', entity: 'province', entityId: provinceId ?? 'nation' });
      await ctx.reply(renderCounts(await staffCounts(db, provinceId), place, ctx.locale, t));
      return;
    }
    await audit(db, { actor: actorOf(ctx.from!.id), action: 'staffing.overview', outcome: 'denied', details: { reason: 'forbidden' } });
    await ctx.reply(ctx.t('staffing-denied-office'));
  }

  composer.command('staff', (ctx) => open(ctx, ctx.match.trim()));
  composer.callbackQuery(staffHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await open(ctx, '');
  });
  composer.callbackQuery(staffWorkbook.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const office = officeMembership(ctx.actor);
    if (!office) {
      await ctx.reply(ctx.t('staffing-denied-office'));
      return;
    }
    const { school } = await placeNames(db, { schoolId: office.schoolId });
    const bytes = await recordsWorkbook(await recordsOf(db, office.schoolId), ctx.locale, t);
    await audit(db, { actor: actorOf(ctx.from!.id), schoolId: office.schoolId, action: 'staffing.records.export', entity: 'school', entityId: office.schoolId });
    await ctx.replyWithDocument(new InputFile(bytes, `staff-${school?.code ?? office.schoolId}.xlsx`), { caption: ctx.t('staffing-workbook-caption') });
  });
  composer.callbackQuery(staffImport.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!officeMembership(ctx.actor)) {
      await ctx.reply(ctx.t('staffing-denied-office'));
      return;
    }
    await ctx.conversation.enter(RECORDS_IMPORT_FLOW);
  });
  composer.callbackQuery(staffStatus.pattern, async (ctx) => {
    const b = staffStatus.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    const r = await setStaffStatus(db, ctx.actor, b.staff, b.status);
    if (!r.ok) return ctx.answerCallbackQuery({ text: ctx.t(`staffing-record-${r.reason}`), show_alert: true });
    await ctx.answerCallbackQuery({ text: ctx.t('staffing-status-saved') });
    const view = renderRecord(r.record, ctx.locale, t);
    await ctx.editMessageText(view.text, { reply_markup: view.reply_markup }).catch(ignoreNotModified);
  });
  return composer;
}
