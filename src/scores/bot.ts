/**
 * Scores in the bot. Teachers: `/scores` → class → subject → test, then the typed list
 * (`7A Maths Nov: 8 7.5 9 ab 6 …`), the Mini App sheet or the Excel template; every way shows a
 * preview and saves on Confirm. Homeroom teachers: `/comment 7A 5 nov text`. Families: `/scores`
 * shows each child's latest results. The office's views live in bot-office.ts, its /subjects in
 * bot-subjects.ts.
 */
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { AppDeps, BotContext } from '../core/telegram/context.js';
import { actorOf } from '../core/auth/audit.js';
import { officeMembership, type StaffMembership } from '../core/auth/actor.js';
import { asciiDigits, displayName, formatNumber } from '../core/i18n/index.js';
import { ignoreNotModified } from '../core/telegram/errors.js';
import { subjectIndex } from '../teaching/subjects.js';
import { scoresCancel, scoresClass, scoresConfirm, scoresHome, scoresSubject, scoresTemplate, scoresTest } from './buttons.js';
import { assessmentLabel, periodLabel, score } from './labels.js';
import { parseTypedList, type Preview } from './parse.js';
import { planAssessment, resolveTyped, rosterOf, targetsOf, type EntryProblem, type ResolveProblem, type Target } from './service-entry.js';
import { confirmSheet, prepareSheet, type Prepared } from './service-save.js';
import { latestFor } from './service-reports.js';
import { currentPlan } from './service-setup.js';
import { classNames, setComment, studentNames, subjectNames } from './service-view.js';
import { officeFeature, showOfficeHome } from './bot-office.js';
import { SUBJECTS_FLOW, subjectsFeature, subjectsFlow } from './bot-subjects.js';
import { templateWorkbook, readTemplate } from './workbook.js';
import { downloadTelegramFile, FileTooBigError } from '../staffing/download.js';
import { parsePeriod } from './service-results.js';
import { findAssessment } from './service-entry.js';
import { scoresPath } from './miniapp.js';

export { SUBJECTS_FLOW, subjectsFlow };

export function scoresFeature(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { database } = deps;
  const db = database.db;
  const subjects = subjectIndex((locale, key) => deps.notifier.t(locale, key));

  const teacherOf = (ctx: BotContext): StaffMembership | undefined => ctx.actor.staff.find((m) => m.roles.includes('teacher'));
  const subjectName = (ctx: BotContext, t: Pick<Target, 'subjectNameKm' | 'subjectNameEn'>) => (ctx.locale === 'en' ? t.subjectNameEn : t.subjectNameKm);

  async function say(ctx: BotContext, text: string, keyboard?: InlineKeyboard) {
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery().catch(() => {});
      await ctx.editMessageText(text, { reply_markup: keyboard }).catch(async (err) => {
        ignoreNotModified(err);
      });
      return;
    }
    await ctx.reply(text, { reply_markup: keyboard });
  }

  async function refuse(ctx: BotContext, key: string, vars?: Record<string, string | number>) {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t(key, vars), show_alert: true });
    else await ctx.reply(ctx.t(key, vars));
  }

  // --- home: teachers pick class → subject → test; office and families have their own ---------
  async function home(ctx: BotContext) {
    if (officeMembership(ctx.actor)) return showOfficeHome(deps, ctx);
    const teacher = teacherOf(ctx);
    if (teacher) {
      const targets = await targetsOf(db, teacher, subjects);
      if (!(await currentPlan(db, teacher.schoolId))) return refuse(ctx, 'scores-no-plan');
      if (targets.length === 0) return refuse(ctx, 'scores-no-subjects');
      const kb = new InlineKeyboard();
      const seen = new Set<number>();
      for (const t of targets) {
        if (seen.has(t.classId)) continue;
        seen.add(t.classId);
        kb.text(t.className, scoresClass.pack({ cls: t.classId }));
        if (seen.size % 4 === 0) kb.row();
      }
      return say(ctx, ctx.t('scores-pick-class'), kb);
    }
    if (ctx.actor.childIds.length) return familyView(ctx);
    return refuse(ctx, 'scores-denied');
  }
  composer.command('scores', home);
  composer.callbackQuery(scoresHome.pattern, home);

  async function familyView(ctx: BotContext) {
    const latest = await latestFor(db, ctx.actor.childIds);
    const names = await studentNames(db, ctx.actor.childIds);
    const lines: string[] = [];
    for (const childId of ctx.actor.childIds) {
      const child = names.get(childId);
      if (!child) continue;
      const l = latest.find((x) => x.studentId === childId);
      if (!l) {
        lines.push(ctx.t('scores-family-none', { name: displayName(ctx.locale, child) }));
        continue;
      }
      const plan = await currentPlan(db, child.schoolId);
      const subj = await subjectNames(db, child.schoolId);
      const cls = (await classNames(db, [l.classId])).get(l.classId) ?? '';
      const r = l.result;
      const subjLines = r.subjects
        .map((s) => `  ${ctx.locale === 'en' ? subj.get(s.subjectId)?.nameEn : subj.get(s.subjectId)?.nameKm}: ${s.value === null && s.absent ? ctx.t('scores-absent-short') : score(ctx.locale, s.value)}/${formatNumber(ctx.locale, s.max)}`)
        .join('\n');
      lines.push(
        ctx.t('scores-family-line', {
          name: displayName(ctx.locale, child),
          class: cls,
          period: periodLabel(deps.notifier.t.bind(deps.notifier), ctx.locale, l.period, plan?.assessments ?? []),
          average: score(ctx.locale, r.average),
          scale: formatNumber(ctx.locale, r.scale),
          rank: r.rank === null ? '–' : formatNumber(ctx.locale, r.rank),
          letter: r.letter ?? '–',
        }) + `\n${subjLines}`,
      );
    }
    await ctx.reply(lines.join('\n\n') || ctx.t('scores-family-empty'));
  }

  async function ownTarget(ctx: BotContext, classId: number, subjectId?: number): Promise<{ teacher: StaffMembership; targets: Target[] } | null> {
    const teacher = teacherOf(ctx);
    if (!teacher) {
      await refuse(ctx, 'scores-denied');
      return null;
    }
    const targets = (await targetsOf(db, teacher, subjects)).filter((t) => t.classId === classId && (subjectId === undefined || t.subjectId === subjectId));
    if (targets.length === 0) {
      await refuse(ctx, 'scores-not-yours');
      return null;
    }
    return { teacher, targets };
  }

  composer.callbackQuery(scoresClass.pattern, async (ctx) => {
    const b = scoresClass.parse(ctx.callbackQuery.data);
    if (!b) return refuse(ctx, 'scores-stale');
    const own = await ownTarget(ctx, b.cls);
    if (!own) return;
    const kb = new InlineKeyboard();
    own.targets.forEach((t, i) => {
      kb.text(subjectName(ctx, t), scoresSubject.pack({ cls: t.classId, subj: t.subjectId }));
      if (i % 2 === 1) kb.row();
    });
    await say(ctx, ctx.t('scores-pick-subject', { class: own.targets[0]!.className }), kb);
  });

  composer.callbackQuery(scoresSubject.pattern, async (ctx) => {
    const b = scoresSubject.parse(ctx.callbackQuery.data);
    if (!b) return refuse(ctx, 'scores-stale');
    const own = await ownTarget(ctx, b.cls, b.subj);
    if (!own) return;
    const plan = await currentPlan(db, own.teacher.schoolId);
    if (!plan) return refuse(ctx, 'scores-no-plan');
    const kb = new InlineKeyboard();
    plan.assessments.forEach((a, i) => {
      kb.text(assessmentLabel(deps.notifier.t.bind(deps.notifier), ctx.locale, a), scoresTest.pack({ cls: b.cls, subj: b.subj, a: a.id }));
      if (i % 4 === 3) kb.row();
    });
    const t = own.targets[0]!;
    await say(ctx, ctx.t('scores-pick-test', { class: t.className, subject: subjectName(ctx, t) }), kb);
  });

  composer.callbackQuery(scoresTest.pattern, async (ctx) => {
    const b = scoresTest.parse(ctx.callbackQuery.data);
    if (!b) return refuse(ctx, 'scores-stale');
    const own = await ownTarget(ctx, b.cls, b.subj);
    if (!own) return;
    const a = await planAssessment(db, own.teacher.schoolId, b.a);
    if (!a) return refuse(ctx, 'scores-unknown-test');
    const t = own.targets[0]!;
    const roster = await rosterOf(db, b.cls);
    const kb = new InlineKeyboard();
    if (deps.webAppUrl) {
      const url = new URL(deps.webAppUrl);
      url.pathname = scoresPath(url.pathname);
      url.search = `?c=${b.cls}&s=${b.subj}&a=${b.a}`;
      kb.webApp(ctx.t('scores-open-sheet'), url.toString()).row();
    }
    kb.text(ctx.t('scores-get-template'), scoresTemplate.pack(b));
    await say(
      ctx,
      ctx.t('scores-how-to-enter', {
        class: t.className,
        subject: subjectName(ctx, t),
        test: assessmentLabel(deps.notifier.t.bind(deps.notifier), ctx.locale, a),
        count: formatNumber(ctx.locale, roster.length),
        max: formatNumber(ctx.locale, t.maxScore),
        example: `${t.className} ${t.subjectCode} ${a.code}: ${Array.from({ length: Math.min(4, roster.length) }, (_, i) => ['8', '7.5', 'ab', '9'][i]).join(' ')} …`,
      }),
      kb,
    );
  });

  // --- previews, shared by the typed list and the Excel template ------------------------------
  async function showPreview(ctx: BotContext, target: Target, assessmentId: number, prepared: Prepared, testLabel: string, via?: 'excel') {
    if (!prepared.ok) {
      if (prepared.kind === 'count') {
        await ctx.reply(ctx.t('scores-wrong-count', { expected: formatNumber(ctx.locale, prepared.expected), got: formatNumber(ctx.locale, prepared.got), class: target.className }));
        return;
      }
      await ctx.reply(ctx.t('scores-bad-cells', { list: problemsText(ctx, prepared.problems, target.maxScore) }));
      return;
    }
    await ctx.reply(previewText(ctx, target, testLabel, prepared.preview) + (prepared.published ? `\n\n${ctx.t('scores-published-needs-reason')}` : ''), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('scores-confirm'), scoresConfirm.pack({ cls: target.classId, subj: target.subjectId, a: assessmentId, h: prepared.hash, v: via }))
        .text(ctx.t('scores-cancel'), scoresCancel.pack({})),
    });
  }

  function previewText(ctx: BotContext, target: Target, test: string, p: Preview) {
    return ctx.t('scores-preview', {
      class: target.className,
      subject: subjectName(ctx, target),
      test,
      count: formatNumber(ctx.locale, p.count),
      entered: formatNumber(ctx.locale, p.entered),
      absent: formatNumber(ctx.locale, p.absent),
      missing: formatNumber(ctx.locale, p.missing),
      mean: score(ctx.locale, p.mean),
      max: formatNumber(ctx.locale, target.maxScore),
    });
  }

  function problemsText(ctx: BotContext, problems: EntryProblem[], max: number) {
    return problems
      .slice(0, 15)
      .map((p) => ctx.t(`scores-problem-${p.problem}`, { position: formatNumber(ctx.locale, p.position), token: p.token, max: formatNumber(ctx.locale, max) }))
      .join('\n');
  }

  const RESOLVE_KEYS: Record<ResolveProblem, string> = {
    'no-plan': 'scores-no-plan',
    'unknown-class': 'scores-unknown-class',
    'unknown-subject': 'scores-unknown-subject',
    'not-yours': 'scores-not-yours',
    'unknown-test': 'scores-unknown-test',
  };

  // --- the typed list ---------------------------------------------------------------------------
  composer.on('message:text', async (ctx, next) => {
    const teacher = teacherOf(ctx);
    if (!teacher || ctx.message.text.startsWith('/')) return next();
    const typed = parseTypedList(ctx.message.text);
    if (!typed) return next();
    const r = await resolveTyped(db, teacher, subjects, typed);
    if (!r.ok) {
      await ctx.reply(ctx.t(RESOLVE_KEYS[r.problem], { class: typed.className, subject: typed.subjectText, test: typed.testText }));
      return;
    }
    const prepared = await prepareSheet(database, r.target, r.assessment, typed.tokens);
    if (prepared.ok && typed.reason) pendingReasons.set(`${ctx.from.id}:${prepared.hash}`, typed.reason);
    await showPreview(ctx, r.target, r.assessment.id, prepared, assessmentLabel(deps.notifier.t.bind(deps.notifier), ctx.locale, r.assessment));
  });

  /**
   * The reason typed after `#` with a list, until Confirm (kept in memory: a restart in between
   * only means the teacher is asked for it again).
   */
  const pendingReasons = new Map<string, string>();

  composer.callbackQuery(scoresConfirm.pattern, async (ctx) => {
    const b = scoresConfirm.parse(ctx.callbackQuery.data);
    const teacher = teacherOf(ctx);
    if (!b || !teacher) return refuse(ctx, b ? 'scores-denied' : 'scores-stale');
    const reasonKey = `${ctx.from.id}:${b.h}`;
    const r = await confirmSheet(database, deps.notifier, {
      staff: teacher,
      subjects,
      key: { classId: b.cls, subjectId: b.subj, assessmentId: b.a },
      hash: b.h,
      reason: pendingReasons.get(reasonKey) ?? null,
      via: b.v ?? 'typed',
      actor: actorOf(ctx.from.id),
    });
    if (!r.ok) return refuse(ctx, `scores-confirm-${r.reason}`);
    pendingReasons.delete(reasonKey);
    deps.kickOutbox();
    await ctx.answerCallbackQuery();
    await ctx
      .editMessageText(ctx.t(r.corrections ? 'scores-saved-corrected' : 'scores-saved', { saved: formatNumber(ctx.locale, r.saved), changed: formatNumber(ctx.locale, r.changed), corrections: formatNumber(ctx.locale, r.corrections) }))
      .catch(ignoreNotModified);
  });

  composer.callbackQuery(scoresCancel.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('scores-cancelled')).catch(ignoreNotModified);
  });

  // --- the Excel template -----------------------------------------------------------------------
  composer.callbackQuery(scoresTemplate.pattern, async (ctx) => {
    const b = scoresTemplate.parse(ctx.callbackQuery.data);
    if (!b) return refuse(ctx, 'scores-stale');
    const own = await ownTarget(ctx, b.cls, b.subj);
    if (!own) return;
    const a = await planAssessment(db, own.teacher.schoolId, b.a);
    if (!a) return refuse(ctx, 'scores-unknown-test');
    const t = own.targets[0]!;
    const book = await templateWorkbook(db, t, a, ctx.locale, (key) => ctx.t(key));
    await ctx.answerCallbackQuery();
    await ctx.replyWithDocument(new InputFile(book.bytes, book.fileName), { caption: ctx.t('scores-template-caption') });
  });

  composer.on('message:document', async (ctx, next) => {
    const teacher = teacherOf(ctx);
    const doc = ctx.message.document;
    if (!teacher || !doc.file_name?.toLowerCase().endsWith('.xlsx')) return next();
    let bytes: Uint8Array;
    try {
      bytes = await downloadTelegramFile(ctx.api, doc.file_id, 2_000_000);
    } catch (err) {
      await ctx.reply(ctx.t(err instanceof FileTooBigError ? 'scores-file-too-big' : 'scores-file-unreadable'));
      return;
    }
    const read = await readTemplate(bytes);
    if (!read.ok) {
      if (read.reason === 'not-template') return next();
      await ctx.reply(ctx.t('scores-file-unreadable'));
      return;
    }
    const target = (await targetsOf(db, teacher, subjects)).find((t) => t.classId === read.classId && t.subjectId === read.subjectId);
    if (!target) return refuse(ctx, 'scores-not-yours');
    const a = await planAssessment(db, teacher.schoolId, read.assessmentId);
    if (!a) return refuse(ctx, 'scores-unknown-test');
    const roster = await rosterOf(db, target.classId);
    // rows are matched by student id (column B), whatever order the teacher left them in
    const byStudent = new Map(read.rows.map((r) => [r.studentId, r]));
    const unknownRows = read.rows.filter((r) => !roster.some((s) => s.studentId === r.studentId));
    if (unknownRows.length || byStudent.size !== roster.length) {
      await ctx.reply(ctx.t('scores-wrong-count', { expected: formatNumber(ctx.locale, roster.length), got: formatNumber(ctx.locale, read.rows.length - unknownRows.length), class: target.className }));
      return;
    }
    const texts = roster.map((s) => byStudent.get(s.studentId)!.text);
    const prepared = await prepareSheet(database, target, a, texts);
    if (!prepared.ok && prepared.kind === 'cells') {
      // positions are roll order = rows of the template (row 1 is the header)
      await ctx.reply(ctx.t('scores-bad-rows', { list: prepared.problems.slice(0, 15).map((p) => ctx.t(`scores-problem-${p.problem}`, { position: formatNumber(ctx.locale, p.position + 1), token: p.token, max: formatNumber(ctx.locale, target.maxScore) })).join('\n') }));
      return;
    }
    await showPreview(ctx, target, a.id, prepared, assessmentLabel(deps.notifier.t.bind(deps.notifier), ctx.locale, a), 'excel');
  });

  // --- the homeroom teacher's comment: /comment 7A 5 nov text ----------------------------------
  composer.command('comment', async (ctx) => {
    const teacher = teacherOf(ctx);
    if (!teacher) return refuse(ctx, 'scores-denied');
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s+([\s\S]+)$/.exec(ctx.match.trim());
    if (!m) return refuse(ctx, 'scores-comment-usage');
    const plan = await currentPlan(db, teacher.schoolId);
    if (!plan) return refuse(ctx, 'scores-no-plan');
    const periodText = m[3]!.toLowerCase();
    const period = parsePeriod(periodText) ?? (findAssessment(plan, periodText) ? (`m:${findAssessment(plan, periodText)!.id}` as const) : null);
    if (!period) return refuse(ctx, 'scores-unknown-test', { test: m[3]! });
    const r = await setComment(db, {
      schoolId: teacher.schoolId,
      staffId: teacher.staffId,
      className: asciiDigits(m[1]!).toUpperCase(),
      rollNo: Number(asciiDigits(m[2]!)),
      period,
      comment: m[4]!,
      actor: actorOf(ctx.from!.id),
    });
    await ctx.reply(ctx.t(r.ok ? 'scores-comment-saved' : `scores-comment-${r.reason}`));
  });

  composer.use(officeFeature(deps, subjects));
  composer.use(subjectsFeature(deps));
  return composer;
}
