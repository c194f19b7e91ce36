/**
 * Competitions in the chat. /competition (office or a teacher): a conversation — the event's
 * name, the subject or sport, the level (buttons), the day (Today or typed), then the results in
 * one message, a line per student (`S0012 1 gold 95`) or per team with its one result and its
 * members (`team Robots 2 silver 88: S0013 S0014`); the families of those placed are told, and
 * the office may then /announce it. /competitions: the year's table by level and sex for the
 * school, or for the province's official.
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { Conversation } from '@grammyjs/conversations';
import type { AppDeps, BotContext, ConvContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { formatNumber } from '../core/i18n/index.js';
import { todayFor } from '../teaching/access.js';
import { parseLeaveDays } from '../teaching/leave-dates.js';
import { placeNames } from '../staffing/records.js';
import { eventCancel, eventLevel, eventToday, LEVEL_WIRE } from './buttons.js';
import type { CompetitionLevel } from './schema.js';
import { entrySchool, parseResultLines, recordEvent, yearlyTable, type ResultLine } from './service.js';
import { yearlyTableText } from './view.js';

export const EVENT_FLOW = 'cp-event';
const WAIT_MS = 30 * 60_000;

export async function eventFlow(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext) {
  const today = await conversation.external((outside) => (entrySchool(outside.actor) === undefined ? null : todayFor(outside.deps.database.db, outside.actor, outside.deps.now())));
  if (!today) {
    await ctx.reply(ctx.t('competitions-denied'));
    return;
  }
  const cancel = () => new InlineKeyboard().text(ctx.t('competitions-cancel'), eventCancel.pack({}));
  async function text(askKey: string, max: number): Promise<string | null> {
    await ctx.reply(ctx.t(askKey), { reply_markup: cancel() });
    for (;;) {
      const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
      if (eventCancel.parse(u.callbackQuery?.data)) return cancelled(u);
      const s = u.message?.text?.trim();
      if (s && !s.startsWith('/') && s.length <= max) return s;
      if (u.message) await u.reply(u.t('competitions-bad-text', { max: formatNumber(u.locale, max) }));
      else await conversation.skip({ next: true });
    }
  }
  const name = await text('competitions-ask-name', 120);
  if (name === null) return;
  const subject = await text('competitions-ask-subject', 60);
  if (subject === null) return;
  const levels = Object.keys(LEVEL_WIRE) as CompetitionLevel[];
  await ctx.reply(ctx.t('competitions-ask-level'), { reply_markup: new InlineKeyboard([...levels.map((l) => [InlineKeyboard.text(ctx.t(`competitions-level-${l}`), eventLevel.pack({ level: l }))]), [InlineKeyboard.text(ctx.t('competitions-cancel'), eventCancel.pack({}))]]) });
  let level: CompetitionLevel | null = null;
  while (!level) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    if (eventCancel.parse(u.callbackQuery?.data)) return void (await cancelled(u));
    const b = eventLevel.parse(u.callbackQuery?.data);
    if (b) {
      await u.answerCallbackQuery();
      level = b.level;
    } else if (u.message) await u.reply(u.t('competitions-ask-level'));
    else await conversation.skip({ next: true });
  }
  await ctx.reply(ctx.t('competitions-ask-day'), { reply_markup: new InlineKeyboard().text(ctx.t('competitions-today'), eventToday.pack({})).text(ctx.t('competitions-cancel'), eventCancel.pack({})) });
  let day: string | null = null;
  while (!day) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    if (eventCancel.parse(u.callbackQuery?.data)) return void (await cancelled(u));
    if (eventToday.parse(u.callbackQuery?.data)) {
      await u.answerCallbackQuery();
      day = today;
    } else if (u.message?.text) {
      const d = parseLeaveDays(u.message.text, today);
      if (d && d.from === d.to && d.from <= today) day = d.from;
      else await u.reply(u.t('competitions-bad-day'));
    } else if (u.message) await u.reply(u.t('competitions-ask-day'));
    else await conversation.skip({ next: true });
  }
  await ctx.reply(ctx.t('competitions-ask-results'), { reply_markup: cancel() });
  for (;;) {
    const u = await conversation.wait({ maxMilliseconds: WAIT_MS });
    if (eventCancel.parse(u.callbackQuery?.data)) return void (await cancelled(u));
    if (!u.message?.text || u.message.text.startsWith('/')) {
      if (u.message) await u.reply(u.t('competitions-ask-results'));
      else await conversation.skip({ next: true });
      continue;
    }
    const parsed = parseResultLines(u.message.text);
    if (!parsed.ok) {
      await u.reply(u.t('competitions-bad-lines', { lines: parsed.bad.filter((n) => n > 0).map((n) => formatNumber(u.locale, n)).join(', ') || '—' }));
      continue;
    }
    const lines: ResultLine[] = parsed.lines;
    const input = { name, subject, level, day, lines };
    const outcome = await conversation.external(async (outside) => {
      const r = await recordEvent(outside.deps.database.db, outside.actor, input, outside.deps.notifier);
      if (!r.ok) return { done: r.reason !== 'unknown-students', text: outside.t(`competitions-refused-${r.reason}`, { codes: (r.codes ?? []).join(', ') }) };
      outside.deps.kickOutbox();
      return { done: true, text: outside.t('competitions-saved', { results: formatNumber(outside.locale, r.results), told: formatNumber(outside.locale, r.told) }) };
    });
    await u.reply(outcome.text);
    if (outcome.done) return;
  }
}

async function cancelled(u: ConvContext): Promise<null> {
  if (u.callbackQuery) await u.answerCallbackQuery();
  await u.reply(u.t('competitions-cancelled'));
  return null;
}

export function competitionsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  composer.command('competition', async (ctx) => {
    if (entrySchool(ctx.actor) === undefined) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'competitions.record', outcome: 'denied', details: { reason: 'forbidden' } });
      await ctx.reply(ctx.t('competitions-denied'));
      return;
    }
    await ctx.conversation.enter(EVENT_FLOW);
  });
  composer.command('competitions', async (ctx) => {
    const year = Number((await todayFor(db, ctx.actor, deps.now())).slice(0, 4));
    const office = officeMembership(ctx.actor);
    if (office) {
      const { school } = await placeNames(db, { schoolId: office.schoolId });
      await ctx.reply(yearlyTableText(await yearlyTable(db, { schoolId: office.schoolId }, year), ctx.locale === 'km' ? school!.nameKm : school!.nameEn, year, ctx.locale, deps.notifier.t));
      return;
    }
    if (ctx.actor.officeProvinces.length > 0) {
      const provinceId = ctx.actor.officeProvinces.includes(null) ? null : ctx.actor.officeProvinces[0]!;
      const { province } = await placeNames(db, { provinceId });
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'competitions.province', entity: 'province', entityId: provinceId ?? 'nation' });
      await ctx.reply(yearlyTableText(await yearlyTable(db, { provinceId }, year), province ? (ctx.locale === 'km' ? province.nameKm : province.nameEn) : ctx.t('competitions-nation'), year, ctx.locale, deps.notifier.t));
      return;
    }
    await ctx.reply(ctx.t('competitions-denied'));
  });
  return composer;
}
