/**
 * Leave and cover in the chat. /leave (staff) is a conversation: the days (Today / Tomorrow, or
 * typed: "24/11", "24/11 26/11"), the reason, a photo of the document (skippable unless it is
 * needed), then send. The principal's copy has Approve / Decline; an approval sends the office the
 * lessons to cover, each a button → the free teachers (fewest covers this month first) → the
 * chosen one is told. /cover lists the leave still needing cover.
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { AppDeps, BotContext, ConvContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import { addDays } from '../core/clock.js';
import { displayName, formatNumber } from '../core/i18n/index.js';
import type { LeaveReason } from '../staffing/schema.js';
import { coverView, todayFor } from './access.js';
import {
  coverAssign,
  coverList,
  coverNeed,
  LEAVE_REASON_WIRE,
  leaveApprove,
  leaveCancel,
  leaveDecline,
  leaveHome,
  leaveReasonButton,
  leaveSend,
  leaveSkipPhoto,
  leaveToday,
  leaveTomorrow,
} from './buttons.js';
import { assignCover, openCovers } from './cover.js';
import { leaveDays, renderCoverList } from './cover-view.js';
import { parseLeaveDays } from './leave-dates.js';
import { decideLeaveRequest, documentNeeded, requestLeave } from './leave-flow.js';
import type { View } from './lessons-view.js';

export const LEAVE_FLOW = 'lv-request';
const WAIT_MS = 30 * 60_000;

export async function leaveFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext) {
  const today = await conversation.external((outside) => todayFor(outside.deps.database.db, outside.actor, outside.deps.now()));
  const cancel = () => InlineKeyboard.text(ctx.t('teaching-cancel'), leaveCancel.pack({}));
  await ctx.reply(ctx.t('teaching-leave-ask-days'), {
    reply_markup: new InlineKeyboard().text(ctx.t('teaching-leave-today'), leaveToday.pack({})).text(ctx.t('teaching-leave-tomorrow'), leaveTomorrow.pack({})).row().add(cancel()),
  });
  let days: { from: string; to: string } | null = null;
  while (!days) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (data === leaveCancel.pack({})) return cancelled(u);
    if (data === leaveToday.pack({}) || data === leaveTomorrow.pack({})) {
      await u.answerCallbackQuery();
      const d = data === leaveToday.pack({}) ? today : addDays(today, 1);
      days = { from: d, to: d };
    } else if (u.message?.text) {
      days = parseLeaveDays(u.message.text, today);
      if (!days) await u.reply(u.t('teaching-leave-bad-days'));
    } else await conversation.skip({ next: true });
  }
  const reasons = Object.keys(LEAVE_REASON_WIRE) as LeaveReason[];
  await ctx.reply(ctx.t('teaching-leave-ask-reason', { days: leaveDays(ctx.locale, (l, k, v) => ctx.t(k, v), { fromDay: days.from, toDay: days.to }) }), {
    reply_markup: new InlineKeyboard([...reasons.map((r) => [InlineKeyboard.text(ctx.t(`teaching-leave-reason-${r}`), leaveReasonButton.pack({ reason: r }))]), [cancel()]]),
  });
  let reason: LeaveReason | null = null;
  while (!reason) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (data === leaveCancel.pack({})) return cancelled(u);
    const picked = leaveReasonButton.parse(data);
    if (picked) {
      await u.answerCallbackQuery();
      reason = picked.reason;
    } else if (u.message) await u.reply(u.t('teaching-leave-pick-reason'));
    else await conversation.skip({ next: true });
  }
  const needed = documentNeeded(reason, days.from, days.to);
  const photoKeyboard = new InlineKeyboard();
  if (!needed) photoKeyboard.text(ctx.t('teaching-leave-skip-photo'), leaveSkipPhoto.pack({}));
  photoKeyboard.add(cancel());
  await ctx.reply(ctx.t(needed ? 'teaching-leave-ask-photo-needed' : 'teaching-leave-ask-photo'), { reply_markup: photoKeyboard });
  let documentFileId: string | null | undefined;
  while (documentFileId === undefined) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (data === leaveCancel.pack({})) return cancelled(u);
    if (data === leaveSkipPhoto.pack({}) && !needed) {
      await u.answerCallbackQuery();
      documentFileId = null;
    } else if (u.message?.photo?.length) documentFileId = u.message.photo.at(-1)!.file_id;
    else if (u.message) await u.reply(u.t(needed ? 'teaching-leave-ask-photo-needed' : 'teaching-leave-ask-photo'));
    else await conversation.skip({ next: true });
  }
  await ctx.reply(
    ctx.t('teaching-leave-check', { days: leaveDays(ctx.locale, (l, k, v) => ctx.t(k, v), { fromDay: days.from, toDay: days.to }), reason: ctx.t(`teaching-leave-reason-${reason}`), document: ctx.t(documentFileId ? 'teaching-yes' : 'teaching-no') }),
    { reply_markup: new InlineKeyboard().text(ctx.t('teaching-leave-send'), leaveSend.pack({})).add(cancel()) },
  );
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (data === leaveCancel.pack({})) return cancelled(u);
    if (data !== leaveSend.pack({})) {
      if (u.message) await u.reply(u.t('teaching-leave-press-send'));
      else await conversation.skip({ next: true });
      continue;
    }
    await u.answerCallbackQuery();
    const chosen = { fromDay: days.from, toDay: days.to, reason, documentFileId };
    const text = await conversation.external(async (outside) => {
      const r = await requestLeave(outside.deps.database.db, outside.actor, { ...chosen, today }, outside.deps.notifier);
      if (!r.ok) return outside.t(`teaching-leave-refused-${r.reason}`);
      outside.deps.kickOutbox();
      return outside.t(r.principals > 0 ? 'teaching-leave-sent' : 'teaching-leave-sent-nobody');
    });
    await u.reply(text);
    return;
  }
}

async function cancelled(u: ConvContext) {
  if (u.callbackQuery) await u.answerCallbackQuery();
  await u.reply(u.t('teaching-leave-cancelled'));
}

export function leaveFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const t = deps.notifier.t;
  const edit = (ctx: BotContext, view: View) => ctx.editMessageText(view.text, { reply_markup: view.reply_markup }).catch(ignoreNotModified);

  const start = async (ctx: BotContext) => {
    if (ctx.actor.staff.length === 0) {
      await ctx.reply(ctx.t('teaching-denied-not-linked'));
      return;
    }
    await ctx.conversation.enter(LEAVE_FLOW);
  };
  composer.command('leave', start);
  composer.callbackQuery(leaveHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await start(ctx);
  });

  async function decide(ctx: BotContext, leaveId: number, decision: 'approved' | 'declined') {
    const today = await todayFor(db, ctx.actor, deps.now());
    const r = await decideLeaveRequest(db, ctx.actor, leaveId, decision, deps.notifier, today);
    if (!r.ok) {
      const text = r.reason === 'already' ? ctx.t(`teaching-leave-already-${r.leave.status}`) : ctx.t(`teaching-leave-decide-${r.reason}`);
      await ctx.answerCallbackQuery({ text, show_alert: true });
      return;
    }
    deps.kickOutbox();
    await ctx.answerCallbackQuery({ text: ctx.t(`teaching-leave-${decision}`) });
    const line = ctx.t(`teaching-leave-decided-${decision}`, { name: displayName(ctx.locale, r.leave), days: leaveDays(ctx.locale, t, r.leave), needs: formatNumber(ctx.locale, r.needs) });
    const message = ctx.callbackQuery?.message;
    const before = message?.caption ?? message?.text ?? '';
    if (message?.photo) await ctx.editMessageCaption({ caption: `${before}\n\n${line}`.slice(0, 1024) }).catch(ignoreNotModified);
    else await ctx.editMessageText(`${before}\n\n${line}`.slice(0, 4000)).catch(ignoreNotModified);
  }

  composer.callbackQuery(leaveApprove.pattern, async (ctx) => {
    const b = leaveApprove.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    await decide(ctx, b.leave, 'approved');
  });
  composer.callbackQuery(leaveDecline.pattern, async (ctx) => {
    const b = leaveDecline.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    await decide(ctx, b.leave, 'declined');
  });

  composer.command('cover', async (ctx) => {
    const office = officeMembership(ctx.actor);
    if (!office) {
      await ctx.reply(ctx.t('teaching-denied-office'));
      return;
    }
    const today = await todayFor(db, ctx.actor, deps.now());
    const open = await openCovers(db, office.schoolId, today);
    if (open.length === 0) {
      await ctx.reply(ctx.t('teaching-cover-nothing'));
      return;
    }
    for (const o of open) {
      const view = renderCoverList(o.leave, o.needs, ctx.locale, t);
      await ctx.reply(view.text, { reply_markup: view.reply_markup });
    }
  });

  composer.callbackQuery(coverList.pattern, async (ctx) => {
    const b = coverList.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    const today = await todayFor(db, ctx.actor, deps.now());
    const r = await coverView(db, ctx.actor, { leaveId: b.leave }, today, ctx.locale, t);
    if (!r.ok) return ctx.answerCallbackQuery({ text: ctx.t(`teaching-cover-refused-${r.reason}`), show_alert: true });
    await ctx.answerCallbackQuery();
    await edit(ctx, r.view);
  });

  composer.callbackQuery(coverNeed.pattern, async (ctx) => {
    const b = coverNeed.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    const today = await todayFor(db, ctx.actor, deps.now());
    const r = await coverView(db, ctx.actor, { leaveId: b.leave, need: { day: b.day, classId: b.cls, period: b.period } }, today, ctx.locale, t);
    if (!r.ok) return ctx.answerCallbackQuery({ text: ctx.t(`teaching-cover-refused-${r.reason}`), show_alert: true });
    await ctx.answerCallbackQuery();
    await edit(ctx, r.view);
  });

  composer.callbackQuery(coverAssign.pattern, async (ctx) => {
    const b = coverAssign.parse(ctx.callbackQuery.data);
    if (!b) return ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
    const r = await assignCover(db, ctx.actor, { leaveId: b.leave, day: b.day, classId: b.cls, period: b.period, staffId: b.staff }, deps.notifier);
    if (!r.ok) return ctx.answerCallbackQuery({ text: ctx.t(`teaching-cover-refused-${r.reason}`), show_alert: true });
    deps.kickOutbox();
    await ctx.answerCallbackQuery({ text: ctx.t(r.attendance === 'substitute' ? 'teaching-cover-done-attendance' : 'teaching-cover-done', { name: displayName(ctx.locale, r.cover), class: r.className }) });
    const today = await todayFor(db, ctx.actor, deps.now());
    const list = await coverView(db, ctx.actor, { leaveId: b.leave }, today, ctx.locale, t);
    if (list.ok) await edit(ctx, list.view);
  });
  return composer;
}
