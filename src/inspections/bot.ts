/**
 * Cleanliness in the chat: /inspect [SCHOOL CODE] starts an inspection (bot-flows.ts); /clean is
 * the school's open tasks, this month's class ranking and its score by month for the office, and
 * the scores per school with the schools needing a visit for a provincial official, each also as
 * a chart picture (render.ts). A task's Close button (on the office's message and the daily
 * reminder) asks for the photo of the fix. /checklist shows and edits the list (bot-checklist.ts).
 */
import { Composer, InputFile } from 'grammy';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { todayFor } from '../teaching/access.js';
import { placeNames } from '../staffing/records.js';
import { inspectHome, taskClose } from './buttons.js';
import { CLOSE_FLOW, closeFlow, INSPECT_FLOW, inspectFlow } from './bot-flows.js';
import { CHECKLIST_FLOW, checklistFlow, checklistLines } from './bot-checklist.js';
import { checklistToEdit } from './checklist-edit.js';
import { displayName } from '../core/i18n/index.js';
import { renderProvinceChart, renderScoreChart } from './render.js';
import { provinceScores, schoolOverview } from './service.js';
import { provinceText, schoolOverviewText } from './view.js';

export { CHECKLIST_FLOW, checklistFlow, CLOSE_FLOW, closeFlow, INSPECT_FLOW, inspectFlow };

export function inspectionsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const t = deps.notifier.t;

  composer.command('inspect', (ctx) => ctx.conversation.enter(INSPECT_FLOW, ctx.match.trim().slice(0, 32)));
  composer.callbackQuery(inspectHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(INSPECT_FLOW, '');
  });
  composer.command('clean', async (ctx) => {
    const office = officeMembership(ctx.actor);
    const today = await todayFor(db, ctx.actor, deps.now());
    if (office) {
      const { school } = await placeNames(db, { schoolId: office.schoolId });
      const name = ctx.locale === 'km' ? school!.nameKm : school!.nameEn;
      const overview = await schoolOverview(db, office.schoolId, today);
      await ctx.reply(schoolOverviewText(overview, name, today.slice(0, 7), ctx.locale, t));
      if (overview.byMonth.length) await ctx.replyWithPhoto(new InputFile(await renderScoreChart(overview.byMonth, name, ctx.locale, t), 'cleanliness.png'));
      return;
    }
    if (ctx.actor.officeProvinces.length > 0) {
      const provinceId = ctx.actor.officeProvinces.includes(null) ? null : ctx.actor.officeProvinces[0]!;
      const { province } = await placeNames(db, { provinceId });
      const place = province ? (ctx.locale === 'km' ? province.nameKm : province.nameEn) : ctx.t('inspections-nation');
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'inspections.province', entity: 'province', entityId: provinceId ?? 'nation' });
      const rows = await provinceScores(db, provinceId, today);
      await ctx.reply(provinceText(rows, place, ctx.locale, t));
      if (rows.length) await ctx.replyWithPhoto(new InputFile(await renderProvinceChart(rows, place, ctx.locale, t), 'cleanliness-schools.png'));
      return;
    }
    await audit(db, { actor: actorOf(ctx.from!.id), action: 'inspections.overview', outcome: 'denied', details: { reason: 'forbidden' } });
    await ctx.reply(ctx.t('inspections-refused-forbidden'));
  });
  composer.command('checklist', async (ctx) => {
    const edits = ctx.match.trim();
    if (edits) return ctx.conversation.enter(CHECKLIST_FLOW, edits.slice(0, 3000));
    const r = await checklistToEdit(db, ctx.actor);
    if (!r.ok) return ctx.reply(ctx.t('inspections-edit-forbidden'));
    const tr = (k: string, v?: Record<string, string | number>) => ctx.t(k, v);
    const head = ctx.t(r.own ? 'inspections-checklist-own' : 'inspections-checklist-inherited', { place: displayName(ctx.locale, r.scope) });
    return ctx.reply([head, '', ...checklistLines(r.items, ctx.locale, tr), '', ctx.t('inspections-checklist-usage')].join('\n').slice(0, 4000));
  });
  composer.callbackQuery(taskClose.pattern, async (ctx) => {
    const b = taskClose.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(CLOSE_FLOW, b.task);
  });
  return composer;
}
