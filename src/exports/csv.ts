/** CSV lines (RFC 4180: quoted when needed, CRLF) and batched keyset reads, for streamed exports. */
import type { SQL } from 'drizzle-orm';
import type { Database } from '../core/db/client.js';

export function csvLine(cells: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return (
    cells
      .map((c) => {
        const s = c === null || c === undefined ? '' : String(c);
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}

export const BATCH = 5000;

/**
 * Rows in batches by a numeric key (`after` → the query's rows with key > after, ordered, at
 * most BATCH): memory stays one batch whatever the size of the scope.
 */
export async function* batches<T extends { k: number | string }>(database: Database, query: (after: number) => SQL): AsyncGenerator<T> {
  let after = 0;
  for (;;) {
    const rows = await database.rows<T>(query(after));
    for (const r of rows) yield r;
    if (rows.length < BATCH) return;
    after = Number(rows.at(-1)!.k);
  }
}
