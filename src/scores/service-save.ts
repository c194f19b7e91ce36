/**
 * The two steps every way of entering goes through: `prepareSheet` checks a whole list and keeps
 * it as the draft (returning the preview and the draft's fingerprint), `confirmSheet` saves that
 * exact draft in one transaction — or nothing. A change to a published period needs a reason and
 * sends the families a correction (service-publish.ts).
 */
import type { StaffMembership } from '../core/auth/actor.js';
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../core/db/client.js';
import type { Notifier } from '../core/i18n/index.js';
import type { Subject } from '../teaching/subjects.js';
import { readCell, type Cell, type Preview } from './parse.js';
import { checkCells, cellsHash, loadDraft, rosterOf, saveDraft, targetsOf, writeCells, type Checked, type SheetKey, type Target } from './service-entry.js';
import { correctPublished, isPublished } from './service-publish.js';
import { currentPlan, type PlanAssessment } from './service-setup.js';
import { SUBJECTS_LOCK } from './service-subjects.js';

export type Prepared = { ok: true; preview: Preview; hash: string; published: boolean } | Exclude<Checked, { ok: true }>;

/** `texts` in roll order, one per student of the class. */
export async function prepareSheet(database: Database, target: Target, assessment: PlanAssessment, texts: readonly string[]): Promise<Prepared> {
  const roster = await rosterOf(database.db, target.classId);
  const checked = checkCells(texts, roster.length, target.maxScore);
  if (!checked.ok) return checked;
  const cells = Object.fromEntries(roster.map((s, i) => [String(s.studentId), texts[i]!.trim()]));
  const key: SheetKey = { staffId: target.staffId, classId: target.classId, subjectId: target.subjectId, assessmentId: assessment.id };
  const hash = await saveDraft(database.db, target.schoolId, key, cells);
  return { ok: true, preview: checked.preview, hash, published: await isPublished(database.db, target.classId, assessment) };
}

export type Confirmed =
  | { ok: true; saved: number; changed: number; corrections: number; preview: Preview }
  | { ok: false; reason: 'stale' | 'not-yours' | 'unknown-test' | 'needs-reason' | 'no-plan' };

export async function confirmSheet(
  database: Database,
  notifier: Notifier,
  input: { staff: StaffMembership; subjects: Map<string, Subject>; key: Omit<SheetKey, 'staffId'>; hash: string; reason: string | null; via: string; actor: string },
): Promise<Confirmed> {
  const db = database.db;
  const key: SheetKey = { ...input.key, staffId: input.staff.staffId };
  const [targets, plan, draft] = await Promise.all([targetsOf(db, input.staff, input.subjects, key.classId), currentPlan(db, input.staff.schoolId), loadDraft(db, key)]);
  const target = targets.find((t) => t.subjectId === key.subjectId);
  if (!target) return { ok: false, reason: 'not-yours' };
  if (!plan) return { ok: false, reason: 'no-plan' };
  const assessment = plan.assessments.find((a) => a.id === key.assessmentId);
  if (!assessment) return { ok: false, reason: 'unknown-test' };
  if (!draft || cellsHash(draft) !== input.hash) return { ok: false, reason: 'stale' };
  // the roster may have changed since the preview: the draft must still cover exactly the class
  const roster = await rosterOf(db, key.classId);
  if (roster.length !== Object.keys(draft).length || roster.some((s) => !(String(s.studentId) in draft))) return { ok: false, reason: 'stale' };
  const cells = new Map<number, Cell>();
  for (const s of roster) {
    const r = readCell(draft[String(s.studentId)]!, target.maxScore);
    if (!r.ok) return { ok: false, reason: 'stale' };
    cells.set(s.studentId, r.cell);
  }
  const published = await isPublished(db, key.classId, assessment);
  if (published && !input.reason) return { ok: false, reason: 'needs-reason' };
  return db.transaction(async (tx) => {
    // the subject's maximum the draft was checked against still holds: an office's subject edit
    // (service-subjects.ts) holds this lock exclusively while it checks for entered scores
    const [still] = rowsOf<{ max: string | null }>(
      await tx.execute(sql`select pg_advisory_xact_lock_shared(${SUBJECTS_LOCK}, ${target.schoolId}), (select max_score from score_subjects where id = ${target.subjectId} and active) as max`),
    );
    if (still?.max === null || Number(still?.max) !== target.maxScore) return { ok: false as const, reason: 'stale' as const };
    const changes = await writeCells(tx, target, assessment.id, cells, input.actor, input.via);
    const corrections = published && changes.length ? await correctPublished(database, tx, notifier, { plan, target, assessment, changes, reason: input.reason!, actor: input.actor }) : 0;
    const list = [...cells.values()];
    const values = list.flatMap((c) => (c.kind === 'value' ? [c.value] : []));
    return {
      ok: true as const,
      saved: list.filter((c) => c.kind !== 'blank').length,
      changed: changes.length,
      corrections,
      preview: {
        count: list.length,
        entered: values.length,
        absent: list.filter((c) => c.kind === 'absent').length,
        missing: list.filter((c) => c.kind === 'blank').length,
        mean: values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : null,
      },
    };
  });
}
