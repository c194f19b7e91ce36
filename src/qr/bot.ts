/**
 * Student cards in the chat.
 *   /cards          a button per class (office: every class of the school, and "all classes";
 *                   teachers: their own homeroom classes), then the class's printable A4 PDF
 *   /cards 7A       the same for one class at once
 *   /card CODE      one student's card as a PNG
 *   /card CODE new  a new card for a lost one (office only), after a confirm button: the old card
 *                   stops working at once
 * The bot checks who may ask and queues the work; the worker draws the files (jobs.ts) and they
 * arrive through the outbox. Every request and every refusal is audited.
 *
 * Buttons: see buttons.ts (one class, all classes, re-issue with the version the person saw, cancel).
 */
import { Composer, InlineKeyboard } from 'grammy';
import { addJob } from '../core/queue/jobs.js';
import { cardsHome, classSheet, reissueCancel, reissueConfirm, schoolSheets } from './buttons.js';
import type { AppDeps, BaseContext, BotContext } from '../core/telegram/context.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { asciiDigits, displayName, formatNumber } from '../core/i18n/index.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import { cardStudent, CardError, printableClasses, reissueCardVersion, type PrintableClass } from './cards.js';
import { cardsQueue, type CardJob } from './card-jobs.js';

const CLASS_RE = /^(1[0-2]|[1-9])\s*([a-z]{1,3})$/i;

export function qrCardsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const deny = (ctx: BotContext) => ctx.answerCallbackQuery({ text: ctx.t('qr-denied'), show_alert: true });

  const botUsername = (ctx: BaseContext) => deps.botUsername ?? ctx.me.username;

  async function requestSheets(ctx: BotContext, schoolId: number, list: PrintableClass[]) {
    const loc = ctx.locale;
    const ids = list.map((c) => c.id);
    const key = `cards:req:${ctx.from!.id}:${ids.length === 1 ? ids[0] : `all${schoolId}`}:${ctx.update.update_id}`;
    const job: CardJob = { kind: 'sheet', schoolId, classIds: ids, chatId: ctx.chat!.id, locale: loc, requestedBy: actorOf(ctx.from!.id), botUsername: botUsername(ctx), key };
    await addJob(deps.jobs, cardsQueue, job, key);
    await audit(db, { actor: actorOf(ctx.from!.id), schoolId, action: 'card.sheet', entity: 'class', entityId: ids.join(','), details: { classes: ids.length } });
    await ctx.reply(
      list.length === 1 ? ctx.t('qr-preparing-class', { class: list[0]!.name }) : ctx.t('qr-preparing-all', { count: formatNumber(loc, list.length) }),
    );
  }

  async function openCards(ctx: BotContext, arg: string) {
    const classes = await printableClasses(db, ctx.actor);
    if (classes.length === 0) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'card.sheet', outcome: 'denied', details: { reason: 'no-classes' } });
      await ctx.reply(ctx.t('qr-no-classes'));
      return;
    }
    if (arg) {
      const m = CLASS_RE.exec(arg.trim());
      const name = m ? `${m[1]}${m[2]!.toUpperCase()}` : arg.trim().toUpperCase();
      const matches = classes.filter((c) => c.name === name);
      if (matches.length === 0) {
        // ids only: the name as typed is the user's text, not a record
        await audit(db, { actor: actorOf(ctx.from!.id), action: 'card.sheet', entity: 'class', outcome: 'denied', details: { reason: 'not-found' } });
        await ctx.reply(ctx.t('qr-class-denied', { class: name.slice(0, 20) }));
        return;
      }
      // A class name is unique within a school's year; someone working at two schools means the first.
      await requestSheets(ctx, matches[0]!.schoolId, [matches[0]!]);
      return;
    }
    if (classes.length === 1) {
      await requestSheets(ctx, classes[0]!.schoolId, classes);
      return;
    }
    const keyboard = new InlineKeyboard();
    classes.forEach((c, i) => {
      keyboard.text(c.name, classSheet.pack({ classId: c.id }));
      if (i % 4 === 3) keyboard.row();
    });
    for (const schoolId of [...new Set(classes.filter((c) => c.office).map((c) => c.schoolId))]) {
      keyboard.row().text(ctx.t('qr-btn-all-classes'), schoolSheets.pack({ schoolId }));
    }
    await ctx.reply(ctx.t('qr-choose-class'), { reply_markup: keyboard });
  }

  composer.command('cards', (ctx) => openCards(ctx, asciiDigits(ctx.match.trim())));

  composer.callbackQuery(cardsHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await openCards(ctx, '');
  });

  composer.callbackQuery(classSheet.pattern, async (ctx) => {
    // Forged data (an id out of range) is refused like a class that is not theirs.
    const classId = classSheet.parse(ctx.callbackQuery.data)?.classId;
    const cls = classId === undefined ? undefined : (await printableClasses(db, ctx.actor)).find((c) => c.id === classId);
    if (!cls) {
      await audit(db, { actor: actorOf(ctx.from.id), action: 'card.sheet', entity: 'class', entityId: classId, outcome: 'denied', details: classId === undefined ? { reason: 'bad-button' } : undefined });
      await deny(ctx);
      return;
    }
    await ctx.answerCallbackQuery();
    await requestSheets(ctx, cls.schoolId, [cls]);
  });

  composer.callbackQuery(schoolSheets.pattern, async (ctx) => {
    const schoolId = schoolSheets.parse(ctx.callbackQuery.data)?.schoolId;
    const list = schoolId !== undefined && officeMembership(ctx.actor, schoolId) ? (await printableClasses(db, ctx.actor)).filter((c) => c.schoolId === schoolId) : [];
    if (schoolId === undefined || list.length === 0) {
      await audit(db, { actor: actorOf(ctx.from.id), schoolId: schoolId ?? null, action: 'card.sheet', entity: 'school', entityId: schoolId, outcome: 'denied', details: schoolId === undefined ? { reason: 'bad-button' } : undefined });
      await deny(ctx);
      return;
    }
    await ctx.answerCallbackQuery();
    await requestSheets(ctx, schoolId, list);
  });

  composer.command('card', async (ctx) => {
    const [code, word, ...extra] = ctx.match.trim().split(/\s+/).filter(Boolean);
    const renew = word !== undefined && /^(new|ថ្មី)$/i.test(word);
    if (!code || (word !== undefined && !renew) || extra.length > 0 || code.length > 40) {
      await ctx.reply(ctx.t('qr-card-usage'));
      return;
    }
    const student = ctx.actor.staff.length > 0 ? await cardStudent(db, ctx.actor, { code }) : undefined;
    if (!student) {
      // ids only: the code as typed may be anything (a phone, a name)
      await audit(db, { actor: actorOf(ctx.from!.id), action: renew ? 'card.reissue' : 'card.read', entity: 'student', outcome: 'denied', details: { reason: 'not-found' } });
      await ctx.reply(ctx.t('qr-student-not-found', { code }));
      return;
    }
    const office = officeMembership(ctx.actor, student.schoolId);
    const homeroom = student.classId !== null && ctx.actor.staff.some((m) => m.homeroomClassIds.includes(student.classId!));
    if (!office && !(homeroom && !renew)) {
      await audit(db, { actor: actorOf(ctx.from!.id), schoolId: student.schoolId, action: renew ? 'card.reissue' : 'card.read', entity: 'student', entityId: student.id, outcome: 'denied' });
      // A student out of reach gets the same answer as one that does not exist.
      await ctx.reply(renew && homeroom ? ctx.t('qr-reissue-office-only') : ctx.t('qr-student-not-found', { code }));
      return;
    }
    const loc = ctx.locale;
    const vars = { name: displayName(loc, student), code: student.code, class: student.className ?? '—' };
    if (student.classId === null) {
      await ctx.reply(ctx.t('qr-card-gone'));
      return;
    }
    if (renew) {
      await ctx.reply(ctx.t('qr-reissue-confirm', vars), {
        reply_markup: new InlineKeyboard()
          .text(ctx.t('qr-btn-reissue'), reissueConfirm.pack({ studentId: student.id, version: student.version }))
          .text(ctx.t('qr-btn-cancel'), reissueCancel.pack({})),
      });
      return;
    }
    await audit(db, { actor: actorOf(ctx.from!.id), schoolId: student.schoolId, action: 'card.read', entity: 'student', entityId: student.id });
    const key = `cards:card:${ctx.from!.id}:${student.id}:${ctx.update.update_id}`;
    const job: CardJob = { kind: 'card', schoolId: student.schoolId, studentId: student.id, chatId: ctx.chat!.id, locale: loc, requestedBy: actorOf(ctx.from!.id), botUsername: botUsername(ctx), key };
    await addJob(deps.jobs, cardsQueue, job, key);
    await ctx.reply(ctx.t('qr-card-preparing', vars));
  });

  composer.callbackQuery(reissueConfirm.pattern, async (ctx) => {
    const button = reissueConfirm.parse(ctx.callbackQuery.data);
    const student = button ? await cardStudent(db, ctx.actor, { id: button.studentId }) : undefined;
    const office = student ? officeMembership(ctx.actor, student.schoolId) : undefined;
    if (!button || !student || !office) {
      await audit(db, { actor: actorOf(ctx.from.id), schoolId: student?.schoolId ?? null, action: 'card.reissue', entity: 'student', entityId: button?.studentId, outcome: 'denied', details: button ? undefined : { reason: 'bad-button' } });
      await deny(ctx);
      return;
    }
    const { studentId, version: seen } = button;
    let version: number;
    try {
      // the new version and its audit row together
      version = await reissueCardVersion(db, { studentId, schoolId: student.schoolId, actorStaffId: office.staffId, actor: actorOf(ctx.from.id), expectVersion: seen });
    } catch (err) {
      if (!(err instanceof CardError)) throw err;
      await ctx.answerCallbackQuery({ text: ctx.t(err.reason === 'stale' ? 'qr-reissue-stale' : 'qr-card-gone'), show_alert: true });
      await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(ignoreNotModified);
      return;
    }
    await ctx.answerCallbackQuery();
    const loc = ctx.locale;
    // The new card is queued before the message is edited: an edit Telegram refuses loses no card.
    const key = `cards:new:${student.id}:${version}`;
    const job: CardJob = { kind: 'card', schoolId: student.schoolId, studentId: student.id, chatId: ctx.chat!.id, locale: loc, requestedBy: actorOf(ctx.from.id), botUsername: botUsername(ctx), key, reissued: true };
    await addJob(deps.jobs, cardsQueue, job, key);
    await ctx.editMessageText(ctx.t('qr-reissued', { code: student.code, version: formatNumber(loc, version) })).catch(ignoreNotModified);
  });

  composer.callbackQuery(reissueCancel.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('qr-cancelled')).catch(ignoreNotModified);
  });

  return composer;
}
