/**
 * The office edits its subjects per grade from the chat. One typed message, an edit per line —
 *   add GRADES CODE MAX [Khmer name | English name]     max GRADES CODE MAX
 *   rename GRADES CODE Khmer name | English name        remove GRADES CODE
 * (GRADES: 7, 7-9 or 7,8; CODE: a curriculum subject code, teaching/subjects.ts) — is read against
 * the school's subjects (every bad line named by its number, nothing kept), shown as the subjects
 * it would make, and written only on Confirm: read again then, under a per-school lock, in one
 * transaction with an audit row per change.
 *
 * A maximum is what every entered score of the subject was checked against and what its results
 * divide by, so a subject that has scores keeps its maximum and cannot be removed: such a line is
 * refused, naming how many scores it has. Renaming is always allowed (the numbers stay true).
 */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { auditLog } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { asciiDigits } from '../core/i18n/index.js';
import { SUBJECTS, type Subject } from '../teaching/subjects.js';
import { defaultSubjectNames } from './defaults.js';
import { scoreSubjects } from './schema.js';

export interface SubjectRow {
  /** null: added by the edits */
  id: number | null;
  grade: number;
  code: string;
  nameKm: string;
  nameEn: string;
  maxScore: number;
  position: number;
  active: boolean;
  /** scores entered for it, in any year */
  scores: number;
}

export type SubjectProblem =
  | { key: 'bad-verb' | 'bad-grades' | 'bad-code' | 'bad-max' | 'bad-names'; line: number }
  | { key: 'no-subject' | 'exists'; line: number; grade: number; code: string }
  | { key: 'has-scores'; line: number; grade: number; code: string; count: number };

export interface SubjectsPreview {
  rows: SubjectRow[];
  /** "grade:code" of the rows the edits add or change */
  added: string[];
  changed: string[];
  removed: string[];
}

const key = (r: { grade: number; code: string }) => `${r.grade}:${r.code}`;

/** Every subject row of the school (also removed ones), with its count of entered scores. */
export async function subjectRows(ex: Executor, schoolId: number): Promise<SubjectRow[]> {
  const rows = rowsOf<{ id: number; grade: number; code: string; name_km: string; name_en: string; max_score: string; position: number; active: boolean; scores: number }>(
    await ex.execute(sql`
      select ss.id, ss.grade, ss.code, ss.name_km, ss.name_en, ss.max_score, ss.position, ss.active,
             (select count(*) from scores x where x.subject_id = ss.id)::int as scores
        from score_subjects ss where ss.school_id = ${schoolId} order by ss.grade, ss.position, ss.id`),
  );
  return rows.map((r) => ({ id: Number(r.id), grade: Number(r.grade), code: r.code, nameKm: r.name_km, nameEn: r.name_en, maxScore: Number(r.max_score), position: Number(r.position), active: r.active, scores: Number(r.scores) }));
}

function grades(raw: string): number[] | null {
  const out = new Set<number>();
  for (const part of raw.split(',')) {
    const m = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(part);
    if (!m) return null;
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (a < 1 || b > 12 || a > b) return null;
    for (let g = a; g <= b; g++) out.add(g);
  }
  return out.size ? [...out] : null;
}

/** The longest name a subject may have, in either language. */
export const SUBJECT_NAME_MAX = 60;

function names(rest: string): { nameKm: string; nameEn: string } | null {
  const [km, en, extra] = rest.split('|').map((s) => s.trim());
  if (!km || !en || extra !== undefined || km.length > SUBJECT_NAME_MAX || en.length > SUBJECT_NAME_MAX) return null;
  return { nameKm: km, nameEn: en };
}

/** A maximum as typed (`50`, `12.5`, `12,5`): above 0, at most 1000, two decimals at most. */
export function maxOf(raw: string | undefined): number | null {
  if (!raw || !/^\d{1,4}(?:[.,]\d{1,2})?$/.test(raw)) return null;
  const n = Number(raw.replace(',', '.'));
  return n > 0 && n <= 1000 ? n : null;
}

export function applySubjectEdits(start: readonly SubjectRow[], text: string): { rows: SubjectRow[]; problems: SubjectProblem[]; touched: Set<string> } {
  const rows = start.map((r) => ({ ...r }));
  const problems: SubjectProblem[] = [];
  const touched = new Set<string>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    // Khmer digits count as digits in the verb's grades and maximum, but a name keeps what was
    // typed ("គណិតវិទ្យា ១" stays so): the names are cut from the line as typed (asciiDigits keeps
    // every position, so the two lines line up).
    const typed = raw.trim();
    const row = asciiDigits(typed);
    if (!row) continue;
    const line = i + 1;
    const [verbRaw = '', gradesRaw = '', codeRaw = '', ...rest] = row.split(/\s+/);
    const verb = verbRaw.toLowerCase();
    if (!['add', 'max', 'rename', 'remove'].includes(verb) || !codeRaw) {
      problems.push({ key: 'bad-verb', line });
      continue;
    }
    const list = grades(gradesRaw);
    const code = codeRaw.toLowerCase();
    if (!list) {
      problems.push({ key: 'bad-grades', line });
      continue;
    }
    if (!(SUBJECTS as readonly string[]).includes(code)) {
      problems.push({ key: 'bad-code', line });
      continue;
    }
    const tail = typed.slice(row.indexOf(codeRaw) + codeRaw.length).trim();
    for (const grade of list) {
      const at = rows.findIndex((r) => r.grade === grade && r.code === code);
      const found = at >= 0 ? rows[at]! : undefined;
      if (verb === 'add') {
        const max = maxOf(rest[0]);
        const given = rest.length > 1 ? names(tail.slice(rest[0]!.length)) : defaultSubjectNames(code as Subject);
        if (found?.active) problems.push({ key: 'exists', line, grade, code });
        else if (max === null) problems.push({ key: 'bad-max', line });
        else if (!given) problems.push({ key: 'bad-names', line });
        else if (found && found.scores > 0 && found.maxScore !== max) problems.push({ key: 'has-scores', line, grade, code, count: found.scores });
        else {
          const position = Math.max(0, ...rows.filter((r) => r.grade === grade).map((r) => r.position)) + 1;
          if (found) Object.assign(found, { ...given, maxScore: max, active: true });
          else rows.push({ id: null, grade, code, ...given, maxScore: max, position, active: true, scores: 0 });
          touched.add(key({ grade, code }));
        }
        continue;
      }
      if (!found?.active) {
        problems.push({ key: 'no-subject', line, grade, code });
        continue;
      }
      if (verb === 'rename') {
        const given = names(tail);
        if (!given) problems.push({ key: 'bad-names', line });
        else Object.assign(found, given);
      } else if (verb === 'max') {
        const max = rest.length === 1 ? maxOf(rest[0]) : null;
        if (max === null) problems.push({ key: 'bad-max', line });
        else if (found.scores > 0 && max !== found.maxScore) problems.push({ key: 'has-scores', line, grade, code, count: found.scores });
        else found.maxScore = max;
      } else if (rest.length) problems.push({ key: 'bad-verb', line });
      else if (found.scores > 0) problems.push({ key: 'has-scores', line, grade, code, count: found.scores });
      else found.active = false;
      touched.add(key({ grade, code }));
    }
  }
  return { rows, problems: dedupe(problems), touched };
}

/** A line over several grades may fail the same way for each: say it once per line and kind. */
function dedupe(problems: SubjectProblem[]): SubjectProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.line}:${p.key}:${'grade' in p ? p.grade : ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The edits read against a school's subjects now, without saving (the CLI's dry run). */
export async function previewSchoolSubjectsEdit(ex: Executor, schoolId: number, text: string): Promise<SubjectsEditResult> {
  const r = await preview(ex, schoolId, text);
  return r.ok ? { ok: true, preview: r.preview } : { ok: false, reason: 'problems', problems: r.problems };
}

async function preview(ex: Executor, schoolId: number, text: string): Promise<{ ok: true; preview: SubjectsPreview; before: SubjectRow[] } | { ok: false; problems: SubjectProblem[] }> {
  const before = await subjectRows(ex, schoolId);
  const { rows, problems, touched } = applySubjectEdits(before, text);
  if (problems.length) return { ok: false, problems };
  const was = new Map(before.map((r) => [key(r), r]));
  const added = rows.filter((r) => touched.has(key(r)) && r.active && !was.get(key(r))?.active).map(key);
  const removed = rows.filter((r) => touched.has(key(r)) && !r.active && was.get(key(r))?.active).map(key);
  const changed = [...touched].filter((k) => !added.includes(k) && !removed.includes(k));
  return { ok: true, before, preview: { rows, added, changed, removed } };
}

export type SubjectsEditResult = { ok: true; preview: SubjectsPreview } | { ok: false; reason: 'forbidden' } | { ok: false; reason: 'problems'; problems: SubjectProblem[] };

async function refuse(ex: Executor, actor: Actor): Promise<{ ok: false; reason: 'forbidden' }> {
  await audit(ex, { actor: actorOf(actor.telegramUserId), action: 'scores.subjects', outcome: 'denied', details: { reason: 'forbidden' } });
  return { ok: false, reason: 'forbidden' };
}

/** The school's subjects for the office (refused, audited, for anyone else). */
export async function subjectsToEdit(db: Db, actor: Actor): Promise<{ ok: true; rows: SubjectRow[] } | { ok: false; reason: 'forbidden' }> {
  const office = officeMembership(actor);
  if (!office) return refuse(db, actor);
  return { ok: true, rows: (await subjectRows(db, office.schoolId)).filter((r) => r.active) };
}

export async function previewSubjectsEdit(db: Db, actor: Actor, text: string): Promise<SubjectsEditResult> {
  const office = officeMembership(actor);
  if (!office) return refuse(db, actor);
  return previewSchoolSubjectsEdit(db, office.schoolId, text);
}

/**
 * Writes the edits, read again now: one edit of a school's subjects at a time (the advisory lock),
 * and no score lands between the check for entered scores and the change (lockSubjectRows).
 */
export async function saveSubjectsEdit(db: Db, actor: Actor, text: string): Promise<SubjectsEditResult> {
  const office = officeMembership(actor);
  if (!office) return refuse(db, actor);
  return saveSchoolSubjectsEdit(db, office.schoolId, actorOf(actor.telegramUserId), text);
}

/** The same for a school named by the caller (the CLI, actor 'cli'), who answers for the right to. */
export async function saveSchoolSubjectsEdit(db: Db, schoolId: number, who: string, text: string): Promise<SubjectsEditResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SUBJECTS_LOCK}, ${schoolId})`);
    await lockSubjectRows(tx, schoolId);
    const r = await preview(tx, schoolId, text);
    if (!r.ok) return { ok: false as const, reason: 'problems' as const, problems: r.problems };
    const was = new Map(r.before.map((x) => [key(x), x]));
    const touched = new Set([...r.preview.added, ...r.preview.changed, ...r.preview.removed]);
    for (const row of r.preview.rows.filter((x) => touched.has(key(x)))) {
      const old = was.get(key(row));
      let id = row.id;
      if (!old) {
        [{ id }] = (await tx
          .insert(scoreSubjects)
          .values({ schoolId, grade: row.grade, code: row.code, nameKm: row.nameKm, nameEn: row.nameEn, maxScore: row.maxScore, position: row.position, active: true })
          .returning({ id: scoreSubjects.id })) as [{ id: number }];
      } else {
        await tx
          .update(scoreSubjects)
          .set({ nameKm: row.nameKm, nameEn: row.nameEn, maxScore: row.maxScore, active: row.active })
          .where(and(eq(scoreSubjects.schoolId, schoolId), eq(scoreSubjects.id, old.id!)));
      }
      await tx.insert(auditLog).values({
        actor: who,
        schoolId,
        action: 'scores.subject.edit',
        entity: 'score_subject',
        entityId: String(id),
        details: { grade: row.grade, added: !old?.active, active: row.active, max: old && old.maxScore !== row.maxScore ? row.maxScore : undefined, renamed: old ? old.nameKm !== row.nameKm || old.nameEn !== row.nameEn : undefined },
      });
    }
    return { ok: true as const, preview: r.preview };
  });
}

/** The advisory lock class of a school's subject edits (the second key is the school id). */
export const SUBJECTS_LOCK = 13_001;

/**
 * Locks the school's subject rows for update, as the statement BEFORE an edit counts entered
 * scores. A score save checks its subject's maximum under a share lock on that row in the very
 * statement that writes the scores (writeCells): so an edit that got here first is waited for and
 * its new maximum seen (a locking read re-reads the latest row), and a save that got there first
 * is waited for here, its scores then counted by the edit's next statement.
 */
export async function lockSubjectRows(tx: Executor, schoolId: number): Promise<void> {
  await tx.execute(sql`select id from score_subjects where school_id = ${schoolId} for update`);
}
