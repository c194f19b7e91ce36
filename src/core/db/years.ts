/**
 * "This school year's classes": the join every capability writes when it lists a school's
 * classes. One copy, so a change to how the current year is chosen is made once.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * For drizzle's query builder: `.innerJoin(...currentYearOf(classes))` keeps classes of their
 * school's current year (academic_years aliased `ay`).
 */
export function currentYearOf(classesTable: { academicYearId: AnyPgColumn }): [SQL, SQL] {
  return [sql`academic_years ay`, sql`ay.id = ${classesTable.academicYearId} and ay.is_current`];
}

/** For raw SQL over classes aliased `alias`: `join academic_years ay on … and ay.is_current`. */
export function currentYearJoin(alias = 'c'): SQL {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`bad alias ${alias}`);
  return sql.raw(`join academic_years ay on ay.id = ${alias}.academic_year_id and ay.is_current`);
}
