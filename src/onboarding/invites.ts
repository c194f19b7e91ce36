/**
 * Invite codes: printed for a parent whose phone is not on the roster, or sent to a new staff
 * member. 128 random bits, base64url, behind a one-letter prefix: fits a deep-link start payload
 * (≤ 64 chars of A-Za-z0-9_-), cannot be guessed, and only its SHA-256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.js';
import { invites } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import type { InviteKind } from '../core/auth/roles.js';

export { INVITE_KINDS, type InviteKind } from '../core/auth/roles.js';

const CODE_RE = /^i[A-Za-z0-9_-]{22}$/;
export const STAFF_INVITE_DAYS = 7;
export const PARENT_INVITE_DAYS = 90;

export function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

export function looksLikeInviteCode(text: string): boolean {
  return CODE_RE.test(text);
}

export function deepLink(botUsername: string | undefined, code: string): string {
  return `https://t.me/${botUsername ?? '<bot_username>'}?start=${code}`;
}

export interface NewInvite {
  schoolId: number;
  kind: InviteKind;
  studentId?: number;
  staffId?: number;
  createdBy: string;
  ttlDays?: number;
}

export async function createInvite(db: Db, input: NewInvite): Promise<{ id: number; code: string; expiresAt: Date }> {
  const code = `i${randomBytes(16).toString('base64url')}`;
  const days = input.ttlDays ?? (input.kind === 'parent' ? PARENT_INVITE_DAYS : STAFF_INVITE_DAYS);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(invites)
      .values({
        codeHash: hashCode(code),
        schoolId: input.schoolId,
        kind: input.kind,
        studentId: input.studentId ?? null,
        staffId: input.staffId ?? null,
        expiresAt: sql`now() + make_interval(days => ${days})`,
        createdBy: input.createdBy,
      })
      .returning({ id: invites.id, expiresAt: invites.expiresAt });
    await audit(tx, {
      actor: input.createdBy,
      schoolId: input.schoolId,
      action: 'invite.create',
      entity: input.studentId ? 'student' : 'invite',
      entityId: input.studentId ?? row!.id,
      details: { kind: input.kind, inviteId: row!.id },
    });
    return { id: row!.id, code, expiresAt: row!.expiresAt };
  });
}
