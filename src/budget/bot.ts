/**
 * Budget in the chat. /budget: the office gets the year's plan against spending per line and
 * source, what is pending (a button per pending receipt), the chart and a workbook button; a
 * provincial official gets the execution rate per school. /expense starts the expense flow
 * (bot-expense.ts); /budgetlines shows and edits the chart of lines and the plan (bot-lines.ts).
 * The principal's copy of an expense has Approve / Decline; an approval that takes a line over
 * plan is warned about first and needs a second tap.
 */
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { formatNumber } from '../core/i18n/index.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import { todayFor } from '../teaching/access.js';
import { placeNames } from '../staffing/records.js';
import { budgetHome, budgetProvinceWorkbook, budgetWorkbook, expenseApprove, expenseDecline, expenseReceipt, expenseReverse, expenseStart } from './buttons.js';
import { EXPENSE_FLOW, expenseFlow } from './bot-expense.js';
import { CHART_FLOW, chartFlow, chartLines } from './bot-lines.js';
import { chartToEdit } from './service-lines.js';
import { formatRiel } from './money.js';
import { renderBudgetChart } from './render.js';
import { approvedKeyboard, decideExpense, expenseText, receiptOf, reverseExpense } from './service.js';
import { provinceRates, schoolBudget } from './service-report.js';
import { budgetSummary, provinceSummary } from './view.js';
import { renderBudgetWorkbook, renderProvinceWorkbook } from './workbook.js';

export { CHART_FLOW, chartFlow, EXPENSE_FLOW, expenseFlow };

export function budgetFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const t = deps.notifier.t;
  const yearOf = async (ctx: BotContext) => Number((await todayFor(db, ctx.actor, deps.now())).slice(0, 4));
  const provinceOf = (ctx: BotContext) => (ctx.actor.officeProvinces.includes(null) ? null : ctx.actor.officeProvinces[0]!);

  async function open(ctx: BotContext) {
    const office = officeMembership(ctx.actor);
    const year = await yearOf(ctx);
    if (office) {
      const b = await schoolBudget(db, office.schoolId, year);
      const keyboard = new InlineKeyboard().text(ctx.t('budget-btn-workbook'), budgetWorkbook.pack({})).text(ctx.t('budget-btn-expense'), expenseStart.pack({}));
      for (const [i, e] of b.pending.slice(0, 12).entries()) {
        if (i % 3 === 0) keyboard.row();
        keyboard.text(ctx.t('budget-btn-receipt-of', { id: formatNumber(ctx.locale, e.id) }), expenseReceipt.pack({ expense: e.id }));
      }
      await ctx.reply(budgetSummary(b, ctx.locale, t), { reply_markup: keyboard });
      await ctx.replyWithPhoto(new InputFile(await renderBudgetChart(b, ctx.locale, t), 'budget.png'));
      return;
    }
    if (ctx.actor.officeProvinces.length > 0) {
      const provinceId = provinceOf(ctx);
      const { province } = await placeNames(db, { provinceId });
      const place = province ? (ctx.locale === 'km' ? province.nameKm : province.nameEn) : ctx.t('budget-nation');
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'budget.province', entity: 'province', entityId: provinceId ?? 'nation' });
      const rows = await provinceRates(db, provinceId, year);
      await ctx.reply(provinceSummary(rows, place, year, ctx.locale, t), { reply_markup: new InlineKeyboard().text(ctx.t('budget-btn-workbook'), budgetProvinceWorkbook.pack({})) });
      return;
    }
    await audit(db, { actor: actorOf(ctx.from!.id), action: 'budget.view', outcome: 'denied', details: { reason: 'forbidden' } });
    await ctx.reply(ctx.t('budget-denied-office'));
  }

  composer.command('budget', open);
  composer.callbackQuery(budgetHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await open(ctx);
  });
  const startExpense = async (ctx: BotContext) => {
    if (!officeMembership(ctx.actor)) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'budget.expense.record', outcome: 'denied', details: { reason: 'forbidden' } });
      await ctx.reply(ctx.t('budget-denied-office'));
      return;
    }
    await ctx.conversation.enter(EXPENSE_FLOW);
  };
  composer.command('expense', startExpense);
  composer.command('budgetlines', async (ctx) => {
    const edits = ctx.match.trim();
    if (edits) return ctx.conversation.enter(CHART_FLOW, edits.slice(0, 3000));
    const year = await yearOf(ctx);
    const r = await chartToEdit(db, ctx.actor, year);
    if (!r.ok) return ctx.reply(ctx.t('budget-denied-office'));
    const tr = (k: string, v?: Record<string, string | number>) => ctx.t(k, v);
    return ctx.reply([ctx.t('budget-lines-title', { year: formatNumber(ctx.locale, year) }), '', ...chartLines(r.lines, ctx.locale, tr), '', ctx.t('budget-lines-usage')].join('\n').slice(0, 4000));
  });
  composer.callbackQuery(expenseStart.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await startExpense(ctx);
  });

  composer.callbackQuery(budgetWorkbook.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const office = officeMembership(ctx.actor);
    if (!office) return void (await ctx.reply(ctx.t('budget-denied-office')));
    const b = await schoolBudget(db, office.schoolId, await yearOf(ctx), { withExpenses: true });
    await audit(db, { actor: actorOf(ctx.from!.id), schoolId: office.schoolId, action: 'budget.export', entity: 'school', entityId: office.schoolId });
    await ctx.replyWithDocument(new InputFile(await renderBudgetWorkbook(b, ctx.locale, t), `budget-${b.school.code}-${b.fiscalYear}.xlsx`), { caption: ctx.t('budget-workbook-caption') });
  });
  composer.callbackQuery(budgetProvinceWorkbook.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (ctx.actor.officeProvinces.length === 0) return void (await ctx.reply(ctx.t('budget-denied-office')));
    const year = await yearOf(ctx);
    const rows = await provinceRates(db, provinceOf(ctx), year);
    await ctx.replyWithDocument(new InputFile(await renderProvinceWorkbook(rows, ctx.locale, t), `budget-schools-${year}.xlsx`), { caption: ctx.t('budget-workbook-caption') });
  });

  /** The message the press came from, with a line added and new buttons (or none). */
  async function annotate(ctx: BotContext, line: string, reply_markup?: InlineKeyboard | ReturnType<typeof approvedKeyboard>) {
    const message = ctx.callbackQuery?.message;
    const before = message?.caption ?? message?.text ?? '';
    const markup = reply_markup ?? { inline_keyboard: [] };
    if (message?.photo) await ctx.editMessageCaption({ caption: `${before}\n\n${line}`.slice(0, 1024), reply_markup: markup }).catch(ignoreNotModified);
    else await ctx.editMessageText(`${before}\n\n${line}`.slice(0, 4000), { reply_markup: markup }).catch(ignoreNotModified);
  }

  async function decide(ctx: BotContext, expenseId: number, decision: 'approved' | 'declined', over: boolean) {
    const r = await decideExpense(db, ctx.actor, expenseId, decision, over, deps.notifier);
    if (!r.ok) {
      if (r.reason === 'over-plan') {
        await ctx.answerCallbackQuery();
        await ctx.reply(ctx.t('budget-warn-over-plan', { id: formatNumber(ctx.locale, expenseId), plan: formatRiel(ctx.locale, r.plan), spent: formatRiel(ctx.locale, r.spent), after: formatRiel(ctx.locale, r.spent + r.expense.amountRiel) }), {
          reply_markup: new InlineKeyboard().text(ctx.t('budget-approve-anyway'), expenseApprove.pack({ expense: expenseId, over: true })).text(ctx.t('budget-decline'), expenseDecline.pack({ expense: expenseId })),
        });
        return;
      }
      const text = r.reason === 'already' ? ctx.t(`budget-already-${r.expense.status}`) : ctx.t(`budget-decide-${r.reason}`);
      await ctx.answerCallbackQuery({ text, show_alert: true });
      return;
    }
    deps.kickOutbox();
    await ctx.answerCallbackQuery({ text: ctx.t(`budget-${decision}`) });
    await annotate(ctx, ctx.t(`budget-decided-${decision}`), decision === 'approved' ? approvedKeyboard(r.expense, ctx.locale, t) : undefined);
  }

  composer.callbackQuery(expenseApprove.pattern, async (ctx) => {
    const b = expenseApprove.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    await decide(ctx, b.expense, 'approved', b.over);
  });
  composer.callbackQuery(expenseDecline.pattern, async (ctx) => {
    const b = expenseDecline.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    await decide(ctx, b.expense, 'declined', false);
  });
  composer.callbackQuery(expenseReceipt.pattern, async (ctx) => {
    const b = expenseReceipt.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    const r = await receiptOf(db, ctx.actor, b.expense);
    if (!r.ok) return ctx.answerCallbackQuery({ text: ctx.t(`budget-decide-${r.reason}`), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.replyWithPhoto(r.fileId, { caption: expenseText(r.expense, ctx.locale, t).slice(0, 1024) });
  });
  composer.callbackQuery(expenseReverse.pattern, async (ctx) => {
    const b = expenseReverse.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    if (!b.sure) {
      await ctx.answerCallbackQuery();
      await ctx.reply(ctx.t('budget-reverse-sure', { id: formatNumber(ctx.locale, b.expense) }), { reply_markup: new InlineKeyboard().text(ctx.t('budget-btn-reverse'), expenseReverse.pack({ expense: b.expense, sure: true })) });
      return;
    }
    const r = await reverseExpense(db, ctx.actor, b.expense, deps.notifier);
    if (!r.ok) return ctx.answerCallbackQuery({ text: ctx.t(`budget-reverse-${r.reason}`), show_alert: true });
    await ctx.answerCallbackQuery({ text: ctx.t('budget-reversed') });
    await ctx.editMessageText(`${ctx.t('budget-reversed')}\n${expenseText(r.reversal, ctx.locale, t)}`.slice(0, 4000)).catch(ignoreNotModified);
  });
  return composer;
}
