/**
 * A roster file sent to the bot: checked (the same all-or-nothing validation as the CLI, as a dry
 * run that changes nothing), kept as a pending import with the fingerprint of the changes its
 * summary showed, then imported on the sender's Confirm. The Confirm claims the pending row in the
 * import's own transaction (pending → confirmed), so a replayed, concurrent or foreign Confirm
 * changes nothing, and one whose summary no longer holds (the roster changed since) is refused.
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../core/db/client.js';
import { audit, actorOf } from '../core/auth/audit.js';
import { officeMembership, type Actor } from '../core/auth/actor.js';
import { changesFingerprint } from './changes.js';
import { readTable } from './read.js';
import { rosterPendingImports } from './schema.js';
import { importStaff, importStudents, type Notifier, type StaffImportSummary, type StudentImportSummary } from './service.js';
import type { RosterError, RosterFile } from './values.js';

export type RosterKind = 'students' | 'staff';

/** How long a checked file waits for its Confirm. */
export const PENDING_MINUTES = 60;

export type CheckedFile =
  | { ok: false; reason: 'forbidden' }
  | { ok: false; reason: 'problems'; kind: RosterKind; errors: RosterError[] }
  | { ok: true; kind: 'students'; pendingId: number; summary: StudentImportSummary }
  | { ok: true; kind: 'staff'; pendingId: number; summary: StaffImportSummary };

/** Which roster a file is, from its header row: student_code with class or guardian_phone, or staff_code with role. */
export async function rosterKind(file: RosterFile): Promise<RosterKind | null> {
  const read = await readTable(file, { headerOnly: true });
  if (!read.ok) return read.error.code === 'rows-over-limit' || read.error.code === 'unreadable-file' ? 'students' : null;
  const header = new Set((read.rows[0]?.cells ?? []).map((c) => c.toLowerCase().replace(/ /g, '_')));
  if (header.has('student_code') && (header.has('class') || header.has('guardian_phone'))) return 'students';
  // a staff list has roles; the staff-records workbook (staffing: position, status…) has none
  if (header.has('staff_code') && header.has('role')) return 'staff';
  return null;
}

export async function checkRosterFile(db: Db, actor: Actor, file: RosterFile, kind: RosterKind): Promise<CheckedFile> {
  const office = officeMembership(actor);
  const who = actorOf(actor.telegramUserId);
  if (!office) {
    await audit(db, { actor: who, action: 'roster.check', outcome: 'denied', details: { reason: 'forbidden' } });
    return { ok: false, reason: 'forbidden' };
  }
  const input = { schoolCode: office.schoolCode, file, actor: who, dryRun: true };
  const result = kind === 'students' ? await importStudents(db, input) : await importStaff(db, input);
  if (!result.ok) return { ok: false, reason: 'problems', kind, errors: result.errors };
  // files checked long ago and never confirmed go (their bytes hold children's names)
  await db
    .delete(rosterPendingImports)
    .where(and(eq(rosterPendingImports.schoolId, office.schoolId), lt(rosterPendingImports.createdAt, sql`now() - interval '1 day'`)));
  const [pending] = await db
    .insert(rosterPendingImports)
    .values({
      schoolId: office.schoolId,
      kind,
      telegramUserId: actor.telegramUserId,
      fileName: file.name,
      fileBytes: Buffer.from(file.bytes),
      fingerprint: changesFingerprint(result.summary.changes),
    })
    .returning({ id: rosterPendingImports.id });
  await audit(db, { actor: who, schoolId: office.schoolId, action: 'roster.check', entity: 'roster_pending_import', entityId: pending!.id, details: { kind } });
  return kind === 'students'
    ? { ok: true, kind, pendingId: pending!.id, summary: result.summary as StudentImportSummary }
    : { ok: true, kind, pendingId: pending!.id, summary: result.summary as StaffImportSummary };
}

export type ConfirmResult =
  | { ok: true; kind: 'students'; summary: StudentImportSummary }
  | { ok: true; kind: 'staff'; summary: StaffImportSummary }
  /** unknown, someone else's, already decided, expired, or the sender is no longer office */
  | { ok: false; reason: 'stale' }
  /** the school's roster changed since the check: the summary no longer holds */
  | { ok: false; reason: 'changed' }
  /** the file no longer passes (e.g. a homeroom class removed since) */
  | { ok: false; reason: 'problems'; fileName: string; errors: RosterError[] };

class Refused extends Error {
  constructor(readonly reason: 'stale' | 'changed') {
    super(reason);
  }
}

export async function confirmRosterFile(db: Db, actor: Actor, pendingId: number, notifier: Notifier): Promise<ConfirmResult> {
  const who = actorOf(actor.telegramUserId);
  const deny = async (reason: 'stale' | 'changed', schoolId: number | null) => {
    await audit(db, { actor: who, schoolId, action: 'roster.confirm', entity: 'roster_pending_import', entityId: pendingId, outcome: 'denied', details: { reason } });
    return { ok: false, reason } as const;
  };
  const [pending] = await db
    .select()
    .from(rosterPendingImports)
    .where(
      and(
        eq(rosterPendingImports.id, pendingId),
        eq(rosterPendingImports.telegramUserId, actor.telegramUserId),
        eq(rosterPendingImports.status, 'pending'),
        sql`${rosterPendingImports.createdAt} > now() - make_interval(mins => ${PENDING_MINUTES})`,
      ),
    );
  const office = pending ? officeMembership(actor, pending.schoolId) : undefined;
  if (!pending || !pending.fileBytes || !office) return deny('stale', pending?.schoolId ?? null);

  // Claimed in the import's transaction: a second Confirm waits on this row, then finds it decided.
  const claim = async (tx: Tx, fingerprint: string) => {
    if (fingerprint !== pending.fingerprint) throw new Refused('changed');
    const claimed = await tx
      .update(rosterPendingImports)
      .set({ status: 'confirmed', fileBytes: null, decidedAt: sql`now()` })
      .where(and(eq(rosterPendingImports.id, pendingId), eq(rosterPendingImports.status, 'pending')))
      .returning({ id: rosterPendingImports.id });
    if (claimed.length === 0) throw new Refused('stale');
  };
  const input = { schoolCode: office.schoolCode, file: { name: pending.fileName, bytes: pending.fileBytes }, actor: who, notifier, beforeCommit: claim };
  try {
    if (pending.kind === 'staff') {
      const r = await importStaff(db, input);
      return r.ok ? { ok: true, kind: 'staff', summary: r.summary } : { ok: false, reason: 'problems', fileName: pending.fileName, errors: r.errors };
    }
    const r = await importStudents(db, input);
    return r.ok ? { ok: true, kind: 'students', summary: r.summary } : { ok: false, reason: 'problems', fileName: pending.fileName, errors: r.errors };
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    if (err.reason === 'changed') {
      await db
        .update(rosterPendingImports)
        .set({ status: 'stale', fileBytes: null, decidedAt: sql`now()` })
        .where(and(eq(rosterPendingImports.id, pendingId), eq(rosterPendingImports.status, 'pending')));
    }
    return deny(err.reason, pending.schoolId);
  }
}

/** The sender's Cancel: only their own pending file; true when it was still pending. */
export async function cancelRosterFile(db: Db, actor: Actor, pendingId: number): Promise<boolean> {
  const rows = await db
    .update(rosterPendingImports)
    .set({ status: 'cancelled', fileBytes: null, decidedAt: sql`now()` })
    .where(and(eq(rosterPendingImports.id, pendingId), eq(rosterPendingImports.telegramUserId, actor.telegramUserId), eq(rosterPendingImports.status, 'pending')))
    .returning({ schoolId: rosterPendingImports.schoolId });
  await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: rows[0]?.schoolId ?? null, action: 'roster.cancel', entity: 'roster_pending_import', entityId: pendingId, outcome: rows.length ? 'ok' : 'denied' });
  return rows.length > 0;
}

/**
 * Files checked and never decided, past their hour: their bytes (children's names) go and they
 * can no longer be confirmed. The daily retention job runs it (lifecycle/retention.ts).
 */
export async function expireRosterFiles(db: Db): Promise<number> {
  const rows = await db
    .update(rosterPendingImports)
    .set({ status: 'expired', fileBytes: null, decidedAt: sql`now()` })
    .where(and(eq(rosterPendingImports.status, 'pending'), sql`${rosterPendingImports.createdAt} <= now() - make_interval(mins => ${PENDING_MINUTES})`))
    .returning({ id: rosterPendingImports.id });
  return rows.length;
}
