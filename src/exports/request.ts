/**
 * What an official may export from the chat, by role: a provincial director their province, the
 * national administrator the nation, a principal their school. The scope comes from the actor at
 * the moment of asking (never from a button), and every request is audited.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../core/db/client.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import type { ExportScope } from './scope.js';

export const EXPORT_KINDS = ['oneroster', 'attendance-jsonl', 'attendance-csv'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** The widest scope the actor speaks for, or null (not an official nor a principal). */
export async function exportScopeOf(database: Database, actor: Actor): Promise<ExportScope | null> {
  if (actor.officeProvinces.includes(null)) return { kind: 'nation' };
  const provinceId = actor.officeProvinces[0];
  if (provinceId !== undefined && provinceId !== null) {
    const [p] = await database.rows<{ code: string }>(sql`select code from provinces where id = ${provinceId}`);
    if (p) return { kind: 'province', code: p.code };
  }
  const principal = actor.staff.find((s) => s.roles.includes('principal'));
  return principal ? { kind: 'school', code: principal.schoolCode } : null;
}

export async function auditExportRequest(database: Database, actor: Actor, input: { kind: ExportKind; scope: ExportScope | null; month?: string }): Promise<void> {
  await audit(database.db, {
    actor: actorOf(actor.telegramUserId),
    action: 'export.request',
    outcome: input.scope ? 'ok' : 'denied',
    details: { kind: input.kind, scope: input.scope ? (input.scope.kind === 'nation' ? 'nation' : `${input.scope.kind}:${input.scope.code}`) : null, month: input.month ?? null },
  });
}

/** The scope as the reader reads it. */
export async function scopeTitle(database: Database, scope: ExportScope, locale: 'km' | 'en', t: (key: string, vars?: Record<string, string>) => string): Promise<string> {
  if (scope.kind === 'nation') return t('exports-scope-nation');
  if (scope.kind === 'school') return t('exports-scope-school', { code: scope.code });
  const [p] = await database.rows<{ name_km: string; name_en: string }>(sql`select name_km, name_en from provinces where code = ${scope.code}`);
  return t('exports-scope-province', { name: p ? (locale === 'km' ? p.name_km : p.name_en) : scope.code });
}
