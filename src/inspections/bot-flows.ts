/**
 * The inspection in the chat. /inspect [SCHOOL CODE] is a conversation: whole school or one class
 * room (buttons), then ONE message with the checklist's items as buttons — a tap marks an item as
 * failing (❌) or passing again (✅), the message is edited in place — and Done; then a photo of
 * each failing item; then the score. Closing a task (its button on the office's message) asks
 * for a photo of the fix.
 */
import { InlineKeyboard } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { BotContext, ConvContext } from '../core/telegram/context.js';
import { displayName, formatNumber } from '../core/i18n/index.js';
import { inspectCancel, inspectDone, inspectItem, inspectRoom, inspectWhole } from './buttons.js';
import type { ChecklistItem } from './schema.js';
import { closeTask, inspectionSetup, mayCloseTask, saveInspection } from './service.js';

export const INSPECT_FLOW = 'in-inspect';
export const CLOSE_FLOW = 'in-close';
const WAIT_MS = 60 * 60_000;

function itemsKeyboard(items: ChecklistItem[], failing: Set<string>, t: (k: string, v?: Record<string, string | number>) => string, locale: 'km' | 'en') {
  const kb = new InlineKeyboard();
  for (const [i, item] of items.entries()) {
    kb.text(`${failing.has(item.code) ? '❌' : '✅'} ${displayName(locale, { nameKm: item.labelKm, nameEn: item.labelEn })} (${formatNumber(locale, item.points)})`, inspectItem.pack({ item: i })).row();
  }
  return kb.text(t('inspections-done'), inspectDone.pack({})).text(t('inspections-cancel'), inspectCancel.pack({}));
}

export async function inspectFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, schoolCode = '') {
  const r = await conversation.external(async (outside) => inspectionSetup(outside.deps.database.db, outside.actor, schoolCode, outside.deps.now()));
  if (!r.ok) {
    await ctx.reply(ctx.t(`inspections-refused-${r.reason}`));
    return;
  }
  const { setup } = r;
  const school = displayName(ctx.locale, { nameKm: setup.schoolKm, nameEn: setup.schoolEn });
  const scope = new InlineKeyboard().text(ctx.t('inspections-whole-school'), inspectWhole.pack({})).row();
  for (const [i, c] of setup.classes.slice(0, 40).entries()) {
    scope.text(c.name, inspectRoom.pack({ cls: c.id }));
    if (i % 4 === 3) scope.row();
  }
  await ctx.reply(ctx.t('inspections-ask-scope', { school }), { reply_markup: scope.row().text(ctx.t('inspections-cancel'), inspectCancel.pack({})) });
  let classId: number | null | undefined;
  while (classId === undefined) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (inspectCancel.parse(data)) return cancelled(u);
    const room = inspectRoom.parse(data);
    if (inspectWhole.parse(data)) classId = null;
    else if (room && setup.classes.some((c) => c.id === room.cls)) classId = room.cls;
    else if (data) {
      await u.answerCallbackQuery({ text: u.t('core-menu-outdated'), show_alert: true });
      continue;
    } else if (u.message) {
      await u.reply(u.t('inspections-pick-scope'));
      continue;
    } else {
      await conversation.skip({ next: true });
    }
    if (classId !== undefined) await u.answerCallbackQuery();
  }
  const where = classId === null ? ctx.t('inspections-whole-school') : ctx.t('inspections-room', { name: setup.classes.find((c) => c.id === classId)!.name });
  const failing = new Set<string>();
  const t = (k: string, v?: Record<string, string | number>) => ctx.t(k, v);
  await ctx.reply(ctx.t('inspections-ask-items', { school, where }), { reply_markup: itemsKeyboard(setup.checklist, failing, t, ctx.locale) });
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    const data = u.callbackQuery?.data;
    if (inspectCancel.parse(data)) return cancelled(u);
    if (inspectDone.parse(data)) {
      await u.answerCallbackQuery();
      break;
    }
    const item = inspectItem.parse(data);
    const picked = item ? setup.checklist[item.item] : undefined;
    if (picked) {
      if (failing.has(picked.code)) failing.delete(picked.code);
      else failing.add(picked.code);
      await u.answerCallbackQuery();
      await u.editMessageReplyMarkup({ reply_markup: itemsKeyboard(setup.checklist, failing, t, ctx.locale) }).catch(() => undefined);
    } else if (data) await u.answerCallbackQuery({ text: u.t('core-menu-outdated'), show_alert: true });
    else if (u.message) await u.reply(u.t('inspections-press-items'));
    else await conversation.skip({ next: true });
  }
  const photos: Record<string, string> = {};
  for (const item of setup.checklist.filter((i) => failing.has(i.code))) {
    await ctx.reply(ctx.t('inspections-ask-photo', { item: displayName(ctx.locale, { nameKm: item.labelKm, nameEn: item.labelEn }) }), { reply_markup: new InlineKeyboard().text(ctx.t('inspections-cancel'), inspectCancel.pack({})) });
    while (!photos[item.code]) {
      const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
      if (inspectCancel.parse(u.callbackQuery?.data)) return cancelled(u);
      if (u.message?.photo?.length) photos[item.code] = u.message.photo.at(-1)!.file_id;
      else if (u.message) await u.reply(u.t('inspections-need-photo'));
      else await conversation.skip({ next: true });
    }
  }
  const results = Object.fromEntries(setup.checklist.map((i) => [i.code, !failing.has(i.code)]));
  const reply = await conversation.external(async (outside) => {
    const saved = await saveInspection(outside.deps.database.db, outside.actor, { schoolCode, classId: classId ?? null, results, photos }, outside.deps.notifier, outside.deps.now());
    if (!saved.ok) return outside.t(`inspections-refused-${saved.reason}`);
    outside.deps.kickOutbox();
    return outside.t('inspections-saved', { score: formatNumber(outside.locale, saved.score), max: formatNumber(outside.locale, saved.maxScore), tasks: formatNumber(outside.locale, saved.tasks) });
  });
  await ctx.reply(reply);
}

export async function closeFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext, taskId: number) {
  const may = await conversation.external(async (outside) => {
    const r = await mayCloseTask(outside.deps.database.db, outside.actor, taskId);
    return r.ok ? { ok: true as const, label: displayName(outside.locale, { nameKm: r.task.labelKm, nameEn: r.task.labelEn }) } : r;
  });
  if (!may.ok) {
    await ctx.reply(ctx.t(`inspections-close-${may.reason}`));
    return;
  }
  await ctx.reply(ctx.t('inspections-ask-fix-photo', { id: formatNumber(ctx.locale, taskId), item: may.label }), { reply_markup: new InlineKeyboard().text(ctx.t('inspections-cancel'), inspectCancel.pack({})) });
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    if (inspectCancel.parse(u.callbackQuery?.data)) return cancelled(u);
    const photo = u.message?.photo?.at(-1)?.file_id;
    if (!photo) {
      if (u.message) await u.reply(u.t('inspections-need-photo'));
      else await conversation.skip({ next: true });
      continue;
    }
    const text = await conversation.external(async (outside) => {
      const r = await closeTask(outside.deps.database.db, outside.actor, taskId, photo);
      return r.ok ? outside.t('inspections-closed', { id: formatNumber(outside.locale, taskId) }) : outside.t(`inspections-close-${r.reason}`);
    });
    await u.reply(text);
    return;
  }
}

async function cancelled(u: ConvContext) {
  if (u.callbackQuery) await u.answerCallbackQuery();
  await u.reply(u.t('inspections-cancelled'));
}
