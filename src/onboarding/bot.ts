/**
 * Onboarding in the chat: greeting and language, phone-number linking, invite codes, /whoami,
 * /help, /unlink, and the home menu. Translates taps into service calls; decides nothing itself.
 */
import { Composer, InlineKeyboard, Keyboard } from 'grammy';
import { Menu } from '@grammyjs/menu';
import type { Conversation } from '@grammyjs/conversations';
import { loadActor, rolesOf } from '../core/auth/actor.js';
import { setLocale } from '../core/auth/accounts.js';
import { INVITE_KINDS, type InviteKind } from '../core/auth/roles.js';
import { syncCommands } from '../core/telegram/commands.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import type { AppDeps, BaseContext, BotContext, ConvContext } from '../core/telegram/context.js';
import { displayName, formatDay, formatNumber } from '../core/i18n/index.js';
import type { Locale } from '../core/db/schema.js';
import { deepLink, looksLikeInviteCode } from './invites.js';
import { inviteAsStaff, linkByPhone, redeemInvite, unlink, whoAmI, type RedeemResult, type UnlinkTarget, type WhoAmI } from './service.js';
import {
  codeButton,
  helpButton,
  LANGUAGE_MENU,
  languageButton,
  unlinkAllChoice,
  unlinkAllConfirm,
  unlinkCancel,
  unlinkGuardianChoice,
  unlinkGuardianConfirm,
  unlinkStaffChoice,
  unlinkStaffConfirm,
  whoamiButton,
} from './buttons.js';

export const CODE_CONVERSATION = 'enter-code';

function profileName(ctx: BaseContext): string {
  return [ctx.from?.first_name, ctx.from?.last_name].filter(Boolean).join(' ').slice(0, 120);
}

function isLinked(ctx: BaseContext): boolean {
  return ctx.actor.staff.length > 0 || ctx.actor.childIds.length > 0 || ctx.actor.officeProvinces.length > 0;
}

async function refreshActor(ctx: BaseContext): Promise<void> {
  if (ctx.from) ctx.actor = await loadActor(ctx.deps.database.db, ctx.from.id);
}

function shareKeyboard(ctx: BaseContext | ConvContext): Keyboard {
  return new Keyboard().requestContact(ctx.t('onboarding-share-button')).resized().oneTime();
}

function schoolName(locale: Locale, s: { schoolNameKm: string; schoolNameEn: string }): string {
  return displayName(locale, { nameKm: s.schoolNameKm, nameEn: s.schoolNameEn });
}

function renderWhoAmI(t: BaseContext['t'], locale: Locale, who: WhoAmI): string {
  const lines: string[] = [];
  for (const o of who.offices) {
    const province = locale === 'km' ? o.provinceNameKm : o.provinceNameEn;
    lines.push(province ? t('onboarding-whoami-office-province', { province }) : t('onboarding-whoami-office-national'));
  }
  for (const s of who.staff) {
    lines.push(
      t('onboarding-whoami-staff', {
        school: schoolName(locale, s),
        roles: s.roles.map((r) => t(`core-role-${r}`)).join(', ') || t('core-role-none'),
      }),
    );
    if (s.homeroomClasses.length > 0) lines.push(t('onboarding-whoami-homeroom', { classes: s.homeroomClasses.join(', ') }));
  }
  for (const g of who.guardianOf) {
    lines.push(t('onboarding-whoami-parent', { school: schoolName(locale, g) }));
    for (const c of g.children) {
      const name = locale === 'km' || !c.nameEn ? c.nameKm : `${c.nameEn} (${c.nameKm})`;
      lines.push(t('onboarding-whoami-child', { name, class: c.className ?? '—' }));
    }
  }
  if (lines.length === 0) return t('onboarding-whoami-nobody');
  return [t('onboarding-whoami-title'), ...lines].join('\n');
}

async function sendWhoAmI(ctx: BaseContext): Promise<void> {
  const who = await whoAmI(ctx.deps.database.db, ctx.from!.id);
  await ctx.reply(renderWhoAmI(ctx.t, ctx.locale, who));
}

function helpText(ctx: BaseContext): string {
  const roles = rolesOf(ctx.actor);
  const parts = [ctx.t('onboarding-help-intro')];
  if (roles.length === 0) parts.push(ctx.t('onboarding-help-not-linked'));
  // A capability's line shared by several roles is shown once, under the first of them.
  const shown = new Set<string>();
  for (const r of roles) {
    const lines = ctx.catalog.helpLinesFor(r).filter((key) => !shown.has(key));
    for (const key of lines) shown.add(key);
    parts.push([ctx.t(`onboarding-help-${r}`), ...lines.map((key) => ctx.t(key))].join('\n'));
  }
  parts.push(ctx.t('onboarding-help-common'));
  return parts.join('\n\n');
}

function redeemMessageKey(result: RedeemResult): string {
  if (result.ok) return result.kind === 'parent' ? 'onboarding-invite-ok-parent' : 'onboarding-invite-ok-staff';
  return `onboarding-invite-${result.reason}`;
}

/** Asks for an invite code (three tries). */
export async function enterCode(conversation: Conversation<BotContext, ConvContext>, ctx: ConvContext): Promise<void> {
  await ctx.reply(ctx.t('onboarding-invite-ask-code'), { reply_markup: { force_reply: true } });
  for (let attempt = 1; attempt <= 3; attempt++) {
    const answer = await conversation.waitFor('message:text', {
      otherwise: (other) => other.reply(other.t('onboarding-invite-ask-code-text')),
    });
    const code = answer.message.text.trim();
    const result = await conversation.external((outside) =>
      redeemInvite(outside.deps.database.db, { telegramUserId: outside.from!.id, code, profileName: profileName(outside) }),
    );
    await answer.reply(answer.t(redeemMessageKey(result)));
    if (result.ok) {
      await conversation.external(async (outside) => {
        await refreshActor(outside);
        await syncCommands(outside);
      });
      return;
    }
    if (attempt < 3) await answer.reply(answer.t('onboarding-invite-try-again'));
  }
  await ctx.reply(ctx.t('onboarding-invite-give-up'));
}

export function onboardingFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;

  // --- menus -------------------------------------------------------------------------------
  const languageMenu = new Menu<BotContext>(LANGUAGE_MENU, {
    onMenuOutdated: async (ctx) => {
      await ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated') });
    },
  }).dynamic((ctx, range) => {
    const current = ctx.actor?.locale;
    for (const [locale, label] of [
      ['km', 'ខ្មែរ'],
      ['en', 'English'],
    ] as const) {
      range.text(current === locale ? `✓ ${label}` : label, async (ctx) => {
        await setLocale(db, ctx.from.id, locale);
        // The rest of this update (the answer, the command list) is in the new language.
        ctx.actor.locale = locale;
        ctx.locale = locale;
        ctx.i18n.useLocale(locale);
        await ctx.answerCallbackQuery({ text: ctx.t('onboarding-language-set') });
        await ctx.editMessageText(isLinked(ctx) ? ctx.t('onboarding-language-choose') : ctx.t('onboarding-greeting')).catch(ignoreNotModified);
        await syncCommands(ctx);
        // The share button's label is in the old language: show it again in the new one.
        if (!isLinked(ctx)) await ctx.reply(ctx.t('onboarding-share-prompt'), { reply_markup: shareKeyboard(ctx) });
      });
    }
  });

  /** The home menu: the capabilities' entries for this user's roles, then onboarding's own. */
  const mainMenu = (ctx: BotContext): InlineKeyboard => {
    const rows = ctx.catalog.homeButtonsFor(ctx.actor).map((b) => [InlineKeyboard.text(ctx.t(b.labelKey), b.data)]);
    rows.push([InlineKeyboard.text(ctx.t('onboarding-menu-whoami'), whoamiButton.pack({})), InlineKeyboard.text(ctx.t('onboarding-menu-language'), languageButton.pack({}))]);
    rows.push([InlineKeyboard.text(ctx.t('onboarding-menu-code'), codeButton.pack({})), InlineKeyboard.text(ctx.t('onboarding-menu-help'), helpButton.pack({}))]);
    return InlineKeyboard.from(rows);
  };
  // Installed before the buttons that send it: a menu can only be sent from after its middleware.
  composer.use(languageMenu);
  composer.callbackQuery(whoamiButton.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await sendWhoAmI(ctx);
  });
  composer.callbackQuery(languageButton.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('onboarding-language-choose'), { reply_markup: languageMenu });
  });
  composer.callbackQuery(helpButton.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.reply(helpText(ctx));
  });

  // --- /start ------------------------------------------------------------------------------
  composer.command('start', async (ctx) => {
    const payload = ctx.match.trim();
    if (payload) {
      const result = await redeemInvite(db, { telegramUserId: ctx.from!.id, code: payload, profileName: profileName(ctx) });
      await ctx.reply(ctx.t(redeemMessageKey(result)));
      if (result.ok) {
        await refreshActor(ctx);
        await syncCommands(ctx);
        await sendWhoAmI(ctx);
        await ctx.reply(ctx.t('onboarding-home-title'), { reply_markup: mainMenu(ctx) });
        return;
      }
    }
    await syncCommands(ctx);
    if (isLinked(ctx)) {
      await ctx.reply(ctx.t('onboarding-home-welcome-back'), { reply_markup: mainMenu(ctx) });
      return;
    }
    await ctx.reply(ctx.t('onboarding-greeting'), { reply_markup: languageMenu });
    await ctx.reply(ctx.t('onboarding-share-prompt'), { reply_markup: shareKeyboard(ctx) });
  });

  // --- phone number ------------------------------------------------------------------------
  composer.on('message:contact', async (ctx) => {
    const contact = ctx.message.contact;
    const result = await linkByPhone(db, {
      telegramUserId: ctx.from.id,
      contactUserId: contact.user_id,
      phone: contact.phone_number,
    });
    if (!result.ok) {
      if (result.reason === 'not-found') {
        await ctx.reply(ctx.t('onboarding-not-found'), {
          reply_markup: new InlineKeyboard().text(ctx.t('onboarding-menu-code'), codeButton.pack({})),
        });
      } else {
        await ctx.reply(ctx.t(`onboarding-${result.reason}`), { reply_markup: shareKeyboard(ctx) });
      }
      return;
    }
    await refreshActor(ctx);
    await ctx.reply(ctx.t('onboarding-linked'), { reply_markup: { remove_keyboard: true } });
    await syncCommands(ctx);
    await sendWhoAmI(ctx);
    await ctx.reply(ctx.t('onboarding-home-title'), { reply_markup: mainMenu(ctx) });
  });

  composer.callbackQuery(codeButton.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    // The home menu's "invite code" entry, pressed while another flow is open, closes that flow.
    if (Object.keys(ctx.conversation.active()).length > 0) {
      await ctx.conversation.exitAll();
      await ctx.reply(ctx.t('core-flow-closed'));
    }
    await ctx.conversation.enter(CODE_CONVERSATION);
  });

  // --- simple commands -----------------------------------------------------------------------
  composer.command('menu', async (ctx) => {
    await syncCommands(ctx);
    await ctx.reply(isLinked(ctx) ? ctx.t('onboarding-home-title') : ctx.t('onboarding-home-not-linked'), { reply_markup: mainMenu(ctx) });
  });
  composer.command('whoami', (ctx) => sendWhoAmI(ctx));
  composer.command('help', async (ctx) => {
    await syncCommands(ctx);
    await ctx.reply(helpText(ctx));
  });
  composer.command('language', (ctx) => ctx.reply(ctx.t('onboarding-language-choose'), { reply_markup: languageMenu }));
  composer.command('code', (ctx) => ctx.conversation.enter(CODE_CONVERSATION));

  // --- invites issued by staff ---------------------------------------------------------------
  composer.command('invite', async (ctx) => {
    const [kindArg, code] = ctx.match.trim().split(/\s+/);
    const kind = INVITE_KINDS.find((k) => k === kindArg?.toLowerCase()) as InviteKind | undefined;
    if (!kind || (kind === 'parent' && !code)) {
      await ctx.reply(ctx.t('onboarding-invite-usage'));
      return;
    }
    const result = await inviteAsStaff(db, ctx.actor, kind === 'parent' ? { kind, studentCode: code } : { kind, staffCode: code });
    if (!result.ok) {
      await ctx.reply(ctx.t(`onboarding-invite-denied-${result.reason}`));
      return;
    }
    const locale = ctx.locale;
    await ctx.reply(
      (result.staff ? `${ctx.t('onboarding-invite-for-staff', { name: displayName(locale, result.staff), code: result.staff.staffCode })}\n` : '') +
        ctx.t('onboarding-invite-created', {
          role: ctx.t(`core-role-${kind}`),
          link: deepLink(result.botUsername ?? deps.botUsername ?? ctx.me?.username, result.code),
          code: result.code,
          until: formatDay(locale, result.expiresAt.toISOString().slice(0, 10)),
        }),
      { link_preview_options: { is_disabled: true } },
    );
  });

  // --- unlinking -----------------------------------------------------------------------------
  composer.command('unlink', async (ctx) => {
    const who = await whoAmI(db, ctx.from!.id);
    if (who.staff.length === 0 && who.guardianOf.length === 0 && who.offices.length === 0) {
      await ctx.reply(ctx.t('onboarding-whoami-nobody'));
      return;
    }
    const locale = ctx.locale;
    const kb = new InlineKeyboard();
    for (const s of who.staff) kb.text(ctx.t('onboarding-unlink-staff', { school: schoolName(locale, s) }), unlinkStaffChoice.pack({ id: s.staffId })).row();
    for (const g of who.guardianOf) {
      kb.text(ctx.t('onboarding-unlink-parent', { school: schoolName(locale, g), count: formatNumber(locale, g.children.length) }), unlinkGuardianChoice.pack({ id: g.guardianId })).row();
    }
    kb.text(ctx.t('onboarding-unlink-all'), unlinkAllChoice.pack({})).row().text(ctx.t('core-button-cancel'), unlinkCancel.pack({}));
    await ctx.reply(ctx.t('onboarding-unlink-choose'), { reply_markup: kb });
  });

  const confirmUnlink = (confirm: string) => async (ctx: BotContext) => {
    await ctx.answerCallbackQuery();
    await ctx
      .editMessageText(ctx.t('onboarding-unlink-confirm'), {
        reply_markup: new InlineKeyboard().text(ctx.t('core-button-yes-unlink'), confirm).text(ctx.t('core-button-cancel'), unlinkCancel.pack({})),
      })
      .catch(ignoreNotModified);
  };
  composer.callbackQuery(unlinkStaffChoice.pattern, async (ctx) => {
    const b = unlinkStaffChoice.parse(ctx.callbackQuery.data);
    if (b) await confirmUnlink(unlinkStaffConfirm.pack({ id: b.id }))(ctx);
    else await ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
  });
  composer.callbackQuery(unlinkGuardianChoice.pattern, async (ctx) => {
    const b = unlinkGuardianChoice.parse(ctx.callbackQuery.data);
    if (b) await confirmUnlink(unlinkGuardianConfirm.pack({ id: b.id }))(ctx);
    else await ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
  });
  composer.callbackQuery(unlinkAllChoice.pattern, confirmUnlink(unlinkAllConfirm.pack({})));

  const doUnlink = async (ctx: BotContext, target: UnlinkTarget) => {
    const removed = await unlink(db, ctx.from!.id, target);
    await ctx.answerCallbackQuery();
    await refreshActor(ctx);
    await syncCommands(ctx);
    await ctx.editMessageText(removed > 0 ? ctx.t('onboarding-unlink-done') : ctx.t('onboarding-unlink-nothing')).catch(ignoreNotModified);
  };
  composer.callbackQuery([unlinkStaffConfirm.pattern, unlinkGuardianConfirm.pattern, unlinkAllConfirm.pattern], async (ctx) => {
    const data = ctx.callbackQuery.data;
    const staffId = unlinkStaffConfirm.parse(data)?.id;
    const guardianId = unlinkGuardianConfirm.parse(data)?.id;
    if (staffId !== undefined) return doUnlink(ctx, { kind: 'staff', id: staffId });
    if (guardianId !== undefined) return doUnlink(ctx, { kind: 'guardian', id: guardianId });
    if (unlinkAllConfirm.parse(data)) return doUnlink(ctx, { kind: 'all' });
    // Forged data (an id no record can have): refused like someone else's record.
    await audit(db, { actor: actorOf(ctx.from.id), action: 'unlink', outcome: 'denied', details: { reason: 'bad-button' } });
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('onboarding-unlink-nothing')).catch(ignoreNotModified);
  });

  composer.callbackQuery(unlinkCancel.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('onboarding-unlink-cancelled')).catch(ignoreNotModified);
  });

  return composer;
}

/**
 * Last in the chain: a typed invite code is redeemed (parents copy it from paper); anything else
 * gets a pointer to /help; unknown buttons (old messages, forged data) get a clear answer.
 */
export function fallbackFeature(_deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('message:text', async (ctx) => {
    const text = ctx.message.text.trim();
    if (looksLikeInviteCode(text)) {
      const result = await redeemInvite(ctx.deps.database.db, { telegramUserId: ctx.from.id, code: text, profileName: profileName(ctx) });
      await ctx.reply(ctx.t(redeemMessageKey(result)));
      if (result.ok) {
        await refreshActor(ctx);
        await syncCommands(ctx);
      }
      return;
    }
    await ctx.reply(ctx.t(text.startsWith('/') ? 'core-error-unknown-command' : 'core-error-not-understood'));
  });
  composer.on('callback_query', async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t('core-menu-outdated'), show_alert: true });
  });
  composer.on('message', (ctx) => ctx.reply(ctx.t('core-error-not-understood')));
  return composer;
}

