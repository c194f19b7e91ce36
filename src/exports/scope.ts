/** What an export covers: one school, one province or the nation (by code or name). */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../core/db/client.js';
import { findProvince } from '../registry/provinces.js';

export type ExportScope = { kind: 'school'; code: string } | { kind: 'province'; code: string } | { kind: 'nation' };

export class ScopeError extends Error {}

export async function resolveScope(database: Database, input: { school?: string; province?: string; nation?: boolean }): Promise<ExportScope> {
  const given = [input.school !== undefined, input.province !== undefined, input.nation === true].filter(Boolean).length;
  if (given !== 1) throw new ScopeError('give exactly one of --school CODE, --province CODE or --nation');
  if (input.school !== undefined) {
    const [s] = await database.rows<{ code: string }>(sql`select code from schools where code = ${input.school}`);
    if (!s) throw new ScopeError(`no school with code ${input.school}`);
    return { kind: 'school', code: s.code };
  }
  if (input.province !== undefined) {
    const p = await findProvince(database.db, input.province);
    if (!p) throw new ScopeError(`no province with code or name ${input.province}`);
    return { kind: 'province', code: p.code };
  }
  return { kind: 'nation' };
}

/** A condition on `s` (schools) joined with `p` (provinces). */
export function scopeWhere(scope: ExportScope): SQL {
  if (scope.kind === 'nation') return sql`true`;
  return scope.kind === 'school' ? sql`s.code = ${scope.code}` : sql`p.code = ${scope.code}`;
}

export function scopeLabel(scope: ExportScope): string {
  return scope.kind === 'nation' ? 'nation' : `${scope.kind}-${scope.code}`;
}

/**
 * A condition on a table's school id column: `true` for the nation, so that a batched read is an
 * index range scan on the table's own key (`id > after order by id limit n`) and not a join over
 * the whole table per batch.
 */
export function schoolIdIn(scope: ExportScope, column: SQL): SQL {
  if (scope.kind === 'nation') return sql`true`;
  return sql`${column} in (select s.id from schools s join provinces p on p.id = s.province_id where ${scopeWhere(scope)})`;
}
