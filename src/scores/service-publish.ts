/**
 * Publishing a class's results for a period, and corrections after it. Publishing checks that
 * every score of the period is entered (or the student marked absent from the test), keeps the
 * numbers each family gets (score_published_results) and writes one outbox row per guardian in the
 * same transaction: a report card picture in the guardian's language, drawn by the sender's
 * resolver (cards.ts) from that snapshot. A score changed later is a correction: the snapshot
 * moves on, the family gets a text naming what changed, never a second card.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Executor, Tx } from '../core/db/client.js';
import { auditLog, classes, guardians, studentGuardians, students, telegramAccounts, type Locale } from '../core/db/schema.js';
import type { Notifier } from '../core/i18n/index.js';
import { displayName, formatNumber } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { periodLabel, score } from './labels.js';
import { computeResults, type Period, type StudentResult } from './service-results.js';
import { currentPlan, type Plan } from './service-setup.js';
import { scoreChanges, scorePublications, scorePublishedResults, scoreSubjects } from './schema.js';
import type { ScoreChange, Target } from './service-entry.js';

export const CAPABILITY = 'scores';

/** The periods whose results contain an assessment: the test itself, its term, the year. */
export function periodsOf(assessment: { id: number; term: number }): Period[] {
  return [`m:${assessment.id}`, `t${assessment.term}` as Period, 'y'];
}

export interface MissingLine {
  subjectId: number;
  nameKm: string;
  nameEn: string;
  students: number;
}

/** Subjects of a class with cells not entered for the period, and how many students miss one. */
export async function missingOf(database: Database, plan: Plan, classId: number, period: Period, ex?: Executor): Promise<MissingLine[]> {
  const results = await computeResults(database, { planId: plan.id, period, classIds: [classId] }, ex);
  const bySubject = new Map<number, number>();
  for (const r of results) for (const s of r.subjects) if (s.missing > 0) bySubject.set(s.subjectId, (bySubject.get(s.subjectId) ?? 0) + 1);
  if (bySubject.size === 0) return [];
  const names = await (ex ?? database.db)
    .select({ id: scoreSubjects.id, nameKm: scoreSubjects.nameKm, nameEn: scoreSubjects.nameEn, position: scoreSubjects.position })
    .from(scoreSubjects)
    .where(inArray(scoreSubjects.id, [...bySubject.keys()]));
  return names.sort((a, b) => a.position - b.position).map((n) => ({ subjectId: n.id, nameKm: n.nameKm, nameEn: n.nameEn, students: bySubject.get(n.id)! }));
}

interface GuardianTarget {
  guardianId: number;
  telegramUserId: number;
  locale: Locale | null;
  studentId: number;
}

async function guardiansOf(ex: Executor, studentIds: number[]): Promise<GuardianTarget[]> {
  if (studentIds.length === 0) return [];
  const rows = await ex
    .select({ guardianId: guardians.id, telegramUserId: guardians.telegramUserId, locale: telegramAccounts.locale, studentId: studentGuardians.studentId })
    .from(studentGuardians)
    .innerJoin(guardians, eq(guardians.id, studentGuardians.guardianId))
    .leftJoin(telegramAccounts, eq(telegramAccounts.telegramUserId, guardians.telegramUserId))
    .where(and(inArray(studentGuardians.studentId, studentIds), sql`${guardians.telegramUserId} is not null`));
  return rows.map((r) => ({ ...r, telegramUserId: r.telegramUserId! }));
}

/** How an outbox payload points at a report card the resolver draws (in place of the photo). */
export interface ScoreCardRef {
  scoreCard: { publicationId: number; studentId: number; version: number; locale: Locale };
}

export type PublishResult =
  | { ok: true; publicationId: number; students: number; messages: number }
  | { ok: false; reason: 'no-plan' | 'unknown-class' | 'already' | 'empty' }
  | { ok: false; reason: 'missing'; missing: MissingLine[] };

export async function publishClass(
  database: Database,
  notifier: Notifier,
  input: { schoolId: number; classId: number; period: Period; actor: string },
): Promise<PublishResult> {
  const db = database.db;
  const plan = await currentPlan(db, input.schoolId);
  if (!plan) return { ok: false, reason: 'no-plan' };
  const [cls] = await db.select({ id: classes.id, name: classes.name }).from(classes).where(and(eq(classes.id, input.classId), eq(classes.schoolId, input.schoolId), eq(classes.academicYearId, plan.academicYearId)));
  if (!cls) return { ok: false, reason: 'unknown-class' };
  return db.transaction(async (tx) => {
    // one publisher at a time per class
    await tx.execute(sql`select pg_advisory_xact_lock(7301, ${input.classId})`);
    const [already] = await tx.select({ id: scorePublications.id }).from(scorePublications).where(and(eq(scorePublications.classId, input.classId), eq(scorePublications.period, input.period)));
    if (already) return { ok: false as const, reason: 'already' as const };
    const missing = await missingOf(database, plan, input.classId, input.period, tx);
    if (missing.length) return { ok: false as const, reason: 'missing' as const, missing };
    const results = await computeResults(database, { planId: plan.id, period: input.period, classIds: [input.classId] }, tx);
    if (results.length === 0 || results.every((r) => r.subjects.length === 0)) return { ok: false as const, reason: 'empty' as const };
    const [pub] = await tx
      .insert(scorePublications)
      .values({ schoolId: input.schoolId, planId: plan.id, classId: input.classId, period: input.period, publishedBy: input.actor })
      .returning({ id: scorePublications.id });
    const publicationId = pub!.id;
    await tx.insert(scorePublishedResults).values(results.map((r) => ({ publicationId, studentId: r.studentId, schoolId: input.schoolId, result: r as unknown as Record<string, unknown> })));
    const names = await namesOf(tx, results.map((r) => r.studentId));
    const targets = await guardiansOf(tx, results.map((r) => r.studentId));
    const byStudent = new Map(results.map((r) => [r.studentId, r]));
    const messages: OutgoingMessage[] = targets.map((g) => {
      const locale = g.locale ?? notifier.defaultLocale;
      const r = byStudent.get(g.studentId)!;
      const ref: ScoreCardRef = { scoreCard: { publicationId, studentId: g.studentId, version: 1, locale } };
      return {
        dedupeKey: `scores:card:${publicationId}:${g.studentId}:${g.guardianId}`,
        schoolId: input.schoolId,
        capability: CAPABILITY,
        entity: 'score_publication',
        entityId: publicationId,
        studentId: g.studentId,
        chatId: g.telegramUserId,
        method: 'sendPhoto',
        payload: { photo: ref, caption: cardCaption(notifier, locale, names.get(g.studentId)!, cls.name, periodLabel(notifier.t.bind(notifier), locale, input.period, plan.assessments), r, results.length) },
        priority: 7,
      };
    });
    const ids = await addToOutbox(tx, messages);
    await tx.insert(auditLog).values({ actor: input.actor, schoolId: input.schoolId, action: 'scores.publish', entity: 'class', entityId: String(input.classId), details: { period: input.period, publicationId, students: results.length, messages: ids.length } });
    return { ok: true as const, publicationId, students: results.length, messages: ids.length };
  });
}

async function namesOf(ex: Executor, ids: number[]): Promise<Map<number, { nameKm: string; nameEn: string | null }>> {
  if (!ids.length) return new Map();
  const rows = await ex.select({ id: students.id, nameKm: students.nameKm, nameEn: students.nameEn }).from(students).where(inArray(students.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

export function cardCaption(notifier: Notifier, locale: Locale, child: { nameKm: string; nameEn: string | null }, className: string, period: string, r: StudentResult, classSize: number): string {
  return notifier.t(locale, 'scores-card-caption', {
    name: displayName(locale, child),
    class: className,
    period,
    average: score(locale, r.average),
    scale: formatNumber(locale, r.scale),
    rank: r.rank === null ? '–' : formatNumber(locale, r.rank),
    size: formatNumber(locale, classSize),
    letter: r.letter ?? '–',
  });
}

/**
 * After scores of an assessment changed: for each published period of the class that contains it,
 * the new results replace the snapshot and each family whose child's numbers changed gets one
 * correction text (in the caller's transaction). Returns how many corrections were written.
 */
export async function correctPublished(
  database: Database,
  tx: Tx,
  notifier: Notifier,
  input: { plan: Plan; target: Target; assessment: { id: number; term: number }; changes: ScoreChange[]; reason: string; actor: string },
): Promise<number> {
  const pubs = await tx
    .select()
    .from(scorePublications)
    .where(and(eq(scorePublications.classId, input.target.classId), inArray(scorePublications.period, periodsOf(input.assessment))));
  if (pubs.length === 0) return 0;
  await tx.insert(scoreChanges).values(
    input.changes.map((c) => ({
      schoolId: input.target.schoolId,
      publicationId: pubs[0]!.id,
      assessmentId: input.assessment.id,
      subjectId: input.target.subjectId,
      studentId: c.studentId,
      oldValue: c.old?.value ?? null,
      oldAbsent: c.old?.absent ?? false,
      newValue: c.next.value,
      newAbsent: c.next.absent,
      reason: input.reason,
      changedBy: input.actor,
    })),
  );
  const changedIds = new Set(input.changes.map((c) => c.studentId));
  const names = await namesOf(tx, [...changedIds]);
  const targets = (await guardiansOf(tx, [...changedIds])).filter((g) => changedIds.has(g.studentId));
  let written = 0;
  for (const pub of pubs) {
    const period = pub.period as Period;
    const results = await computeResults(database, { planId: input.plan.id, period, classIds: [input.target.classId] }, tx);
    const version = pub.version + 1;
    await tx.update(scorePublications).set({ version }).where(eq(scorePublications.id, pub.id));
    for (const r of results)
      await tx
        .update(scorePublishedResults)
        .set({ result: r as unknown as Record<string, unknown>, version, updatedAt: sql`now()` })
        .where(and(eq(scorePublishedResults.publicationId, pub.id), eq(scorePublishedResults.studentId, r.studentId)));
    const byStudent = new Map(results.map((r) => [r.studentId, r]));
    const label = (locale: Locale) => periodLabel(notifier.t.bind(notifier), locale, period, input.plan.assessments);
    const messages: OutgoingMessage[] = targets.map((g) => {
      const locale = g.locale ?? notifier.defaultLocale;
      const change = input.changes.find((c) => c.studentId === g.studentId)!;
      const r = byStudent.get(g.studentId);
      const shown = (v: { value: number | null; absent: boolean } | null) => (v === null ? '–' : v.absent ? notifier.t(locale, 'scores-absent-short') : score(locale, v.value));
      return {
        dedupeKey: `scores:fix:${pub.id}:v${version}:${g.studentId}:${g.guardianId}`,
        schoolId: input.target.schoolId,
        capability: CAPABILITY,
        entity: 'score_publication',
        entityId: pub.id,
        studentId: g.studentId,
        chatId: g.telegramUserId,
        payload: {
          text: notifier.t(locale, 'scores-correction', {
            name: displayName(locale, names.get(g.studentId)!),
            period: label(locale),
            subject: locale === 'en' ? input.target.subjectNameEn : input.target.subjectNameKm,
            old: shown(change.old),
            new: shown(change.next),
            reason: input.reason,
            average: score(locale, r?.average ?? null),
            rank: r?.rank == null ? '–' : formatNumber(locale, r.rank),
          }),
        },
      };
    });
    written += (await addToOutbox(tx, messages)).length;
  }
  return written;
}

/** Whether any period containing this assessment is published for the class. */
export async function isPublished(ex: Executor, classId: number, assessment: { id: number; term: number }): Promise<boolean> {
  const [row] = await ex
    .select({ id: scorePublications.id })
    .from(scorePublications)
    .where(and(eq(scorePublications.classId, classId), inArray(scorePublications.period, periodsOf(assessment))))
    .limit(1);
  return Boolean(row);
}

export async function publicationOf(ex: Executor, classId: number, period: Period): Promise<{ id: number; schoolId: number; version: number } | null> {
  const [row] = await ex
    .select({ id: scorePublications.id, schoolId: scorePublications.schoolId, version: scorePublications.version })
    .from(scorePublications)
    .where(and(eq(scorePublications.classId, classId), eq(scorePublications.period, period)));
  return row ?? null;
}
