/**
 * The office's side of /scores: accept the default plan, who is behind per test (🔔 reminds only
 * the teachers with missing scores), publishing a class or the school (principal only), the class
 * result sheet (Excel), a class's cards as an A4 PDF, and /publish typed.
 */
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { actorOf } from '../core/auth/audit.js';
import { officeMembership, type StaffMembership } from '../core/auth/actor.js';
import { schoolClock } from '../core/clock.js';
import { asciiDigits, formatNumber } from '../core/i18n/index.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import type { Subject } from '../teaching/subjects.js';
import { periodFromWire, periodWire, scoresPdf, scoresPlan, scoresProgress, scoresPublish, scoresRemind, scoresSheet } from './buttons.js';
import { assessmentLabel, periodLabel } from './labels.js';
import { findAssessment, planAssessment } from './service-entry.js';
import { progressOf, remindMissing } from './service-progress.js';
import { publicationOf, publishClass, type PublishResult } from './service-publish.js';
import { auditRead, classSheet, schoolByGradeAndSex } from './service-reports.js';
import { parsePeriod, type Period } from './service-results.js';
import { acceptDefaultPlan, currentPlan, type Plan } from './service-setup.js';
import { classesOfSchool } from './service-view.js';
import { classCardsPdf } from './service-cards.js';

const isPrincipal = (m: StaffMembership) => m.roles.includes('principal');

export async function showOfficeHome(deps: AppDeps, ctx: BotContext): Promise<void> {
  const office = officeMembership(ctx.actor)!;
  const plan = await currentPlan(deps.database.db, office.schoolId);
  if (!plan) {
    await ctx.reply(ctx.t('scores-office-no-plan'), {
      reply_markup: new InlineKeyboard().text(ctx.t('scores-accept-kh'), scoresPlan.pack({ rule: 'kh-practice' })).row().text(ctx.t('scores-accept-vn'), scoresPlan.pack({ rule: 'vn-c22' })),
    });
    return;
  }
  await ctx.reply(officePlanText(deps, ctx, plan), { reply_markup: testsKeyboard(deps, ctx, plan) });
}

function officePlanText(deps: AppDeps, ctx: BotContext, plan: Plan) {
  const rule = ctx.t(`scores-rule-${plan.ruleSetCode}`);
  return ctx.t('scores-office-home', { rule, tests: formatNumber(ctx.locale, plan.assessments.length) });
}

function testsKeyboard(deps: AppDeps, ctx: BotContext, plan: Plan) {
  const kb = new InlineKeyboard();
  plan.assessments.forEach((a, i) => {
    kb.text(assessmentLabel(deps.notifier.t.bind(deps.notifier), ctx.locale, a), scoresProgress.pack({ a: a.id }));
    if (i % 4 === 3) kb.row();
  });
  return kb;
}

export function officeFeature(deps: AppDeps, subjects: Map<string, Subject>): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { database } = deps;
  const db = database.db;
  const t = deps.notifier.t.bind(deps.notifier);

  async function refuse(ctx: BotContext, key: string, vars?: Record<string, string | number>) {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t(key, vars), show_alert: true });
    else await ctx.reply(ctx.t(key, vars));
  }

  composer.callbackQuery(scoresPlan.pattern, async (ctx) => {
    const b = scoresPlan.parse(ctx.callbackQuery.data);
    const office = officeMembership(ctx.actor);
    if (!b || !office) return refuse(ctx, b ? 'scores-denied' : 'scores-stale');
    const r = await acceptDefaultPlan(db, office.schoolId, actorOf(ctx.from.id), b.rule);
    if (!r.ok) return refuse(ctx, `scores-plan-${r.reason}`);
    await ctx.answerCallbackQuery();
    await ctx
      .editMessageText(ctx.t(r.created ? 'scores-plan-accepted' : 'scores-plan-exists', { rule: ctx.t(`scores-rule-${r.plan.ruleSetCode}`), tests: formatNumber(ctx.locale, r.plan.assessments.length), subjects: formatNumber(ctx.locale, r.subjects) }), {
        reply_markup: testsKeyboard(deps, ctx, r.plan),
      })
      .catch(ignoreNotModified);
  });

  async function progress(ctx: BotContext, assessmentId: number) {
    const office = officeMembership(ctx.actor);
    if (!office) return refuse(ctx, 'scores-denied');
    const a = await planAssessment(db, office.schoolId, assessmentId);
    if (!a) return refuse(ctx, 'scores-stale');
    const lines = await progressOf(database, office.schoolId, a.id, subjects);
    const byClass = new Map<number, typeof lines>();
    for (const l of lines) byClass.set(l.classId, [...(byClass.get(l.classId) ?? []), l]);
    const out: string[] = [];
    const kb = new InlineKeyboard();
    let missingAny = false;
    for (const [classId, list] of byClass) {
      const missing = list.filter((l) => l.entered < l.students);
      if (missing.length === 0) out.push(ctx.t('scores-progress-class-done', { class: list[0]!.className }));
      else {
        missingAny = true;
        out.push(
          ctx.t('scores-progress-class-missing', { class: list[0]!.className, done: formatNumber(ctx.locale, list.length - missing.length), total: formatNumber(ctx.locale, list.length) }) +
            '\n' +
            missing.map((l) => `   ⏳ ${ctx.locale === 'en' ? l.subjectNameEn : l.subjectNameKm} ${formatNumber(ctx.locale, l.entered)}/${formatNumber(ctx.locale, l.students)}`).join('\n'),
        );
      }
      const p = periodWire(`m:${a.id}`);
      if (isPrincipal(office)) kb.text(`📣 ${list[0]!.className}`, scoresPublish.pack({ cls: classId, p }));
      kb.text(`📊 ${list[0]!.className}`, scoresSheet.pack({ cls: classId, p })).row();
    }
    if (missingAny) kb.text(ctx.t('scores-remind-button'), scoresRemind.pack({ a: a.id })).row();
    const text = `${ctx.t('scores-progress-title', { test: assessmentLabel(t, ctx.locale, a) })}\n\n${out.join('\n')}`;
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery();
      await ctx.editMessageText(text, { reply_markup: kb }).catch(ignoreNotModified);
    } else await ctx.reply(text, { reply_markup: kb });
  }

  composer.callbackQuery(scoresProgress.pattern, async (ctx) => {
    const b = scoresProgress.parse(ctx.callbackQuery.data);
    if (!b) return refuse(ctx, 'scores-stale');
    await progress(ctx, b.a);
  });

  composer.callbackQuery(scoresRemind.pattern, async (ctx) => {
    const b = scoresRemind.parse(ctx.callbackQuery.data);
    const office = officeMembership(ctx.actor);
    if (!b || !office) return refuse(ctx, b ? 'scores-denied' : 'scores-stale');
    const a = await planAssessment(db, office.schoolId, b.a);
    if (!a) return refuse(ctx, 'scores-stale');
    const day = schoolClock('Asia/Phnom_Penh', deps.now()).day;
    const r = await remindMissing(database, deps.notifier, { schoolId: office.schoolId, assessment: a, subjects, day, actor: actorOf(ctx.from.id) });
    deps.kickOutbox();
    await ctx.answerCallbackQuery({ text: ctx.t('scores-reminded', { teachers: formatNumber(ctx.locale, r.teachers), unreachable: formatNumber(ctx.locale, r.unreachable) }), show_alert: true });
  });

  async function publish(ctx: BotContext, office: StaffMembership, classIds: number[], period: Period) {
    const plan = await currentPlan(db, office.schoolId);
    if (!plan) return refuse(ctx, 'scores-no-plan');
    const names = new Map((await classesOfSchool(db, office.schoolId)).map((c) => [c.id, c.name]));
    const label = periodLabel(t, ctx.locale, period, plan.assessments);
    const lines: string[] = [];
    for (const classId of classIds) {
      const r: PublishResult = await publishClass(database, deps.notifier, { schoolId: office.schoolId, classId, period, actor: actorOf(ctx.from!.id) });
      const cls = names.get(classId) ?? '?';
      if (r.ok) lines.push(ctx.t('scores-published', { class: cls, period: label, students: formatNumber(ctx.locale, r.students), messages: formatNumber(ctx.locale, r.messages) }));
      else if (r.reason === 'missing')
        lines.push(ctx.t('scores-publish-missing', { class: cls, list: r.missing.map((m) => `${ctx.locale === 'en' ? m.nameEn : m.nameKm} (${formatNumber(ctx.locale, m.students)})`).join(', ') }));
      else lines.push(ctx.t(`scores-publish-${r.reason}`, { class: cls, period: label }));
    }
    deps.kickOutbox();
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.reply(lines.join('\n'));
  }

  composer.callbackQuery(scoresPublish.pattern, async (ctx) => {
    const b = scoresPublish.parse(ctx.callbackQuery.data);
    const period = b ? periodFromWire(b.p) : null;
    const office = officeMembership(ctx.actor);
    if (!b || !period) return refuse(ctx, 'scores-stale');
    if (!office || !isPrincipal(office)) return refuse(ctx, 'scores-publish-principal-only');
    await publish(ctx, office, [b.cls], period);
  });

  /** `/publish 7A nov`, `/publish all t1` */
  composer.command('publish', async (ctx) => {
    const office = officeMembership(ctx.actor);
    if (!office || !isPrincipal(office)) return refuse(ctx, 'scores-publish-principal-only');
    const [clsText, periodText] = asciiDigits(ctx.match).trim().split(/\s+/);
    const plan = await currentPlan(db, office.schoolId);
    if (!plan) return refuse(ctx, 'scores-no-plan');
    if (!clsText || !periodText) return refuse(ctx, 'scores-publish-usage');
    const a = findAssessment(plan, periodText);
    const period: Period | null = parsePeriod(periodText.toLowerCase()) ?? (a ? `m:${a.id}` : null);
    if (!period) return refuse(ctx, 'scores-unknown-test', { test: periodText });
    const list = await classesOfSchool(db, office.schoolId);
    const chosen = clsText.toLowerCase() === 'all' ? list : list.filter((c) => c.name === clsText.toUpperCase());
    if (chosen.length === 0) return refuse(ctx, 'scores-unknown-class', { class: clsText });
    await publish(ctx, office, chosen.map((c) => c.id), period);
  });

  composer.callbackQuery(scoresSheet.pattern, async (ctx) => {
    const b = scoresSheet.parse(ctx.callbackQuery.data);
    const period = b ? periodFromWire(b.p) : null;
    const office = officeMembership(ctx.actor);
    if (!b || !period) return refuse(ctx, 'scores-stale');
    if (!office) return refuse(ctx, 'scores-denied');
    const sheet = await classSheet(database, deps.notifier, { schoolId: office.schoolId, classId: b.cls, period, locale: ctx.locale, actor: actorOf(ctx.from.id) });
    if (!sheet) return refuse(ctx, 'scores-stale');
    await ctx.answerCallbackQuery();
    const pub = await publicationOf(db, b.cls, period);
    await ctx.replyWithDocument(new InputFile(sheet.bytes, sheet.fileName), {
      caption: ctx.t('scores-sheet-caption'),
      reply_markup: pub ? new InlineKeyboard().text(ctx.t('scores-pdf-button'), scoresPdf.pack({ cls: b.cls, p: b.p })) : undefined,
    });
  });

  composer.callbackQuery(scoresPdf.pattern, async (ctx) => {
    const b = scoresPdf.parse(ctx.callbackQuery.data);
    const period = b ? periodFromWire(b.p) : null;
    const office = officeMembership(ctx.actor);
    if (!b || !period) return refuse(ctx, 'scores-stale');
    if (!office) return refuse(ctx, 'scores-denied');
    const pub = await publicationOf(db, b.cls, period);
    if (!pub || pub.schoolId !== office.schoolId) return refuse(ctx, 'scores-pdf-unpublished');
    await ctx.answerCallbackQuery({ text: ctx.t('scores-pdf-preparing') });
    const pdf = await classCardsPdf(database, deps.notifier, pub.id, ctx.locale);
    await auditRead(db, actorOf(ctx.from.id), office.schoolId, 'class', b.cls, { what: 'cards-pdf', publicationId: pub.id, cards: pdf.cards });
    await ctx.replyWithDocument(new InputFile(pdf.bytes, `report-cards-${b.cls}-${b.p}.pdf`));
  });

  /** `/results [t1|t2|y|nov]`: the school by grade and sex (pass rates). */
  composer.command('results', async (ctx) => {
    const office = officeMembership(ctx.actor);
    if (!office) return refuse(ctx, 'scores-denied');
    const plan = await currentPlan(db, office.schoolId);
    if (!plan) return refuse(ctx, 'scores-no-plan');
    const text = asciiDigits(ctx.match).trim().toLowerCase() || 't1';
    const a = findAssessment(plan, text);
    const period: Period | null = parsePeriod(text) ?? (a ? `m:${a.id}` : null);
    if (!period) return refuse(ctx, 'scores-unknown-test', { test: text });
    const lines = await schoolByGradeAndSex(database, { schoolId: office.schoolId, period, actor: actorOf(ctx.from!.id) });
    const pct = (n: number, d: number) => (d ? formatNumber(ctx.locale, Math.round((1000 * n) / d) / 10) : '–');
    await ctx.reply(
      `${ctx.t('scores-results-title', { period: periodLabel(t, ctx.locale, period, plan.assessments) })}\n` +
        lines
          .map((l) =>
            ctx.t('scores-results-line', {
              grade: formatNumber(ctx.locale, l.grade),
              students: formatNumber(ctx.locale, l.students),
              girls: formatNumber(ctx.locale, l.girls),
              rate: pct(l.passed, l.students),
              rateGirls: pct(l.passedGirls, l.girls),
              rateBoys: pct(l.passed - l.passedGirls, l.students - l.girls),
            }),
          )
          .join('\n'),
    );
  });

  return composer;
}
