/**
 * The code lists of a staff record. Stored as these codes; shown through the Fluent keys
 * `staffing-<list>-<code>`; a workbook may write the code or its Khmer or English label.
 * Teacher-training levels follow Cambodia's pathways (years of schooling + years of training:
 * 12+2 primary and lower-secondary, 12+4, a bachelor's degree + 1 year for upper secondary).
 */
import type { Locale } from '../core/db/schema.js';
import type { StaffRole } from '../core/auth/roles.js';

export const POSITIONS = ['principal', 'deputy', 'teacher', 'operator', 'librarian', 'accountant', 'guard', 'other'] as const;
export const QUALIFICATIONS = ['primary', 'lower-secondary', 'upper-secondary', 'associate', 'bachelor', 'master', 'doctorate'] as const;
export const TRAINING_LEVELS = ['none', '9-2', '12-2', '12-4', 'ba-1', 'ma'] as const;
export const EMPLOYMENTS = ['civil-servant', 'contract', 'volunteer', 'other'] as const;
export const STAFF_STATUSES = ['active', 'on-leave', 'transferred', 'retired'] as const;

export type Position = (typeof POSITIONS)[number];
export type Qualification = (typeof QUALIFICATIONS)[number];
export type TrainingLevel = (typeof TRAINING_LEVELS)[number];
export type Employment = (typeof EMPLOYMENTS)[number];
export type StaffStatus = (typeof STAFF_STATUSES)[number];

export const CODE_LISTS = {
  position: POSITIONS,
  qualification: QUALIFICATIONS,
  training: TRAINING_LEVELS,
  employment: EMPLOYMENTS,
  status: STAFF_STATUSES,
} as const;
export type CodeList = keyof typeof CODE_LISTS;

/** The Fluent key of a code's label. */
export function codeKey(list: CodeList, code: string): string {
  return `staffing-${list}-${code}`;
}

/** Staff who can no longer be given lessons or covers. */
export function isGone(status: string | null | undefined): boolean {
  return status === 'transferred' || status === 'retired';
}

/** The position of someone without a record yet, from their roles. */
export function positionFromRoles(roles: readonly StaffRole[]): Position {
  if (roles.includes('principal')) return 'principal';
  if (roles.includes('teacher')) return 'teacher';
  if (roles.includes('operator')) return 'operator';
  if (roles.includes('gatekeeper')) return 'guard';
  return 'other';
}

const norm = (s: string) => s.normalize('NFC').toLowerCase().replace(/[\s_]+/g, '').replace(/[‐–—]/g, '-');

/**
 * Reads a workbook cell as a code of the list: the code itself or its label in either language
 * (`t` gives labels). Null when it is none of them.
 */
export function codeFromCell(list: CodeList, cell: string, t: (locale: Locale, key: string) => string): string | null {
  const wanted = norm(cell);
  if (!wanted) return null;
  for (const code of CODE_LISTS[list]) {
    if (norm(code) === wanted) return code;
    for (const locale of ['km', 'en'] as const) if (norm(t(locale, codeKey(list, code))) === wanted) return code;
  }
  return null;
}
