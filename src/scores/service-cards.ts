/**
 * Report cards from what was published (score_published_results), in the reader's language: the
 * sender's resolver draws a card when its outbox row goes out (once per publication, student,
 * version and language; kept in score_card_files with Telegram's file id after the upload).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { InputFile } from 'grammy';
import type { Database, Db, Executor } from '../core/db/client.js';
import { classes, schools, staff, students, type Locale } from '../core/db/schema.js';
import { formatNumber, type Notifier } from '../core/i18n/index.js';
import type { PayloadResolver } from '../core/queue/sender.js';
import { cardsPdf, renderCard, type CardPicture } from './cards.js';
import { periodLabel, score } from './labels.js';
import type { Period, StudentResult } from './service-results.js';
import { currentPlan } from './service-setup.js';
import type { ScoreCardRef } from './service-publish.js';
import { scoreCardFiles, scoreComments, scorePublications, scorePublishedResults, scoreSubjects } from './schema.js';

export async function cardPictures(db: Executor, notifier: Notifier, publicationId: number, locale: Locale, studentIds?: number[]): Promise<Array<{ studentId: number; version: number; picture: CardPicture }>> {
  const [pub] = await db
    .select({ id: scorePublications.id, schoolId: scorePublications.schoolId, classId: scorePublications.classId, period: scorePublications.period, planId: scorePublications.planId })
    .from(scorePublications)
    .where(eq(scorePublications.id, publicationId));
  if (!pub) return [];
  const [school] = await db.select({ nameKm: schools.nameKm, nameEn: schools.nameEn }).from(schools).where(eq(schools.id, pub.schoolId));
  const [cls] = await db.select({ name: classes.name, homeroom: staff.nameKm, homeroomEn: staff.nameEn }).from(classes).leftJoin(staff, eq(staff.id, classes.homeroomStaffId)).where(eq(classes.id, pub.classId));
  const plan = await currentPlan(db, pub.schoolId);
  const rows = await db
    .select({ studentId: scorePublishedResults.studentId, result: scorePublishedResults.result, version: scorePublishedResults.version, nameKm: students.nameKm, nameEn: students.nameEn, rollNo: students.rollNo })
    .from(scorePublishedResults)
    .innerJoin(students, eq(students.id, scorePublishedResults.studentId))
    .where(and(eq(scorePublishedResults.publicationId, publicationId), studentIds ? inArray(scorePublishedResults.studentId, studentIds) : undefined))
    .orderBy(asc(students.rollNo), asc(students.id));
  const subjectRows = await db.select().from(scoreSubjects).where(eq(scoreSubjects.schoolId, pub.schoolId));
  const subjectById = new Map(subjectRows.map((s) => [s.id, s]));
  const comments = new Map(
    (
      await db
        .select({ studentId: scoreComments.studentId, comment: scoreComments.comment })
        .from(scoreComments)
        .where(and(eq(scoreComments.planId, pub.planId), eq(scoreComments.period, pub.period), rows.length ? inArray(scoreComments.studentId, rows.map((r) => r.studentId)) : sql`false`))
    ).map((c) => [c.studentId, c.comment]),
  );
  const size = (await db.select({ n: sql<number>`count(*)::int` }).from(scorePublishedResults).where(eq(scorePublishedResults.publicationId, publicationId)))[0]!.n;
  const t = (key: string, vars?: Record<string, string | number>) => notifier.t(locale, key, vars);
  const period = periodLabel(notifier.t.bind(notifier), locale, pub.period as Period, plan?.assessments ?? []);
  return rows.map((row) => {
    const r = row.result as unknown as StudentResult;
    const summary: Array<[string, string]> = [
      [t('scores-card-average'), `${score(locale, r.average)} / ${formatNumber(locale, r.scale)}`],
      [t('scores-card-rank'), r.rank === null ? '–' : `${formatNumber(locale, r.rank)} / ${formatNumber(locale, size)}`],
      [t('scores-card-letter'), r.letter ?? '–'],
      [t('scores-card-result'), r.passed === null ? '–' : t(r.passed ? 'scores-card-passed' : 'scores-card-failed')],
      [t('scores-card-absent'), formatNumber(locale, r.absentDays)],
      [t('scores-card-excused'), formatNumber(locale, r.excusedDays)],
    ];
    if (r.promotion) summary.push([t('scores-card-promotion'), t(`scores-promotion-${r.promotion}`)]);
    return {
      studentId: row.studentId,
      version: row.version,
      picture: {
        schoolKm: school!.nameKm,
        schoolEn: school!.nameEn,
        title: t('scores-card-title', { period }),
        childName: locale === 'en' && row.nameEn ? `${row.nameEn} (${row.nameKm})` : row.nameKm,
        classLine: t('scores-card-class', { class: cls!.name }),
        headers: [t('scores-card-subject'), t('scores-card-score'), t('scores-card-max')],
        lines: r.subjects.map((s) => {
          const subj = subjectById.get(s.subjectId);
          const absentOnly = s.value === null && s.absent > 0;
          return {
            subject: subj ? (locale === 'en' ? subj.nameEn : subj.nameKm) : '?',
            score: absentOnly ? t('scores-absent-short') : score(locale, s.value),
            max: formatNumber(locale, s.max),
          };
        }),
        summary,
        commentLabel: t('scores-card-comment'),
        comment: comments.get(row.studentId) ?? null,
      },
    };
  });
}

/** The stored card, or one drawn now and stored. */
export async function cardFile(db: Db, notifier: Notifier, ref: ScoreCardRef['scoreCard']): Promise<{ id: number; fileId: string | null; bytes: Buffer; name: string }> {
  const kind = `png:${ref.locale}`;
  const [stored] = await db
    .select()
    .from(scoreCardFiles)
    .where(and(eq(scoreCardFiles.publicationId, ref.publicationId), eq(scoreCardFiles.studentId, ref.studentId), eq(scoreCardFiles.version, ref.version), eq(scoreCardFiles.kind, kind)));
  if (stored) return { id: stored.id, fileId: stored.fileId, bytes: stored.bytes, name: stored.fileName };
  const [one] = await cardPictures(db, notifier, ref.publicationId, ref.locale, [ref.studentId]);
  if (!one) throw new Error(`score card ${ref.publicationId}/${ref.studentId} has no published result`);
  const t0 = performance.now();
  const bytes = await renderCard(one.picture);
  const [pub] = await db.select({ schoolId: scorePublications.schoolId }).from(scorePublications).where(eq(scorePublications.id, ref.publicationId));
  const name = `report-card-${ref.publicationId}-${ref.studentId}.png`;
  // two senders drawing the same card at once: keep the first
  await db
    .insert(scoreCardFiles)
    .values({ schoolId: pub!.schoolId, publicationId: ref.publicationId, studentId: ref.studentId, version: ref.version, kind, fileName: name, bytes, renderMs: Math.round(performance.now() - t0) })
    .onConflictDoNothing();
  const [row] = await db
    .select({ id: scoreCardFiles.id, fileId: scoreCardFiles.fileId })
    .from(scoreCardFiles)
    .where(and(eq(scoreCardFiles.publicationId, ref.publicationId), eq(scoreCardFiles.studentId, ref.studentId), eq(scoreCardFiles.version, ref.version), eq(scoreCardFiles.kind, kind)));
  return { id: row!.id, fileId: row!.fileId, bytes, name };
}

/** The sender's resolver: a `sendPhoto` whose photo is a ScoreCardRef. */
export function scoreCardResolver(db: Db, notifier: Notifier): PayloadResolver {
  return async (method, payload) => {
    if (method !== 'sendPhoto') return null;
    const ref = (payload.photo as Partial<ScoreCardRef> | undefined)?.scoreCard;
    if (!ref || typeof ref.publicationId !== 'number' || typeof ref.studentId !== 'number') return null;
    const file = await cardFile(db, notifier, ref);
    return {
      payload: { ...payload, photo: file.fileId ?? new InputFile(file.bytes, file.name) },
      onSent: async (result) => {
        if (file.fileId) return;
        const sizes = (result as { photo?: Array<{ file_id?: string }> }).photo;
        const fileId = sizes?.[sizes.length - 1]?.file_id;
        if (fileId) await db.update(scoreCardFiles).set({ fileId }).where(eq(scoreCardFiles.id, file.id));
      },
    };
  };
}

/** A class's cards of a publication as one A4 PDF (one card a page), in the reader's language. */
export async function classCardsPdf(database: Database, notifier: Notifier, publicationId: number, locale: Locale): Promise<{ bytes: Buffer; cards: number }> {
  const pictures = await cardPictures(database.db, notifier, publicationId, locale);
  const pngs: Buffer[] = [];
  for (const p of pictures) pngs.push(await renderCard(p.picture));
  return { bytes: await cardsPdf(pngs, 'report cards'), cards: pngs.length };
}
