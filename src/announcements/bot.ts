/**
 * Announcements in the chat: /announce opens the conversation (bot-flow.ts); the preview's
 * buttons (send, urgent, discard) and the sent message's Cancel are handled here, outside the
 * conversation, and checked against the author.
 *
 * In a class's Telegram group a teacher of the class sends `/linkgroup@bot 7A`; the class's
 * announcements can then go to the group as one message. Removing the bot unlinks the group;
 * a group that becomes a supergroup keeps its link.
 */
import { Composer, type Context } from 'grammy';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { formatNumber } from '../core/i18n/index.js';
import { safeError } from '../core/logger.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import type { Button } from '../core/buttons.js';
import { announceHome, cancelButton, discardButton, paidSendButton, sendButton, urgentButton } from './buttons.js';
import { cancelAnnouncement, confirmAnnouncement, discardDraft, setUrgent } from './service.js';
import { forgetGroup, linkGroup, migrateGroup, unlinkGroup } from './service-groups.js';
import { renderPreview, renderSent } from './bot-preview.js';
import { FLOW } from './bot-flow.js';

const GROUP_COMMAND = /^\/(?:un)?linkgroup(?:@([A-Za-z0-9_]+))?(?:\s|$)/;

/**
 * In groups the bot hears only these: its link commands (addressed to it), its own membership
 * changes, and a group's move to a supergroup.
 */
export function acceptsGroupUpdate(ctx: Context): boolean {
  if (ctx.myChatMember) return true;
  const message = ctx.message;
  if (!message) return false;
  if (message.migrate_to_chat_id !== undefined || message.migrate_from_chat_id !== undefined) return true;
  const m = GROUP_COMMAND.exec(message.text ?? '');
  return m !== null && (m[1] === undefined || m[1].toLowerCase() === ctx.me.username.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// The feature

export function announcementsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;

  const start = async (ctx: BotContext) => {
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(FLOW);
  };
  composer.callbackQuery(announceHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await start(ctx);
  });

  const privateChat = composer.chatType('private');
  privateChat.command('announce', start);
  privateChat.command(['linkgroup', 'unlinkgroup'], (ctx) => ctx.reply(ctx.t('announcements-group-only-in-group', { bot: ctx.me.username })));

  const answer = async (ctx: BotContext, key: string, vars?: Record<string, string | number>) =>
    ctx.answerCallbackQuery({ text: ctx.t(key, vars), show_alert: true });

  const refusal = (reason: string) =>
    reason === 'forbidden' || reason === 'not-found' ? 'announcements-not-yours' : reason === 'not-draft' ? 'announcements-not-draft' : `announcements-refused-${reason}`;

  /** A preview button's handler, with its parsed values; forged or stale data goes on to the fallback. */
  const onButton = <V,>(button: Pick<Button<any>, 'pattern'> & { parse(data: string | undefined): V | null }, handler: (ctx: BotContext, values: V) => Promise<unknown>) =>
    privateChat.callbackQuery(button.pattern, async (ctx, next) => {
      const values = button.parse(ctx.callbackQuery.data);
      if (!values) return next();
      await handler(ctx, values);
    });

  // --- preview buttons ---------------------------------------------------------------------------
  onButton(sendButton, async (ctx, { id }) => {
    const r = await confirmAnnouncement(db, ctx.actor, id, deps.notifier, deps.now());
    if (!r.ok) return answer(ctx, refusal(r.reason));
    deps.kickOutbox();
    await ctx.answerCallbackQuery({ text: ctx.t('announcements-sent-short') });
    const { text, keyboard } = renderSent(ctx.t.bind(ctx), ctx.locale, id, r);
    await ctx.editMessageText(text, { reply_markup: keyboard }).catch(ignoreNotModified);
  });

  onButton(paidSendButton, async (ctx, { id }) => {
    const r = await confirmAnnouncement(db, ctx.actor, id, deps.notifier, deps.now(), { starsPerDay: deps.paidBroadcastStarsPerDay ?? 0 });
    if (!r.ok) {
      if (r.reason === 'paid-budget') {
        return answer(ctx, 'announcements-refused-paid-budget', { cost: formatNumber(ctx.locale, r.costStars), left: formatNumber(ctx.locale, r.leftStars) });
      }
      return answer(ctx, refusal(r.reason));
    }
    deps.kickOutbox();
    await ctx.answerCallbackQuery({ text: ctx.t('announcements-sent-short') });
    const { text, keyboard } = renderSent(ctx.t.bind(ctx), ctx.locale, id, r);
    await ctx.editMessageText(`${text}\n${ctx.t('announcements-paid-note')}`, { reply_markup: keyboard }).catch(ignoreNotModified);
  });

  onButton(urgentButton, async (ctx, { id, urgent }) => {
    const r = await setUrgent(db, ctx.actor, id, urgent, deps.now());
    if (!r.ok) return answer(ctx, refusal(r.reason));
    await ctx.answerCallbackQuery();
    const { text, keyboard } = renderPreview(ctx.t.bind(ctx), ctx.locale, r.value, { paidBroadcast: (deps.paidBroadcastStarsPerDay ?? 0) > 0 });
    await ctx.editMessageText(text, { reply_markup: keyboard }).catch(ignoreNotModified);
  });

  onButton(discardButton, async (ctx, { id }) => {
    const r = await discardDraft(db, ctx.actor, id);
    if (!r.ok) return answer(ctx, refusal(r.reason));
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('announcements-discarded')).catch(ignoreNotModified);
  });

  onButton(cancelButton, async (ctx, { id }) => {
    const r = await cancelAnnouncement(db, ctx.actor, id);
    if (!r.ok) return answer(ctx, r.reason === 'finished' ? 'announcements-cancel-too-late' : refusal(r.reason));
    await ctx.answerCallbackQuery();
    const n = (x: number) => formatNumber(ctx.locale, x);
    await ctx
      .editMessageText(r.gone > 0 ? ctx.t('announcements-cancelled-partly', { cancelled: n(r.cancelled), gone: n(r.gone) }) : ctx.t('announcements-cancelled', { count: n(r.cancelled) }))
      .catch(ignoreNotModified);
  });

  // --- class groups ------------------------------------------------------------------------------
  const groups = composer.chatType(['group', 'supergroup']);

  groups.command('linkgroup', async (ctx) => {
    // An anonymous admin writes as the group itself: we cannot tell which teacher it is.
    if (ctx.message.sender_chat || ctx.from.is_bot) {
      await ctx.reply(ctx.t('announcements-group-as-yourself'));
      return;
    }
    // The bot must be able to post here, or linking would only make messages fail later.
    const me = await ctx.getChatMember(ctx.me.id).catch(() => null);
    const canPost = me !== null && (me.status === 'administrator' || me.status === 'member' || (me.status === 'restricted' && me.can_send_messages));
    if (!canPost) {
      await audit(db, { actor: actorOf(ctx.from.id), action: 'announce.group.link', entity: 'chat', entityId: ctx.chat.id, outcome: 'denied', details: { reason: 'bot-cannot-post' } });
      return;
    }
    const r = await linkGroup(db, ctx.actor, { chatId: ctx.chat.id, title: ctx.chat.title ?? null, className: ctx.match });
    if (r.ok) await ctx.reply(ctx.t('announcements-group-linked', { class: r.className }));
    else await ctx.reply(ctx.t(`announcements-group-${r.reason}`, { class: r.className ?? ctx.match.trim().toUpperCase(), bot: ctx.me.username }));
  });

  groups.command('unlinkgroup', async (ctx) => {
    if (ctx.message.sender_chat || ctx.from.is_bot) {
      await ctx.reply(ctx.t('announcements-group-as-yourself'));
      return;
    }
    const r = await unlinkGroup(db, ctx.actor, ctx.chat.id);
    await ctx.reply(r.ok ? ctx.t('announcements-group-unlinked', { class: r.className }) : ctx.t(`announcements-group-unlink-${r.reason}`));
  });

  groups.on('message:migrate_to_chat_id', async (ctx) => {
    await migrateGroup(db, ctx.chat.id, ctx.message.migrate_to_chat_id);
  });
  groups.on('message:migrate_from_chat_id', async (ctx) => {
    await migrateGroup(db, ctx.message.migrate_from_chat_id, ctx.chat.id);
  });

  groups.on('my_chat_member', async (ctx) => {
    const now = ctx.myChatMember.new_chat_member.status;
    const before = ctx.myChatMember.old_chat_member.status;
    if (now === 'left' || now === 'kicked') {
      await forgetGroup(db, ctx.chat.id, ctx.from ? actorOf(ctx.from.id) : 'system');
      return;
    }
    // Just added: say how to link the group (to the person who added the bot, in the group).
    if ((before === 'left' || before === 'kicked') && (now === 'member' || now === 'administrator')) {
      // Best effort: a group may not let the bot write (the link command will say so later).
      await ctx.reply(ctx.t('announcements-group-hello', { bot: ctx.me.username })).catch((err) => deps.log.warn({ err: safeError(err), chatId: ctx.chat.id }, 'announcements: could not greet a group'));
    }
  });

  return composer;
}
