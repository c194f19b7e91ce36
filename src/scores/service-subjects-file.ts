/**
 * A subjects workbook sent back (bot or CLI, subjects-workbook.ts) turned into the edits of the
 * typed flow (service-subjects.ts): a row of a subject in use whose names changed is a `rename`,
 * whose maximum changed a `max`, marked not in use a `remove`; a row of a subject the grade does
 * not have (or no longer uses) and in use is an `add`. A subject the file leaves out is not
 * touched — deleting a row is too easy a mistake to mean "remove".
 *
 * The rows are checked first (grade, code, names, maximum, in use, a subject twice), each problem
 * by its row number; then the edits go through the typed flow's own preview and save, whose
 * problems (a subject with scores, say) are named by the row that made the edit. So the same
 * rules hold, re-checked at Confirm under the same lock, audited per change.
 */
import type { Db, Executor } from '../core/db/client.js';
import type { Actor } from '../core/auth/actor.js';
import { officeMembership } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { asciiDigits } from '../core/i18n/index.js';
import { SUBJECTS } from '../teaching/subjects.js';
import { maxOf, previewSchoolSubjectsEdit, SUBJECT_NAME_MAX, subjectRows, type SubjectProblem, type SubjectRow, type SubjectsPreview } from './service-subjects.js';
import { inUse, readSubjectsWorkbook, type Column, type Labels, type SubjectFileRow } from './subjects-workbook.js';

/** A problem of the file; `line` is the sheet's row number. */
export type FileProblem = SubjectProblem | { key: 'bad-active'; line: number } | { key: 'duplicate'; line: number; grade: number; code: string; first: number };

/** What the preview and Confirm re-read (it survives JSON: it is a conversation's argument). */
export interface SubjectsFileEdits {
  file: string;
  /** the typed edits, one per line */
  text: string;
  /** the sheet's row of each line of `text` */
  rows: number[];
}

export type SubjectsFileCheck =
  | { ok: true; edits: SubjectsFileEdits; preview: SubjectsPreview }
  | { ok: false; reason: 'forbidden' | 'unreadable' | 'not-subjects' | 'empty' | 'too-many' | 'unchanged' }
  | { ok: false; reason: 'headers'; missing: Column[] }
  | { ok: false; reason: 'problems'; problems: FileProblem[] };

function validName(s: string): boolean {
  // "|" separates the two names in the typed edit the row becomes
  return s !== '' && s.length <= SUBJECT_NAME_MAX && !s.includes('|');
}

/** The rows as typed edits against the school's subjects now (every subject row, also the removed ones). */
export function editsOfRows(current: readonly SubjectRow[], rows: readonly SubjectFileRow[], labels: Labels): { text: string; rows: number[]; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const lines: string[] = [];
  const lineRows: number[] = [];
  const seen = new Map<string, number>();
  const push = (row: number, line: string) => {
    lines.push(line);
    lineRows.push(row);
  };
  for (const { row, cells } of rows) {
    const gradeText = asciiDigits(cells.grade);
    const grade = /^\d{1,2}$/.test(gradeText) ? Number(gradeText) : NaN;
    if (!(grade >= 1 && grade <= 12)) {
      problems.push({ key: 'bad-grades', line: row });
      continue;
    }
    const code = cells.code.toLowerCase();
    if (!(SUBJECTS as readonly string[]).includes(code)) {
      problems.push({ key: 'bad-code', line: row });
      continue;
    }
    const first = seen.get(`${grade}:${code}`);
    if (first !== undefined) {
      problems.push({ key: 'duplicate', line: row, grade, code, first });
      continue;
    }
    seen.set(`${grade}:${code}`, row);
    const active = inUse(cells.active, labels);
    if (active === null) {
      problems.push({ key: 'bad-active', line: row });
      continue;
    }
    const found = current.find((r) => r.grade === grade && r.code === code);
    if (!active) {
      // a removal needs only grade and code; a row of a subject not in use stays as it is
      if (found?.active) push(row, `remove ${grade} ${code}`);
      continue;
    }
    const { name_km: km, name_en: en } = cells;
    if (!validName(km) || !validName(en)) {
      problems.push({ key: 'bad-names', line: row });
      continue;
    }
    const max = maxOf(asciiDigits(cells.max));
    if (max === null) {
      problems.push({ key: 'bad-max', line: row });
      continue;
    }
    if (!found?.active) {
      push(row, `add ${grade} ${code} ${max} ${km} | ${en}`);
      continue;
    }
    if (found.nameKm !== km || found.nameEn !== en) push(row, `rename ${grade} ${code} ${km} | ${en}`);
    if (found.maxScore !== max) push(row, `max ${grade} ${code} ${max}`);
  }
  return { text: lines.join('\n'), rows: lineRows, problems };
}

/** The typed flow's problems (by line of the edits) named by the rows those lines came from. */
export function rowProblems(problems: readonly SubjectProblem[], rows: readonly number[]): FileProblem[] {
  return problems.map((p) => ({ ...p, line: rows[p.line - 1] ?? p.line }));
}

/** A subjects workbook checked against a school's subjects now: the edits and their preview, or why not. */
export async function checkSchoolSubjectsFile(ex: Executor, schoolId: number, file: { name: string; bytes: Uint8Array }, labels: Labels): Promise<SubjectsFileCheck> {
  const read = await readSubjectsWorkbook(file.bytes, labels);
  return read.ok ? checkRows(ex, schoolId, file.name, read.rows, labels) : read;
}

/**
 * The same for the office of the actor. A workbook that is not a subjects file answers
 * `not-subjects` whoever sends it (the bot passes it on); a subjects file from anyone else is
 * refused, audited.
 */
export async function checkSubjectsFile(db: Db, actor: Actor, file: { name: string; bytes: Uint8Array }, labels: Labels): Promise<SubjectsFileCheck> {
  const read = await readSubjectsWorkbook(file.bytes, labels);
  if (!read.ok && read.reason === 'not-subjects') return read;
  const office = officeMembership(actor);
  // bytes that are no workbook at all are nobody's subjects file: not refused, not audited
  if (!office && !read.ok && read.reason === 'unreadable') return read;
  if (!office) {
    await audit(db, { actor: actorOf(actor.telegramUserId), action: 'scores.subjects', outcome: 'denied', details: { reason: 'forbidden', via: 'xlsx' } });
    return { ok: false, reason: 'forbidden' };
  }
  return read.ok ? checkRows(db, office.schoolId, file.name, read.rows, labels) : read;
}

async function checkRows(ex: Executor, schoolId: number, name: string, rows: SubjectFileRow[], labels: Labels): Promise<SubjectsFileCheck> {
  const made = editsOfRows(await subjectRows(ex, schoolId), rows, labels);
  if (made.problems.length) return { ok: false, reason: 'problems', problems: made.problems };
  if (!made.text) return { ok: false, reason: 'unchanged' };
  const r = await previewSchoolSubjectsEdit(ex, schoolId, made.text);
  if (!r.ok) return r.reason === 'problems' ? { ok: false, reason: 'problems', problems: rowProblems(r.problems, made.rows) } : r;
  return { ok: true, edits: { file: name, text: made.text, rows: made.rows }, preview: r.preview };
}
