/**
 * Retention (issue 11, case 15): message bodies of finished outbox rows older than the retention
 * period are cleared; the rows, their status and ids stay for the delivery reports; pending rows
 * and recent ones keep their bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addToOutbox } from '../../src/core/queue/outbox.js';
import { clearOldBodies } from '../../src/lifecycle/retention.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

describe('outbox retention', () => {
  it('clears old bodies of sent and cancelled rows only, and keeps the rows', async () => {
    const ids = await addToOutbox(database.db, [
      { dedupeKey: 'old-sent', chatId: 1, capability: 'attendance', entity: 'alert', entityId: 7, studentId: 3, payload: { text: 'Dara was absent' } },
      { dedupeKey: 'old-cancelled', chatId: 2, payload: { text: 'Sokha was absent' } },
      { dedupeKey: 'old-pending', chatId: 3, payload: { text: 'still to send' } },
      { dedupeKey: 'new-sent', chatId: 4, payload: { text: 'yesterday' } },
    ]);
    await database.db.execute(sql`update outbox set status = 'sent', sent_at = now() where dedupe_key in ('old-sent', 'new-sent')`);
    await database.db.execute(sql`update outbox set status = 'cancelled' where dedupe_key = 'old-cancelled'`);
    await database.db.execute(sql`update outbox set created_at = now() - interval '91 days' where dedupe_key like 'old-%'`);

    expect(await clearOldBodies(database.db, 90)).toBe(2);
    expect(await clearOldBodies(database.db, 90)).toBe(0);
    const rows = await database.rows<{ dedupe_key: string; status: string; payload: Record<string, unknown>; entity_id: string | null; student_id: number | null }>(
      sql`select dedupe_key, status, payload, entity_id, student_id from outbox order by id`,
    );
    expect(rows).toHaveLength(ids.length);
    expect(rows.map((r) => [r.dedupe_key, r.status, Object.keys(r.payload).length])).toEqual([
      ['old-sent', 'sent', 0],
      ['old-cancelled', 'cancelled', 0],
      ['old-pending', 'pending', 1],
      ['new-sent', 'sent', 1],
    ]);
    expect(rows[0]).toMatchObject({ student_id: 3 });
    expect(Number(rows[0]!.entity_id)).toBe(7);
  });
});
