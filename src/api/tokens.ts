/**
 * Issuing, listing, revoking and checking API tokens. A token is 32 random bytes (base64url) with
 * the prefix `sis_`; only its SHA-256 is stored, so a leaked database does not leak tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../core/db/client.js';
import { schools } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { findProvince } from '../registry/provinces.js';
import { apiTokens } from './schema.js';

export type TokenScope = { kind: 'school'; code: string } | { kind: 'province'; code: string } | { kind: 'nation' };
export type TokenLevel = 'aggregate' | 'student';

export interface ApiToken {
  id: number;
  name: string;
  scope: TokenScope;
  level: TokenLevel;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function scopeText(s: TokenScope): string {
  return s.kind === 'nation' ? 'nation' : `${s.kind}:${s.code}`;
}

export class TokenInputError extends Error {}

/** `school:CODE`, `province:CODE|NAME` or `nation`, checked against the database. */
export async function parseScope(ex: Executor, text: string): Promise<TokenScope> {
  const t = text.trim();
  if (t === 'nation') return { kind: 'nation' };
  const m = /^(school|province):(.+)$/.exec(t);
  if (!m) throw new TokenInputError('--scope must be school:CODE, province:CODE or nation');
  if (m[1] === 'school') {
    const [s] = await ex.select({ code: schools.code }).from(schools).where(eq(schools.code, m[2]!));
    if (!s) throw new TokenInputError(`no school with code ${m[2]}`);
    return { kind: 'school', code: s.code };
  }
  const p = await findProvince(ex, m[2]!);
  if (!p) throw new TokenInputError(`no province with code or name ${m[2]}`);
  return { kind: 'province', code: p.code };
}

export async function issueToken(ex: Executor, input: { name: string; scope: TokenScope; level: TokenLevel }, actor: string): Promise<{ id: number; token: string }> {
  const token = `sis_${randomBytes(32).toString('base64url')}`;
  const [row] = await ex
    .insert(apiTokens)
    .values({ name: input.name, hash: hashToken(token), scopeKind: input.scope.kind, scopeCode: input.scope.kind === 'nation' ? null : input.scope.code, level: input.level })
    .returning({ id: apiTokens.id });
  await audit(ex, { actor, action: 'api.token.add', entity: 'api_token', entityId: row!.id, details: { scope: scopeText(input.scope), level: input.level } });
  return { id: row!.id, token };
}

export async function listTokens(ex: Executor) {
  return ex.select({ id: apiTokens.id, name: apiTokens.name, scopeKind: apiTokens.scopeKind, scopeCode: apiTokens.scopeCode, level: apiTokens.level, createdAt: apiTokens.createdAt, revokedAt: apiTokens.revokedAt }).from(apiTokens).orderBy(apiTokens.id);
}

export async function revokeToken(ex: Executor, id: number, actor: string): Promise<boolean> {
  const rows = await ex.update(apiTokens).set({ revokedAt: new Date() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).returning({ id: apiTokens.id });
  if (rows.length > 0) await audit(ex, { actor, action: 'api.token.revoke', entity: 'api_token', entityId: id });
  return rows.length > 0;
}

/** The token of an `Authorization: Bearer …` header: valid, revoked, or unknown. */
export async function checkToken(ex: Executor, token: string): Promise<{ ok: true; token: ApiToken } | { ok: false; reason: 'unknown' | 'revoked'; id?: number }> {
  const [row] = await ex.select().from(apiTokens).where(eq(apiTokens.hash, hashToken(token)));
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revokedAt) return { ok: false, reason: 'revoked', id: row.id };
  const scope: TokenScope = row.scopeKind === 'nation' ? { kind: 'nation' } : { kind: row.scopeKind, code: row.scopeCode! };
  return { ok: true, token: { id: row.id, name: row.name, scope, level: row.level } };
}
