/**
 * The conflict check of a timetable, on the lessons read from the grid (pure):
 * - a class with two lessons at once: two of its periods overlap in time;
 * - a teacher in two classes at once: two of their lessons on one weekday overlap in time
 *   (periods of different shifts compare by their times, not their numbers);
 * - a teacher over the school's weekly cap (lessons a week): the cell of the first lesson past it.
 * Every conflict names its cells.
 */
import type { GridLesson, GridPeriod, GridProblem } from './grid.js';

const overlaps = (a: { starts: string; ends: string }, b: { starts: string; ends: string }) => a.starts < b.ends && b.starts < a.ends;

export function timetableConflicts(lessons: GridLesson[], periods: GridPeriod[], weeklyCap: number): GridProblem[] {
  const problems: GridProblem[] = [];
  // A class's periods must not overlap.
  const byClass = new Map<number, GridPeriod[]>();
  for (const p of periods) byClass.set(p.classId, [...(byClass.get(p.classId) ?? []), p]);
  for (const list of byClass.values()) {
    const sorted = [...list].sort((a, b) => a.starts.localeCompare(b.starts));
    for (let i = 1; i < sorted.length; i++) {
      if (overlaps(sorted[i - 1]!, sorted[i]!)) problems.push({ code: 'overlapping-periods', cell: sorted[i]!.cell, other: sorted[i - 1]!.cell, value: `${sorted[i]!.starts}-${sorted[i]!.ends}` });
    }
  }
  // A teacher in one place at a time.
  const byTeacherDay = new Map<string, GridLesson[]>();
  for (const l of lessons) {
    const k = `${l.staffId}:${l.weekday}`;
    byTeacherDay.set(k, [...(byTeacherDay.get(k) ?? []), l]);
  }
  for (const list of byTeacherDay.values()) {
    const sorted = [...list].sort((a, b) => a.starts.localeCompare(b.starts) || a.cell.localeCompare(b.cell));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length && sorted[j]!.starts < sorted[i]!.ends; j++) {
        const [a, b] = [sorted[i]!, sorted[j]!];
        if (a.classId === b.classId && a.period === b.period) continue;
        if (overlaps(a, b)) problems.push({ code: 'teacher-clash', cell: b.cell, other: a.cell, staffId: a.staffId, weekday: a.weekday, value: `${b.starts}-${b.ends}` });
      }
    }
  }
  // The weekly cap.
  const byTeacher = new Map<number, GridLesson[]>();
  for (const l of lessons) byTeacher.set(l.staffId, [...(byTeacher.get(l.staffId) ?? []), l]);
  for (const [staffId, list] of byTeacher) {
    if (list.length <= weeklyCap) continue;
    const ordered = [...list].sort((a, b) => a.weekday - b.weekday || a.starts.localeCompare(b.starts) || a.cell.localeCompare(b.cell));
    problems.push({ code: 'over-cap', cell: ordered[weeklyCap]!.cell, staffId, count: list.length });
  }
  return problems;
}
