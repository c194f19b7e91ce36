/**
 * The two steps every way of entering goes through: `prepareSheet` checks a whole list and keeps
 * it as the draft (returning the preview and the draft's fingerprint), `confirmSheet` saves that
 * exact draft in one transaction — or nothing. A change to a published period needs a reason and
 * sends the families a correction (service-publish.ts).
 */
import type { StaffMembership } from '../core/auth/actor.js';
import type { Database } from '../core/db/client.js';
import type { Notifier } from '../core/i18n/index.js';
import type { Subject } from '../teaching/subjects.js';
import { readCell, type Cell, type Preview } from './parse.js';
import { checkCells, cellsHash, rosterOf, saveDraft, writeCells, type Checked, type SheetKey, type Target } from './service-entry.js';
import { confirmContext } from './service-confirm.js';
import { correctPublished, isPublished } from './service-publish.js';
import { currentPlan, type PlanAssessment } from './service-setup.js';

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
  const ctx = await confirmContext(db, input.staff, input.subjects, input.key);
  const target = ctx.target;
  if (!target) return { ok: false, reason: 'not-yours' };
  const assessment = ctx.assessment;
  if (!assessment) return { ok: false, reason: (await currentPlan(db, input.staff.schoolId)) ? 'unknown-test' : 'no-plan' };
  const draft = ctx.draft;
  if (!draft || cellsHash(draft) !== input.hash) return { ok: false, reason: 'stale' };
  // the roster may have changed since the preview: the draft must still cover exactly the class
  const roster = ctx.roster;
  if (roster.length !== Object.keys(draft).length || roster.some((id) => !(String(id) in draft))) return { ok: false, reason: 'stale' };
  const cells = new Map<number, Cell>();
  for (const id of roster) {
    const r = readCell(draft[String(id)]!, target.maxScore);
    if (!r.ok) return { ok: false, reason: 'stale' };
    cells.set(id, r.cell);
  }
  const published = ctx.published;
  if (published && !input.reason) return { ok: false, reason: 'needs-reason' };
  // a correction to a published period needs the plan's rules (rare: read only then)
  const plan = published ? await currentPlan(db, input.staff.schoolId) : null;
  if (published && !plan) return { ok: false, reason: 'no-plan' };
  // The subject's maximum the draft was checked against must still hold: the write checks it
  // itself, under a share lock on the subject's row, and writes nothing when it changed. An
  // office's subject edit (service-subjects.ts) locks those rows for update before it counts
  // entered scores, so either the edit waits for this save and then sees its scores, or this save
  // waits for the edit and then sees the new maximum (a locking read sees the latest row).
  // A plain save is that one statement, with no transaction around it; a correction to a
  // published period also queues the families' corrections, so it is a transaction.
  const saved = published
    ? await db.transaction(async (tx) => {
        const changes = await writeCells(tx, target, assessment.id, cells, input.actor, input.via);
        const corrections = changes?.length ? await correctPublished(database, tx, notifier, { plan: plan!, target, assessment, changes, reason: input.reason!, actor: input.actor }) : 0;
        return changes && { changes, corrections };
      })
    : await writeCells(db, target, assessment.id, cells, input.actor, input.via).then((changes) => changes && { changes, corrections: 0 });
  if (!saved) return { ok: false, reason: 'stale' };
  const list = [...cells.values()];
  const values = list.flatMap((c) => (c.kind === 'value' ? [c.value] : []));
  return {
    ok: true,
    saved: list.filter((c) => c.kind !== 'blank').length,
    changed: saved.changes.length,
    corrections: saved.corrections,
    preview: {
      count: list.length,
      entered: values.length,
      absent: list.filter((c) => c.kind === 'absent').length,
      missing: list.filter((c) => c.kind === 'blank').length,
      mean: values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : null,
    },
  };
}
