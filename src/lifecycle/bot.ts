/**
 * `/guardians STUDENT-CODE` for the school's office: who is linked to the child (by the roster or
 * by an invite), with a button to remove a link; removing asks for the reason. A forged or stale
 * button changes nothing and gets the same "not found".
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { displayName, formatDay, formatNumber } from '../core/i18n/index.js';
import { REASON_WIRE, removeLink, removeLinkReason } from './buttons.js';
import { guardiansOf, removeGuardianLink, type RemovalReason } from './service-guardians.js';
import { DISCLOSURE_DAYS, privacyRecord } from './service-privacy.js';

export function lifecycleFeature(deps: AppDeps): Composer<BotContext> {
  const db = deps.database.db;
  const composer = new Composer<BotContext>();

  composer.command('guardians', async (ctx) => {
    const code = ctx.match.trim();
    if (!code) {
      await ctx.reply(ctx.t('lifecycle-guardians-usage'));
      return;
    }
    const r = await guardiansOf(db, ctx.actor, code);
    if (!r.ok) {
      await ctx.reply(ctx.t(`lifecycle-denied-${r.reason}`));
      return;
    }
    const loc = ctx.locale;
    const lines = [ctx.t('lifecycle-guardians-title', { child: displayName(loc, r.student) })];
    const kb = new InlineKeyboard();
    r.links.forEach((l, i) => {
      const n = formatNumber(loc, i + 1);
      lines.push(
        ctx.t('lifecycle-guardians-line', {
          n,
          name: l.name ?? '—',
          relation: l.relation,
          source: ctx.t(l.source === 'invite' ? 'lifecycle-source-invite' : 'lifecycle-source-roster'),
          linked: ctx.t(l.linked ? 'lifecycle-linked-yes' : 'lifecycle-linked-no'),
        }),
      );
      kb.text(ctx.t('lifecycle-button-remove', { n }), removeLink.pack({ student: r.student.id, guardian: l.guardianId })).row();
    });
    if (r.links.length === 0) lines.push(ctx.t('lifecycle-guardians-none'));
    await ctx.reply(lines.join('\n'), r.links.length ? { reply_markup: kb } : {});
  });

  composer.callbackQuery(removeLink.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const b = removeLink.parse(ctx.callbackQuery.data);
    if (!b) {
      await ctx.reply(ctx.t('lifecycle-denied-not-found'));
      return;
    }
    const kb = new InlineKeyboard();
    for (const reason of Object.keys(REASON_WIRE) as RemovalReason[]) {
      kb.text(ctx.t(`lifecycle-reason-${reason}`), removeLinkReason.pack({ student: b.student, guardian: b.guardian, reason })).row();
    }
    await ctx.reply(ctx.t('lifecycle-remove-why'), { reply_markup: kb });
  });

  composer.callbackQuery(removeLinkReason.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const b = removeLinkReason.parse(ctx.callbackQuery.data);
    const r = b ? await removeGuardianLink(db, ctx.actor, { studentId: b.student, guardianId: b.guardian, reason: b.reason }) : ({ ok: false, reason: 'not-found' } as const);
    await ctx.reply(r.ok ? ctx.t('lifecycle-removed') : ctx.t(`lifecycle-denied-${r.reason}`));
  });

  composer.command('privacy', async (ctx) => {
    const record = await privacyRecord(db, ctx.actor);
    if (record.length === 0) {
      await ctx.reply(ctx.t('lifecycle-privacy-none'));
      return;
    }
    const loc = ctx.locale;
    const n = (x: number) => formatNumber(loc, x);
    for (const c of record) {
      const lines = [
        ctx.t('lifecycle-privacy-child', { child: displayName(loc, c), class: c.className ?? '—' }),
        ctx.t('lifecycle-privacy-holds', { guardians: n(c.guardians), days: n(c.attendanceDays) }),
        c.hasDateOfBirth ? ctx.t('lifecycle-privacy-dob') : '',
        '',
        ctx.t('lifecycle-privacy-reads-title', { days: n(DISCLOSURE_DAYS) }),
        ...c.reads.map((r) => ctx.t('lifecycle-privacy-read', { date: formatDay(loc, r.day), role: ctx.t(`lifecycle-role-${r.role}`), count: n(r.count) })),
        c.reads.length === 0 ? ctx.t('lifecycle-privacy-no-reads') : '',
      ].filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''));
      await ctx.reply(lines.join('\n').trim());
    }
  });

  return composer;
}
