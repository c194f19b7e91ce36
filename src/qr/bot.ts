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
 * Callback data: `qc:<classId>` (one class), `qa:<schoolId>` (all classes), `qn:<studentId>:<version>`
 * (re-issue; the version the person saw, so a stale or repeated tap re-issues nothing), `qx` (cancel).
 */
import { Composer, InlineKeyboard } from 'grammy';
import { sql } from 'drizzle-orm';
import { addJob } from '../core/queue/jobs.js';
import { cardsHome } from './buttons.js';
import type { AppDeps, BaseContext, BotContext } from '../core/telegram/context.js';
import type { StaffMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import type { Locale } from '../core/db/schema.js';
import { formatNumber } from '../core/i18n/index.js';
import { bumpCardVersion, CardError } from './cards.js';
import { cardsQueue, type CardJob } from './card-jobs.js';

const CLASS_RE = /^(1[0-2]|[1-9])\s*([a-z]{1,3})$/i;

function localeOf(ctx: BaseContext): Locale {
  return ctx.locale;
}

function officeOf(ctx: BaseContext, schoolId: number): StaffMembership | undefined {
  return ctx.actor.staff.find((m) => m.schoolId === schoolId && (m.roles.includes('principal') || m.roles.includes('operator')));
}

interface PrintableClass {
  id: number;
  name: string;
  schoolId: number;
  /** the actor may print it as principal/operator (else as its homeroom teacher) */
  office: boolean;
}

/**
 * Classes of the current year this person may print cards for: every class of a school where
 * they are principal or operator, and their own homeroom classes.
 */
async function printableClasses(ctx: BaseContext): Promise<PrintableClass[]> {
  const officeSchools = ctx.actor.staff.filter((m) => m.roles.includes('principal') || m.roles.includes('operator')).map((m) => m.schoolId);
  const own = ctx.actor.staff.flatMap((m) => m.homeroomClassIds);
  if (officeSchools.length === 0 && own.length === 0) return [];
  const rows = await ctx.deps.database.rows<{ id: number; name: string; school_id: number }>(sql`
    select c.id, c.name, c.school_id
      from classes c
      join academic_years ay on ay.id = c.academic_year_id and ay.is_current
     where c.school_id = any(${sql.raw(`'{${officeSchools.join(',')}}'::int[]`)})
        or c.id = any(${sql.raw(`'{${own.join(',')}}'::int[]`)})
     order by c.school_id, c.grade, c.section`);
  return rows.map((r) => ({ id: Number(r.id), name: r.name, schoolId: Number(r.school_id), office: officeSchools.includes(Number(r.school_id)) }));
}

interface CardStudent {
  id: number;
  schoolId: number;
  classId: number | null;
  nameKm: string;
  nameEn: string | null;
  code: string;
  className: string | null;
  version: number;
}

/** An active student with this code at one of the schools where this person works. */
async function findStudent(ctx: BaseContext, where: { code: string } | { id: number }): Promise<CardStudent | undefined> {
  const schoolIds = [...new Set(ctx.actor.staff.map((m) => m.schoolId))];
  if (schoolIds.length === 0) return undefined;
  const [row] = await ctx.deps.database.rows<{ id: number; school_id: number; class_id: number | null; name_km: string; name_en: string | null; student_code: string; class_name: string | null; version: number }>(sql`
    select s.id, s.school_id, s.class_id, s.name_km, s.name_en, s.student_code, c.name as class_name, coalesce(card.version, 0) as version
      from students s
      left join classes c on c.id = s.class_id
      left join student_cards card on card.student_id = s.id
     where ${'code' in where ? sql`s.student_code = ${where.code}` : sql`s.id = ${where.id}`}
       and s.school_id = any(${sql.raw(`'{${schoolIds.join(',')}}'::int[]`)}) and s.active
     limit 1`);
  if (!row) return undefined;
  return {
    id: Number(row.id),
    schoolId: Number(row.school_id),
    classId: row.class_id === null ? null : Number(row.class_id),
    nameKm: row.name_km,
    nameEn: row.name_en,
    code: row.student_code,
    className: row.class_name,
    version: Number(row.version),
  };
}

export function qrCardsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;

  const botUsername = (ctx: BaseContext) => deps.botUsername ?? ctx.me.username;

  async function requestSheets(ctx: BotContext, schoolId: number, list: PrintableClass[]) {
    const loc = localeOf(ctx);
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
    const classes = await printableClasses(ctx);
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
        await audit(db, { actor: actorOf(ctx.from!.id), action: 'card.sheet', entity: 'class', entityId: name.slice(0, 20), outcome: 'denied' });
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
      keyboard.text(c.name, `qc:${c.id}`);
      if (i % 4 === 3) keyboard.row();
    });
    for (const schoolId of [...new Set(classes.filter((c) => c.office).map((c) => c.schoolId))]) {
      keyboard.row().text(ctx.t('qr-btn-all-classes'), `qa:${schoolId}`);
    }
    await ctx.reply(ctx.t('qr-choose-class'), { reply_markup: keyboard });
  }

  composer.command('cards', (ctx) => openCards(ctx, ctx.match.trim()));

  composer.callbackQuery(cardsHome.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await openCards(ctx, '');
  });

  composer.callbackQuery(/^qc:(\d{1,9})$/, async (ctx) => {
    const classId = Number((ctx.match as RegExpMatchArray)[1]);
    const cls = (await printableClasses(ctx)).find((c) => c.id === classId);
    if (!cls) {
      await audit(db, { actor: actorOf(ctx.from.id), action: 'card.sheet', entity: 'class', entityId: classId, outcome: 'denied' });
      await ctx.answerCallbackQuery({ text: ctx.t('qr-denied'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await requestSheets(ctx, cls.schoolId, [cls]);
  });

  composer.callbackQuery(/^qa:(\d{1,9})$/, async (ctx) => {
    const schoolId = Number((ctx.match as RegExpMatchArray)[1]);
    const list = officeOf(ctx, schoolId) ? (await printableClasses(ctx)).filter((c) => c.schoolId === schoolId) : [];
    if (list.length === 0) {
      await audit(db, { actor: actorOf(ctx.from.id), schoolId, action: 'card.sheet', entity: 'school', entityId: schoolId, outcome: 'denied' });
      await ctx.answerCallbackQuery({ text: ctx.t('qr-denied'), show_alert: true });
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
    const student = ctx.actor.staff.length > 0 ? await findStudent(ctx, { code }) : undefined;
    if (!student) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: renew ? 'card.reissue' : 'card.read', entity: 'student', entityId: code, outcome: 'denied', details: { reason: 'not-found' } });
      await ctx.reply(ctx.t('qr-student-not-found', { code }));
      return;
    }
    const office = officeOf(ctx, student.schoolId);
    const homeroom = student.classId !== null && ctx.actor.staff.some((m) => m.homeroomClassIds.includes(student.classId!));
    if (!office && !(homeroom && !renew)) {
      await audit(db, { actor: actorOf(ctx.from!.id), schoolId: student.schoolId, action: renew ? 'card.reissue' : 'card.read', entity: 'student', entityId: student.id, outcome: 'denied' });
      await ctx.reply(ctx.t(renew && homeroom ? 'qr-reissue-office-only' : 'qr-student-denied'));
      return;
    }
    const loc = localeOf(ctx);
    const vars = { name: loc === 'en' && student.nameEn ? student.nameEn : student.nameKm, code: student.code, class: student.className ?? '—' };
    if (student.classId === null) {
      await ctx.reply(ctx.t('qr-card-gone'));
      return;
    }
    if (renew) {
      await ctx.reply(ctx.t('qr-reissue-confirm', vars), {
        reply_markup: new InlineKeyboard().text(ctx.t('qr-btn-reissue'), `qn:${student.id}:${student.version}`).text(ctx.t('qr-btn-cancel'), 'qx'),
      });
      return;
    }
    await audit(db, { actor: actorOf(ctx.from!.id), schoolId: student.schoolId, action: 'card.read', entity: 'student', entityId: student.id });
    const key = `cards:card:${ctx.from!.id}:${student.id}:${ctx.update.update_id}`;
    const job: CardJob = { kind: 'card', schoolId: student.schoolId, studentId: student.id, chatId: ctx.chat!.id, locale: loc, requestedBy: actorOf(ctx.from!.id), botUsername: botUsername(ctx), key };
    await addJob(deps.jobs, cardsQueue, job, key);
    await ctx.reply(ctx.t('qr-card-preparing', vars));
  });

  composer.callbackQuery(/^qn:(\d{1,15}):(\d{1,5})$/, async (ctx) => {
    const studentId = Number((ctx.match as RegExpMatchArray)[1]);
    const seen = Number((ctx.match as RegExpMatchArray)[2]);
    const student = await findStudent(ctx, { id: studentId });
    const office = student ? officeOf(ctx, student.schoolId) : undefined;
    if (!student || !office) {
      await audit(db, { actor: actorOf(ctx.from.id), schoolId: student?.schoolId ?? null, action: 'card.reissue', entity: 'student', entityId: studentId, outcome: 'denied' });
      await ctx.answerCallbackQuery({ text: ctx.t('qr-denied'), show_alert: true });
      return;
    }
    let version: number;
    try {
      // the new version and its audit row together
      version = await db.transaction((tx) =>
        bumpCardVersion(tx, { studentId, schoolId: student.schoolId, actorStaffId: office.staffId, actor: actorOf(ctx.from.id), expectVersion: seen }),
      );
    } catch (err) {
      if (!(err instanceof CardError)) throw err;
      await ctx.answerCallbackQuery({ text: ctx.t(err.reason === 'stale' ? 'qr-reissue-stale' : 'qr-card-gone'), show_alert: true });
      await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => {});
      return;
    }
    await ctx.answerCallbackQuery();
    const loc = localeOf(ctx);
    await ctx.editMessageText(ctx.t('qr-reissued', { code: student.code, version: formatNumber(loc, version) })).catch(() => {});
    const key = `cards:new:${student.id}:${version}`;
    const job: CardJob = { kind: 'card', schoolId: student.schoolId, studentId: student.id, chatId: ctx.chat!.id, locale: loc, requestedBy: actorOf(ctx.from.id), botUsername: botUsername(ctx), key, reissued: true };
    await addJob(deps.jobs, cardsQueue, job, key);
  });

  composer.callbackQuery('qx', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('qr-cancelled')).catch(() => {});
  });

  return composer;
}
