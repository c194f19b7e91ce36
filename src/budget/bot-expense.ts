/**
 * /expense (the office): a conversation — the amount (riel, or dollars and then the rate), the
 * line and the source (buttons), the day (Today, or typed), the supplier, what it was for, and
 * a photo of the receipt (a photo, or a picture sent as a file; anything else is refused) — then
 * Save. The principal gets the receipt with Approve / Decline.
 */
import { InlineKeyboard } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { BotContext, ConvContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { displayName } from '../core/i18n/index.js';
import { todayFor } from '../teaching/access.js';
import { parseLeaveDays } from '../teaching/leave-dates.js';
import { expenseCancel, expenseLine, expenseSave, expenseSource, expenseToday, SOURCE_WIRE } from './buttons.js';
import { linesOf } from './lines.js';
import { formatAmount, formatRiel, parseAmount, parseRate, rielOf } from './money.js';
import type { BudgetSource } from './schema.js';
import { MAX_TEXT, recordExpense } from './service.js';

export const EXPENSE_FLOW = 'bg-expense';
const WAIT_MS = 30 * 60_000;

type Step<T> = { value: T } | { cancelled: true };

export async function expenseFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext) {
  const setup = await conversation.external(async (outside) => {
    const office = officeMembership(outside.actor);
    if (!office) return null;
    const lines = await linesOf(outside.deps.database.db, office.schoolId, { activeOnly: true });
    return { today: await todayFor(outside.deps.database.db, outside.actor, outside.deps.now()), lines: lines.map((l) => ({ id: l.id, nameKm: l.nameKm, nameEn: l.nameEn })) };
  });
  if (!setup) {
    await ctx.reply(ctx.t('budget-denied-office'));
    return;
  }
  const cancelButton = () => InlineKeyboard.text(ctx.t('budget-cancel'), expenseCancel.pack({}));
  const cancelOnly = () => new InlineKeyboard().add(cancelButton());

  /** Waits for a typed answer; `parse` returns the value or the key of the message to re-ask with. */
  async function typed<T>(parse: (text: string) => { ok: true; value: T } | { ok: false; key: string }, askKey: string): Promise<Step<T>> {
    for (;;) {
      const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
      if (expenseCancel.parse(u.callbackQuery?.data)) return cancelled(u);
      if (u.message?.text && !u.message.text.startsWith('/')) {
        const r = parse(u.message.text);
        if (r.ok) return { value: r.value };
        await u.reply(u.t(r.key), { reply_markup: cancelOnly() });
      } else if (u.message) await u.reply(u.t(askKey), { reply_markup: cancelOnly() });
      else await conversation.skip({ next: true });
    }
  }

  await ctx.reply(ctx.t('budget-ask-amount'), { reply_markup: cancelOnly() });
  const amount = await typed((text) => {
    const r = parseAmount(text);
    return r.ok ? { ok: true, value: { currency: r.currency, amount: r.amount } } : { ok: false, key: `budget-amount-${r.reason}` };
  }, 'budget-ask-amount');
  if ('cancelled' in amount) return;
  let rateRiel: number | null = null;
  if (amount.value.currency === 'USD') {
    await ctx.reply(ctx.t('budget-ask-rate', { amount: formatAmount(ctx.locale, 'USD', amount.value.amount) }), { reply_markup: cancelOnly() });
    const rate = await typed((text) => {
      const r = parseRate(text);
      return r ? { ok: true, value: r } : { ok: false, key: 'budget-bad-rate' };
    }, 'budget-ask-rate-again');
    if ('cancelled' in rate) return;
    rateRiel = rate.value;
  }

  await ctx.reply(ctx.t('budget-ask-line'), {
    reply_markup: new InlineKeyboard([...setup.lines.map((l) => [InlineKeyboard.text(displayName(ctx.locale, l), expenseLine.pack({ line: l.id }))]), [cancelButton()]]),
  });
  const line = await picked((data) => {
    const b = expenseLine.parse(data);
    return b && setup.lines.some((l) => l.id === b.line) ? b.line : null;
  }, 'budget-pick-line');
  if ('cancelled' in line) return;

  const sources = Object.keys(SOURCE_WIRE) as BudgetSource[];
  await ctx.reply(ctx.t('budget-ask-source'), { reply_markup: new InlineKeyboard([...sources.map((s) => [InlineKeyboard.text(ctx.t(`budget-source-${s}`), expenseSource.pack({ source: s }))]), [cancelButton()]]) });
  const source = await picked((data) => expenseSource.parse(data)?.source ?? null, 'budget-pick-source');
  if ('cancelled' in source) return;

  await ctx.reply(ctx.t('budget-ask-day'), { reply_markup: new InlineKeyboard().text(ctx.t('budget-today'), expenseToday.pack({})).add(cancelButton()) });
  let spentOn: string | null = null;
  while (!spentOn) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (expenseCancel.parse(data)) return void (await cancelled(u));
    if (expenseToday.parse(data)) {
      await u.answerCallbackQuery();
      spentOn = setup.today;
    } else if (u.message?.text) {
      const d = parseLeaveDays(u.message.text, setup.today);
      if (d && d.from === d.to && d.from <= setup.today) spentOn = d.from;
      else await u.reply(u.t('budget-bad-day'));
    } else if (u.message) await u.reply(u.t('budget-ask-day'));
    else await conversation.skip({ next: true });
  }

  const text = (raw: string) => {
    const s = raw.trim();
    return s.length > 0 && s.length <= MAX_TEXT ? { ok: true as const, value: s } : { ok: false as const, key: 'budget-bad-text' };
  };
  await ctx.reply(ctx.t('budget-ask-supplier'), { reply_markup: cancelOnly() });
  const supplier = await typed(text, 'budget-ask-supplier');
  if ('cancelled' in supplier) return;
  await ctx.reply(ctx.t('budget-ask-purpose'), { reply_markup: cancelOnly() });
  const purpose = await typed(text, 'budget-ask-purpose');
  if ('cancelled' in purpose) return;

  await ctx.reply(ctx.t('budget-ask-receipt'), { reply_markup: cancelOnly() });
  let receiptFileId: string | null = null;
  while (!receiptFileId) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    if (expenseCancel.parse(u.callbackQuery?.data)) return void (await cancelled(u));
    const doc = u.message?.document;
    if (u.message?.photo?.length) receiptFileId = u.message.photo.at(-1)!.file_id;
    else if (doc && /^image\/(jpeg|png|webp|heic)$/.test(doc.mime_type ?? '')) receiptFileId = doc.file_id;
    else if (doc) {
      await conversation.external((outside) =>
        audit(outside.deps.database.db, { actor: actorOf(outside.from!.id), schoolId: officeMembership(outside.actor)?.schoolId ?? null, action: 'budget.expense.receipt', outcome: 'denied', details: { reason: 'not-a-picture' } }),
      );
      await u.reply(u.t('budget-receipt-not-picture'));
    } else if (u.message) await u.reply(u.t('budget-ask-receipt'));
    else await conversation.skip({ next: true });
  }

  const lineName = displayName(ctx.locale, setup.lines.find((l) => l.id === line.value)!);
  const riel = rielOf(amount.value.currency, amount.value.amount, rateRiel);
  await ctx.reply(
    ctx.t('budget-check', {
      amount: formatAmount(ctx.locale, amount.value.currency, amount.value.amount),
      riel: amount.value.currency === 'USD' ? ` (${formatRiel(ctx.locale, riel)})` : '',
      line: lineName,
      source: ctx.t(`budget-source-${source.value}`),
      supplier: supplier.value,
      purpose: purpose.value,
    }),
    { reply_markup: new InlineKeyboard().text(ctx.t('budget-save'), expenseSave.pack({})).add(cancelButton()) },
  );
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (expenseCancel.parse(data)) return void (await cancelled(u));
    if (!expenseSave.parse(data)) {
      if (u.message) await u.reply(u.t('budget-press-save'));
      else await conversation.skip({ next: true });
      continue;
    }
    await u.answerCallbackQuery();
    const input = { ...amount.value, rateRiel, lineId: line.value, source: source.value, spentOn, supplier: supplier.value, purpose: purpose.value, receiptFileId };
    const reply = await conversation.external(async (outside) => {
      const r = await recordExpense(outside.deps.database.db, outside.actor, input, outside.deps.notifier);
      if (!r.ok) return outside.t(`budget-refused-${r.reason}`);
      outside.deps.kickOutbox();
      return outside.t(r.principals > 0 ? 'budget-saved' : 'budget-saved-nobody', { id: String(r.expenseId) });
    });
    await u.reply(reply);
    return;
  }

  async function picked<T>(parse: (data: string | undefined) => T | null, againKey: string): Promise<Step<T>> {
    for (;;) {
      const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
      const data = u.callbackQuery?.data;
      if (expenseCancel.parse(data)) return cancelled(u);
      const v = parse(data);
      if (v !== null) {
        await u.answerCallbackQuery();
        return { value: v };
      }
      if (data) await u.answerCallbackQuery({ text: u.t('core-menu-outdated'), show_alert: true });
      else if (u.message) await u.reply(u.t(againKey));
      else await conversation.skip({ next: true });
    }
  }
}

async function cancelled(u: ConvContext): Promise<{ cancelled: true }> {
  if (u.callbackQuery) await u.answerCallbackQuery();
  await u.reply(u.t('budget-cancelled'));
  return { cancelled: true };
}
