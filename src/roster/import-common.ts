/**
 * What the student and the staff roster imports share: the result shapes, the dry run (a
 * transaction rolled back on purpose, carrying its summary out), opening and auditing a file,
 * and linking accounts that shared their phone before the roster listed it.
 */
import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../core/db/client.js';
import { guardians, staff, telegramAccounts } from '../core/db/schema.js';
import { audit } from '../core/auth/audit.js';
import { displayName, type Notifier } from '../core/i18n/index.js';
import { addToOutbox } from '../core/queue/outbox.js';
import { getSchool } from '../schools/service.js';
import type { RosterChanges, StaffChanges } from './changes.js';
import type { RosterError, RosterFile, RosterParseResult } from './parse.js';

export type { Notifier };

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface StudentImportSummary {
  students: Counts;
  classes: { created: number; updated: number };
  guardians: { created: number; updated: number };
  links: { added: number; removed: number; updated: number };
  /** enrolled students of the school that this file does not list: they have left (record kept) */
  notInFile: number;
  /** of the new students, those another school had enrolled (their record there is now 'transferred') */
  transferredIn: number;
  /** Telegram accounts linked now because their verified phone was in the file */
  accountsLinked: number;
  /** by name and class: new (and of them, transfers from another school), changed class, leaving */
  changes: RosterChanges;
}

export interface StaffImportSummary {
  staff: Counts;
  /** active staff the file does not list: deactivated */
  left: number;
  roles: { added: number; removed: number };
  homerooms: { set: number; cleared: number };
  accountsLinked: number;
  /** by name: new, roles or homeroom changed, leaving */
  changes: StaffChanges;
}

export type ImportResult<S> = { ok: true; summary: S } | { ok: false; errors: RosterError[] };

export interface ImportInput {
  schoolCode: string;
  file: RosterFile;
  /** 'cli' or 'tg:<id>' */
  actor: string;
  notifier?: Notifier;
  /** validate and compute the summary, then roll everything back (nothing changes) */
  dryRun?: boolean;
  /**
   * Runs inside the import's transaction, after the changes are made and before they commit, with
   * the fingerprint of the change lists (changes.ts): throwing rolls the whole import back. The
   * bot's Confirm claims its pending file here and checks the summary it showed still holds.
   */
  beforeCommit?: (tx: Tx, fingerprint: string) => Promise<void>;
}

export type DryRunResult<S> = ImportResult<S> & { dryRun?: boolean };

/** Thrown inside the transaction of a dry run so that it rolls back; carries the summary out. */
export class DryRun<S> extends Error {
  constructor(readonly summary: S) {
    super('dry run');
  }
}

export async function orDryRun<S>(input: ImportInput, run: () => Promise<ImportResult<S>>): Promise<DryRunResult<S>> {
  try {
    return await run();
  } catch (err) {
    if (input.dryRun && err instanceof DryRun) return { ok: true, summary: err.summary as S, dryRun: true };
    throw err;
  }
}

export function fileHash(file: RosterFile): string {
  return createHash('sha256').update(file.bytes).digest('hex');
}

export class UnknownSchoolError extends Error {
  constructor(readonly code: string) {
    super(`No school with code ${code}`);
  }
}

/** The school named by the input, and its file parsed; a refused file is audited. */
export async function openImport<T>(db: Db, input: ImportInput, parse: (file: RosterFile) => Promise<RosterParseResult<T>>, action: string) {
  const school = await getSchool(db, input.schoolCode);
  if (!school) throw new UnknownSchoolError(input.schoolCode);
  const parsed = await parse(input.file);
  if (!parsed.ok) {
    await audit(db, { actor: input.actor, schoolId: school.id, action, outcome: 'failed', details: { errors: parsed.errors.length, file: fileHash(input.file) } });
  }
  return { school, parsed };
}

/**
 * People who shared their phone before the school's roster listed it are linked now, and told
 * so through the outbox (they are not the person who ran the import).
 */
export async function linkWaitingAccounts(
  tx: Tx,
  schoolId: number,
  actor: string,
  schoolNameKm: string,
  schoolNameEn: string,
  notifier: Notifier | undefined,
): Promise<number> {
  const g = await tx
    .update(guardians)
    .set({ telegramUserId: telegramAccounts.telegramUserId })
    .from(telegramAccounts)
    // someone who unlinked themselves stays unlinked until they share their phone again
    .where(and(eq(guardians.schoolId, schoolId), isNull(guardians.telegramUserId), isNull(guardians.unlinkedAt), eq(guardians.phone, telegramAccounts.phone)))
    .returning({ id: guardians.id, telegramUserId: telegramAccounts.telegramUserId, locale: telegramAccounts.locale });
  const s = await tx
    .update(staff)
    .set({ telegramUserId: telegramAccounts.telegramUserId })
    .from(telegramAccounts)
    .where(and(eq(staff.schoolId, schoolId), isNull(staff.telegramUserId), isNull(staff.unlinkedAt), eq(staff.active, true), eq(staff.phone, telegramAccounts.phone)))
    .returning({ id: staff.id, telegramUserId: telegramAccounts.telegramUserId, locale: telegramAccounts.locale });
  const linked = [
    ...g.map((r) => ({ ...r, entity: 'guardian' as const })),
    ...s.map((r) => ({ ...r, entity: 'staff' as const })),
  ];
  if (linked.length === 0) return 0;
  await audit(
    tx,
    linked.map((l) => ({ actor, schoolId, action: `link.${l.entity}`, entity: l.entity, entityId: l.id, details: { telegramUserId: l.telegramUserId, via: 'import' } })),
  );
  if (notifier) {
    await addToOutbox(
      tx,
      linked.map((l) => {
        const locale = l.locale ?? notifier.defaultLocale;
        return {
          dedupeKey: `linked:${l.entity}:${l.id}:${l.telegramUserId}`,
          schoolId,
          // about the record this account was linked to (not about one child: a guardian may have several)
          capability: 'roster',
          entity: l.entity,
          entityId: l.id,
          studentId: null,
          chatId: l.telegramUserId!,
          payload: { text: notifier.t(locale, 'onboarding-linked-later', { school: displayName(locale, { nameKm: schoolNameKm, nameEn: schoolNameEn }) }) },
        };
      }),
    );
  }
  return linked.length;
}
