/**
 * Records in the chat.
 * - `/sign [term]`: a subject teacher sees their subjects to sign (class, subject, term, count,
 *   the fingerprint's first characters) and confirms; a homeroom teacher confirms the class once
 *   every subject is signed and every student has an identification code (missing ones by name);
 *   the principal sees classes ready and not ready (and why) and signs every ready record in one
 *   step, then the school's institution signature follows.
 * - `/verify CODE`: anyone; unknown codes are rate-limited per account.
 * Queries live in the services; a confirmation re-checks everything and signs nothing when stale.
 */
import { Composer, InlineKeyboard } from 'grammy';
import { actorOf, audit } from '../core/auth/audit.js';
import { asciiDigits, formatNumber, localDigits } from '../core/i18n/index.js';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import { cancelSign, confirmClassBtn, confirmSchool, confirmSubject, openClass, openSubject } from './buttons.js';
import { GUESSES, guessLimiter } from './guesses.js';
import { storedKeySigners } from './service-keys.js';
import { normaliseCode, verifyCode } from './service-copies.js';
import { checkClass, classPreview, confirmClass, latestTerm, schoolReadiness, signSchool, signSubject, subjectPreview, teacherSubjects, teacherTasks, type ClassCheck, type Who } from './service-sign.js';
import { subjectIndex } from '../teaching/subjects.js';
import { recordsOfficeFeature } from './bot-office.js';
import { latestPublishedTerm, parseRecordTerm, refreshTermRecords, scoresRecordSource, type RecordTerm } from './source-scores.js';
import { termText } from './term.js';

function whoOf(ctx: BotContext, role: 'teacher' | 'principal'): Who | null {
  const m = ctx.actor.staff.find((s) => s.roles.includes(role));
  return m ? { schoolId: m.schoolId, staffId: m.staffId, actor: actorOf(ctx.from!.id), isPrincipal: role === 'principal' } : null;
}

export function recordsFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const db = deps.database.db;
  const signers = storedKeySigners(db, deps.recordsKey);
  const limiter = guessLimiter(GUESSES);
  const n = (ctx: BotContext, v: number) => formatNumber(ctx.locale, v);
  const prefix = (b: string) => b.slice(0, 12);
  const source = scoresRecordSource(deps.database);
  const index = subjectIndex((locale, key) => deps.notifier.t(locale, key));
  const termOf = (ctx: BotContext, term: string) => termText(ctx.locale, term, (key) => ctx.t(key));
  /** records follow what scores published: brought up to date before anything is shown or signed */
  const refresh = (who: Who, term: string, classIds?: number[]) => {
    const t = parseRecordTerm(term);
    return t ? refreshTermRecords(deps.database, source, { schoolId: who.schoolId, term: t, actor: who.actor, classIds }) : Promise.resolve(0);
  };
  composer.use(recordsOfficeFeature(deps));

  const reasonsOf = (ctx: BotContext, c: ClassCheck) => {
    const why: string[] = [];
    if (c.records === 0) why.push(ctx.t('records-why-no-records'));
    if (c.unsignedSubjects.length > 0) why.push(ctx.t('records-why-subjects', { subjects: c.unsignedSubjects.join(', ') }));
    if (c.missingIdCodes.length > 0) why.push(ctx.t('records-why-ids', { count: n(ctx, c.missingIdCodes.length), names: c.missingIdCodes.slice(0, 10).join(', ') }));
    if (c.records > 0 && c.unsignedSubjects.length === 0 && c.missingIdCodes.length === 0 && !c.confirmed) why.push(ctx.t('records-why-homeroom'));
    return why.join('; ');
  };

  async function showPrincipal(ctx: BotContext, who: Who, term: string) {
    await refresh(who, term);
    const r = await schoolReadiness(db, who.schoolId, term);
    const lines = [ctx.t('records-school-title', { term: termOf(ctx, term) })];
    for (const c of r.ready) lines.push(`✅ ${c.className}: ${ctx.t('records-ready-count', { count: n(ctx, c.toSign.length) })}`);
    for (const c of r.notReady) lines.push(`⏳ ${c.className}: ${reasonsOf(ctx, c)}`);
    if (r.versions.length === 0) {
      lines.push('', ctx.t('records-school-nothing'));
      await ctx.reply(lines.join('\n').slice(0, 4000));
      return;
    }
    lines.push('', ctx.t('records-school-confirm', { count: n(ctx, r.versions.length), classes: n(ctx, r.ready.length), hash: prefix(r.batch) }));
    const kb = new InlineKeyboard().text(ctx.t('records-btn-sign-all', { count: n(ctx, r.versions.length) }), confirmSchool.pack({ t: term, b: prefix(r.batch) })).row().text(ctx.t('records-btn-cancel'), cancelSign.pack({}));
    await ctx.reply(lines.join('\n').slice(0, 4000), { reply_markup: kb });
  }

  async function showTeacher(ctx: BotContext, who: Who, term: string) {
    const tasks = await teacherTasks(db, who);
    await refresh(who, term, tasks.classes.map((c) => c.classId));
    const kb = new InlineKeyboard();
    const lines = [ctx.t('records-teacher-title', { term: termOf(ctx, term) })];
    let any = false;
    for (const c of tasks.classes) {
      const subjects = await teacherSubjects(db, who, c.classId, term, index);
      if (subjects.length === 0) continue;
      any = true;
      const names = subjects.map((s) => s.name).join(', ');
      kb.text(`${c.className} · ${names.length > 48 ? `${names.slice(0, 46)}…` : names}`, openSubject.pack({ c: c.classId, t: term })).row();
    }
    for (const h of tasks.homeroom) {
      const c = await checkClass(db, who.schoolId, h.classId, term);
      if (!c || c.records === 0) continue;
      any = true;
      lines.push(`🏫 ${h.className}: ${c.confirmed ? ctx.t('records-class-confirmed') : reasonsOf(ctx, c) || ctx.t('records-class-can-confirm')}`);
      kb.text(ctx.t('records-btn-open-class', { className: h.className }), openClass.pack({ c: h.classId, t: term })).row();
    }
    if (!any) lines.push(ctx.t('records-teacher-nothing'));
    await ctx.reply(lines.join('\n').slice(0, 4000), { reply_markup: kb });
  }

  composer.command('sign', async (ctx) => {
    const principal = whoOf(ctx, 'principal');
    const teacher = whoOf(ctx, 'teacher');
    const who = principal ?? teacher;
    if (!who) {
      await audit(db, { actor: actorOf(ctx.from!.id), action: 'records.sign', outcome: 'denied', details: { reason: 'not-staff' } });
      await ctx.reply(ctx.t('records-denied'));
      return;
    }
    const typed = ctx.match.trim();
    const term: RecordTerm | string | null = typed ? parseRecordTerm(asciiDigits(typed)) : ((await latestPublishedTerm(deps.database, who.schoolId)) ?? (await latestTerm(db, who.schoolId)) ?? '1');
    if (!term) {
      await ctx.reply(ctx.t('records-no-records'));
      return;
    }
    if (principal) await showPrincipal(ctx, principal, term);
    else await showTeacher(ctx, who, term);
  });

  const refusal = (ctx: BotContext, reason: string) => ctx.t(`records-refused-${reason}`);

  composer.callbackQuery(openSubject.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const v = openSubject.parse(ctx.callbackQuery.data);
    const who = whoOf(ctx, 'teacher');
    if (!v || !who) return void (await ctx.reply(ctx.t('records-denied')));
    await refresh(who, v.t, [v.c]);
    const p = await subjectPreview(db, who, { classId: v.c, term: v.t, index });
    if (!p.ok) return void (await ctx.reply(refusal(ctx, p.reason)));
    const check = await checkClass(db, who.schoolId, v.c, v.t);
    const subject = p.subjects.map((s) => s.name).join(', ');
    const lines = [ctx.t('records-subject-preview', { className: p.className, subject, term: termOf(ctx, v.t), count: n(ctx, p.versions.length), hash: prefix(p.batch) })];
    if (check && check.missingIdCodes.length > 0) lines.push(ctx.t('records-why-ids', { count: n(ctx, check.missingIdCodes.length), names: check.missingIdCodes.slice(0, 10).join(', ') }));
    const kb = new InlineKeyboard().text(ctx.t('records-btn-confirm'), confirmSubject.pack({ c: v.c, t: v.t, b: prefix(p.batch) })).text(ctx.t('records-btn-cancel'), cancelSign.pack({}));
    await ctx.reply(lines.join('\n').slice(0, 4000), { reply_markup: kb });
  });

  composer.callbackQuery(confirmSubject.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const v = confirmSubject.parse(ctx.callbackQuery.data);
    const who = whoOf(ctx, 'teacher');
    if (!v || !who) return void (await ctx.reply(ctx.t('records-denied')));
    // results corrected since the preview make a new version: the fingerprint no longer matches
    await refresh(who, v.t, [v.c]);
    const r = await signSubject(db, signers, who, { classId: v.c, term: v.t, index, batch: v.b }, deps.notifier);
    if (r.ok) deps.kickOutbox(); // the homeroom teacher may have been told it is their turn
    await ctx.editMessageReplyMarkup().catch(ignoreNotModified);
    await ctx.reply(r.ok ? ctx.t('records-subject-signed', { className: r.className, subject: r.subjects.map((s) => s.name).join(', '), count: n(ctx, r.count) }) : refusal(ctx, r.reason));
  });

  composer.callbackQuery(openClass.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const v = openClass.parse(ctx.callbackQuery.data);
    const who = whoOf(ctx, 'teacher');
    if (!v || !who) return void (await ctx.reply(ctx.t('records-denied')));
    await refresh(who, v.t, [v.c]);
    const p = await classPreview(db, who, { classId: v.c, term: v.t });
    if (!p.ok) return void (await ctx.reply('check' in p ? `${refusal(ctx, 'not-ready')}\n${reasonsOf(ctx, p.check)}` : refusal(ctx, p.reason)));
    const kb = new InlineKeyboard().text(ctx.t('records-btn-confirm'), confirmClassBtn.pack({ c: v.c, t: v.t, b: prefix(p.batch) })).text(ctx.t('records-btn-cancel'), cancelSign.pack({}));
    await ctx.reply(ctx.t('records-class-preview', { className: p.className, term: termOf(ctx, v.t), count: n(ctx, p.versions.length), hash: prefix(p.batch) }), { reply_markup: kb });
  });

  composer.callbackQuery(confirmClassBtn.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const v = confirmClassBtn.parse(ctx.callbackQuery.data);
    const who = whoOf(ctx, 'teacher');
    if (!v || !who) return void (await ctx.reply(ctx.t('records-denied')));
    await refresh(who, v.t, [v.c]);
    const r = await confirmClass(db, signers, who, { classId: v.c, term: v.t, batch: v.b }, deps.notifier);
    if (r.ok) deps.kickOutbox(); // the principals are told the class waits for them
    await ctx.editMessageReplyMarkup().catch(ignoreNotModified);
    await ctx.reply(r.ok ? ctx.t('records-class-signed', { className: r.className, count: n(ctx, r.count) }) : refusal(ctx, r.reason));
  });

  composer.callbackQuery(confirmSchool.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const v = confirmSchool.parse(ctx.callbackQuery.data);
    const who = whoOf(ctx, 'principal') ?? whoOf(ctx, 'teacher');
    if (!v || !who) return void (await ctx.reply(ctx.t('records-denied')));
    if (who.isPrincipal) await refresh(who, v.t);
    const r = await signSchool(db, signers, who, { term: v.t, batch: v.b });
    await ctx.editMessageReplyMarkup().catch(ignoreNotModified);
    await ctx.reply(r.ok ? ctx.t('records-school-signed', { count: n(ctx, r.count), classes: n(ctx, r.classes) }) : refusal(ctx, r.reason));
  });

  composer.callbackQuery(cancelSign.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(ignoreNotModified);
    await ctx.reply(ctx.t('records-cancelled'));
  });

  composer.command('verify', async (ctx) => {
    const who = actorOf(ctx.from!.id);
    const now = deps.now().getTime();
    if (limiter.blocked(who, now)) {
      await audit(db, { actor: who, action: 'records.verify', outcome: 'denied', details: { reason: 'rate-limited' } });
      return void (await ctx.reply(ctx.t('records-verify-limited')));
    }
    const typed = ctx.match.trim();
    if (!typed) return void (await ctx.reply(ctx.t('records-verify-usage')));
    const code = normaliseCode(asciiDigits(typed));
    const result = code ? await verifyCode(db, code) : { status: 'unknown' as const };
    if (result.status === 'unknown' || !('record' in result) || !result.record) {
      limiter.miss(who, now);
      await audit(db, { actor: who, action: 'records.verify', outcome: 'denied', details: { reason: 'unknown' } });
      return void (await ctx.reply(ctx.t('records-verify-unknown')));
    }
    const r = result.record;
    const lines = [ctx.t(`records-verify-${result.status}`), ctx.t('records-verify-what', { school: r.school, student: r.student, code: r.studentCode, year: localDigits(ctx.locale, r.year), term: termOf(ctx, r.term), version: n(ctx, r.version) })];
    for (const s of r.signatures) lines.push(`• ${ctx.t(`records-role-${s.role}`)}${s.role === 'teacher' ? ` (${s.scope})` : ''}: ${s.signer}`);
    await ctx.reply(lines.join('\n').slice(0, 4000));
  });

  return composer;
}
