/**
 * Producer side of the outbox: capabilities call `addToOutbox` inside the transaction that makes
 * the change, so the message exists exactly when the change does. The dedupe key makes a retried
 * transaction or a double submit produce one row, hence one message.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { outbox } from '../db/schema.js';

export interface OutgoingMessage {
  /** Unique per recipient and event, e.g. `absent:2026-11-23:morning:guardian:42` */
  dedupeKey: string;
  schoolId?: number | null;
  /** the capability writing it (its id), and the record the message is about */
  capability?: string;
  entity?: string;
  entityId?: number;
  /** the child the message is about: a recipient no longer linked to them does not get it */
  studentId?: number | null;
  chatId: number;
  method?: 'sendMessage' | 'sendPhoto' | 'sendDocument' | 'sendVoice' | 'sendVideo' | 'copyMessage';
  payload: Record<string, unknown>;
  /** lower goes first; 1 = urgent, 5 = normal, 9 = bulk */
  priority?: number;
  notBefore?: Date;
}

/** Returns the ids of rows actually inserted (already-known dedupe keys are skipped). */
export async function addToOutbox(ex: Executor, messages: OutgoingMessage | OutgoingMessage[]): Promise<number[]> {
  const list = Array.isArray(messages) ? messages : [messages];
  if (list.length === 0) return [];
  const rows = await ex
    .insert(outbox)
    .values(
      list.map((m) => ({
        dedupeKey: m.dedupeKey,
        schoolId: m.schoolId ?? null,
        capability: m.capability ?? null,
        entity: m.entity ?? null,
        entityId: m.entityId ?? null,
        studentId: m.studentId ?? null,
        chatId: m.chatId,
        method: m.method ?? 'sendMessage',
        payload: m.payload,
        priority: m.priority ?? 5,
        notBefore: m.notBefore ?? sql`now()`,
      })),
    )
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id });
  return rows.map((r) => r.id);
}
