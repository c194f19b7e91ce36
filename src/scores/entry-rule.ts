/**
 * Who enters (and later signs) a class's subject: the teacher `class_teachers` lists for it, or,
 * for a subject nobody is listed for, the class's homeroom teacher. One rule for score entry
 * (service-entry.ts targetsOf), the save's own check (service-confirm.ts) and the records'
 * subject signatures (records/service-sign.ts), so the three never disagree.
 */
export interface ListedTeacher {
  staffId: number;
  /** the listed subject read as its code (null: a subject the school does not know) */
  code: string | null;
}

export function entersSubject(listed: readonly ListedTeacher[], homeroomStaffId: number | null, staffId: number, code: string): boolean {
  if (listed.some((l) => l.staffId === staffId && l.code === code)) return true;
  return homeroomStaffId === staffId && !listed.some((l) => l.code === code);
}
