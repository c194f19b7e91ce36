/**
 * Audit trail: every change and every staff read of a child's record, and every denied attempt.
 * Rows carry ids only (never names or phones).
 */
import { auditLog } from '../db/schema.js';
import type { Executor } from '../db/client.js';

export interface AuditEntry {
  /** 'tg:<telegram user id>', 'cli', 'system' */
  actor: string;
  schoolId?: number | null;
  action: string;
  entity?: string;
  entityId?: string | number;
  outcome?: 'ok' | 'denied' | 'failed';
  details?: Record<string, unknown>;
}

export function actorOf(telegramUserId: number): string {
  return `tg:${telegramUserId}`;
}

export async function audit(ex: Executor, entry: AuditEntry | AuditEntry[]): Promise<void> {
  const entries = Array.isArray(entry) ? entry : [entry];
  if (entries.length === 0) return;
  await ex.insert(auditLog).values(
    entries.map((e) => ({
      actor: e.actor,
      schoolId: e.schoolId ?? null,
      action: e.action,
      entity: e.entity ?? null,
      entityId: e.entityId === undefined ? null : String(e.entityId),
      outcome: e.outcome ?? 'ok',
      details: e.details ?? null,
    })),
  );
}
