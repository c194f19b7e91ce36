/**
 * What a report holds, independent of how it is computed (queries.ts) or shown (render.ts,
 * workbook.ts). Plain data: it crosses from the worker's SQL to the renderers unchanged.
 */
import type { Shift } from '../core/db/schema.js';

/** Marks counted in a period, by status, for everyone and for girls (EMIS reports by sex). */
export interface Breakdown {
  present: number;
  absent: number;
  late: number;
  excused: number;
  /** marks in total (students × school days submitted) */
  total: number;
  presentF: number;
  absentF: number;
  lateF: number;
  excusedF: number;
  totalF: number;
}

export interface SchoolRef {
  code: string;
  nameKm: string;
  nameEn: string;
}

export interface ClassLine {
  className: string;
  shift: Shift;
  /** students on the roll, and girls among them */
  students: number;
  studentsF: number;
  /** days the class submitted / school days in the period */
  submittedDays: number;
  schoolDays: number;
  counts: Breakdown;
  /** (present + late) / total, 0..1; null when nothing was submitted */
  rate: number | null;
}

export interface StudentLine {
  code: string;
  nameKm: string;
  nameEn: string | null;
  sex: 'M' | 'F';
  className: string;
  present: number;
  absent: number;
  late: number;
  excused: number;
  /** days with a mark */
  days: number;
  rate: number | null;
  /** longest run of consecutive school days absent */
  maxConsecutiveAbsent: number;
  /** absent ≥ 3 school days in a row, or on ≥ 10 % of the days with a mark (10 days or more) */
  chronic: boolean;
  /** roll number on the class list */
  roll?: number | null;
  /** the mark of each school day of the period (report.schoolDays, same order); null: no mark */
  register?: Array<'present' | 'absent' | 'late' | 'excused' | null>;
}

export interface DayLine {
  day: string;
  className: string;
  shift: Shift;
  present: number;
  absent: number;
  late: number;
  excused: number;
}

export interface MissingLine {
  day: string;
  className: string;
  shift: Shift;
  teacher: string | null;
}

export interface SchoolReport {
  kind: 'daily' | 'monthly' | 'range';
  /** 'shift' (default): lines grouped under shift headings; 'none': one list (a roll-up of schools) */
  grouping?: 'shift' | 'none';
  school: SchoolRef;
  /** first and last day of the period (equal for a daily report) */
  from: string;
  to: string;
  /** label of the period, e.g. 2026-11-23 or 2026-10 */
  period: string;
  schoolDays: string[];
  classes: ClassLine[];
  totals: Breakdown;
  rate: number | null;
  students: StudentLine[];
  daily: DayLine[];
  notSubmitted: MissingLine[];
  /** a class report's classes ("7A, 7B"), shown with the school's name so it is not forwarded as the school's */
  classLabel?: string;
}
