/**
 * The texts of a subjects edit, typed or from a workbook: the subjects per grade with what the
 * edit marks, the problems (by line of the typed message, by row of the sheet) and the preview.
 * Shared by the bot (bot-subjects.ts) and the CLI (cli-subjects.ts), so both say the same.
 */
import type { Locale } from '../core/db/schema.js';
import { displayName, formatNumber } from '../core/i18n/index.js';
import type { SubjectProblem, SubjectRow, SubjectsPreview } from './service-subjects.js';
import type { FileProblem } from './service-subjects-file.js';

export type Tr = (key: string, vars?: Record<string, string | number>) => string;

/** Lines of problems in one message before "… and N more" (a message holds 4,096 characters). */
const PROBLEM_LINES = 30;

/** A line per grade: "Grade 7: khmer ភាសាខ្មែរ /100 · ➕ ict ព័ត៌មានវិទ្យា /50 …". */
export function subjectLines(rows: readonly SubjectRow[], locale: Locale, t: Tr, marks: Partial<Pick<SubjectsPreview, 'added' | 'changed' | 'removed'>> = {}, onlyGrades?: Set<number>): string[] {
  const out: string[] = [];
  const shown = rows.filter((r) => (r.active || marks.removed?.includes(`${r.grade}:${r.code}`)) && (!onlyGrades || onlyGrades.has(r.grade)));
  for (const grade of [...new Set(shown.map((r) => r.grade))].sort((a, b) => a - b)) {
    const items = shown
      .filter((r) => r.grade === grade)
      .map((r) => {
        const k = `${r.grade}:${r.code}`;
        const mark = marks.added?.includes(k) ? '➕ ' : marks.removed?.includes(k) ? '➖ ' : marks.changed?.includes(k) ? '✏️ ' : '';
        return `${mark}${r.code} ${displayName(locale, r)} /${formatNumber(locale, r.maxScore)}`;
      });
    out.push(`${t('scores-subjects-grade', { grade: formatNumber(locale, grade) })}: ${items.join(' · ')}`);
  }
  return out;
}

/** One problem: of a typed line (`scores-subjects-*`, $line) or of a sheet's row (`scores-subjects-xlsx-*`, $row). */
export function problemText(p: SubjectProblem | FileProblem, locale: Locale, t: Tr, from: 'typed' | 'file' = 'typed'): string {
  const vars: Record<string, string | number> = {
    ...('grade' in p ? { grade: formatNumber(locale, p.grade), code: p.code } : {}),
    ...('count' in p ? { count: formatNumber(locale, p.count) } : {}),
    ...('first' in p ? { first: formatNumber(locale, p.first) } : {}),
  };
  if (from === 'typed') return t(`scores-subjects-${p.key}`, { line: formatNumber(locale, p.line), ...vars });
  return t(`scores-subjects-xlsx-${p.key}`, { row: formatNumber(locale, p.line), ...vars });
}

/** A sheet's problems, at most PROBLEM_LINES of them, then how many more. */
export function fileProblemLines(problems: readonly FileProblem[], locale: Locale, t: Tr): string[] {
  const out = problems.slice(0, PROBLEM_LINES).map((p) => `• ${problemText(p, locale, t, 'file')}`);
  if (problems.length > PROBLEM_LINES) out.push(t('scores-subjects-xlsx-more', { count: formatNumber(locale, problems.length - PROBLEM_LINES) }));
  return out;
}

/** The subjects after the edit, only the grades it changes, marked. */
export function previewLines(p: SubjectsPreview, locale: Locale, t: Tr): string[] {
  const grades = new Set([...p.added, ...p.changed, ...p.removed].map((k) => Number(k.split(':')[0])));
  return subjectLines(p.rows, locale, t, p, grades);
}
