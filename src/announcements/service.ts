/**
 * Announcements, without grammY: drafts and their preview, confirming (every recipient written to
 * the outbox in the confirming transaction, one row each), marking urgent, discarding and
 * cancelling. Who may announce is in service-scope.ts, who is reached in service-recipients.ts,
 * the delivery report in service-report.ts, class groups in service-groups.ts, and the pure
 * rules (limits, headers, times) in rules.ts.
 */
import { reservePaidBroadcast } from '../core/queue/paid-broadcast.js';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Executor } from '../core/db/client.js';
import { pgArrayLiteral } from '../core/db/batch.js';
import { classes, schools, type Locale } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import type { Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { announcements, type AnnouncementContent, type Audience } from './schema.js';
import { checkContent, headerFor, headerRoom, MAX_AHEAD_DAYS, messageFor, ORDINARY_PRIORITY, URGENT_PRIORITY, type ContentProblem, type SendMethod } from './rules.js';
import { announceScope, audienceAllowed, outsideSchoolHours } from './service-scope.js';
import { countRecipients, recipientRows, type RecipientCount, type RecipientRow } from './service-recipients.js';

/** rows per outbox insert at confirmation (a school's parents are thousands) */
const INSERT_BATCH = 1000;
/** a preview not confirmed within this long must be made again (the audience may have changed) */
const DRAFT_TTL_MS = 24 * 3600_000;

/** One outbox row per announcement and chat (the report and cancelling find them by it). */
const outboxKey = (announcementId: number, chatId: number) => `ann:${announcementId}:${chatId}`;

// ---------------------------------------------------------------------------------------------
// Drafts, preview, confirmation, cancelling

export interface DraftInput {
  content: AnnouncementContent;
  audience: Audience;
  viaGroups: boolean;
  /** ISO instant, or null for "as soon as confirmed" */
  sendAt: string | null;
}

export interface Preview {
  id: number;
  status: 'draft' | 'queued' | 'done' | 'cancelled' | 'discarded';
  schoolId: number;
  timezone: string;
  audience: Audience;
  /** class names the audience names (classes) or grades, for the label */
  classNames: string[];
  count: RecipientCount;
  sendAt: string | null;
  urgent: boolean;
  silent: boolean;
}

export type DraftResult =
  | { ok: true; preview: Preview }
  | { ok: false; reason: 'forbidden' | 'no-classes' | 'audience' | 'no-recipients' | 'bad-time' }
  | ContentProblem;

/**
 * Checks everything again on the server side (role, the exact classes, the content, the time)
 * and keeps a draft: nothing is sent until the author confirms it.
 */
export async function createDraft(db: Db, actor: Actor, input: DraftInput, notifier: Notifier, now: Date): Promise<DraftResult> {
  const who = actorOf(actor.telegramUserId);
  const scope = await announceScope(db, actor);
  if (!scope.ok) return scope;
  const deny = async (reason: string, details: Record<string, unknown> = {}) => {
    await audit(db, { actor: who, schoolId: scope.schoolId, action: 'announce.draft', outcome: 'denied', details: { reason, ...details } });
  };
  if (!audienceAllowed(scope, input.audience)) {
    await deny('audience', { audience: input.audience });
    return { ok: false, reason: 'audience' };
  }
  const content = checkContent(input.content, headerRoom(notifier, scope));
  if (!content.ok) {
    await deny(content.reason);
    return content;
  }
  if (input.sendAt !== null) {
    const at = Date.parse(input.sendAt);
    if (!Number.isFinite(at) || at <= now.getTime() || at > now.getTime() + MAX_AHEAD_DAYS * 86_400_000) {
      await deny('bad-time');
      return { ok: false, reason: 'bad-time' };
    }
  }
  const rows = await recipientRows(db, { schoolId: scope.schoolId, audience: input.audience, viaGroups: input.viaGroups, authorTelegramId: actor.telegramUserId });
  if (rows.length === 0) {
    await deny('no-recipients', { audience: input.audience });
    return { ok: false, reason: 'no-recipients' };
  }
  const [row] = await db
    .insert(announcements)
    .values({
      schoolId: scope.schoolId,
      authorTelegramId: actor.telegramUserId,
      authorStaffId: scope.staffId,
      authorRole: scope.role,
      content: input.content,
      audience: input.audience,
      viaGroups: input.viaGroups,
      sendAt: input.sendAt ? new Date(input.sendAt) : null,
      previewCount: rows.length,
    })
    .returning({ id: announcements.id });
  await audit(db, { actor: who, schoolId: scope.schoolId, action: 'announce.draft', entity: 'announcement', entityId: row!.id, details: { audience: input.audience, kind: input.content.kind, recipients: rows.length } });
  return { ok: true, preview: await previewOf(db, row!.id, now, rows) };
}

/** The preview of a stored announcement (recipients counted now unless given). */
export async function previewOf(ex: Executor, id: number, now: Date, rows?: RecipientRow[]): Promise<Preview> {
  const [a] = await ex
    .select({ announcement: announcements, timezone: schools.timezone })
    .from(announcements)
    .innerJoin(schools, eq(schools.id, announcements.schoolId))
    .where(eq(announcements.id, id));
  if (!a) throw new Error(`announcement ${id} not found`);
  const ann = a.announcement;
  const recipients =
    rows ?? (await recipientRows(ex, { schoolId: ann.schoolId, audience: ann.audience, viaGroups: ann.viaGroups, authorTelegramId: ann.authorTelegramId }));
  const classIds = ann.audience.kind === 'classes' ? ann.audience.classIds : [];
  const names = classIds.length
    ? (await ex.select({ name: classes.name }).from(classes).where(inArray(classes.id, classIds)).orderBy(classes.grade, classes.section)).map((c) => c.name)
    : [];
  const at = ann.sendAt ?? now;
  return {
    id: ann.id,
    status: ann.status,
    schoolId: ann.schoolId,
    timezone: a.timezone,
    audience: ann.audience,
    classNames: names,
    count: countRecipients(recipients),
    sendAt: ann.sendAt ? ann.sendAt.toISOString() : null,
    urgent: ann.urgent,
    silent: ann.silent ?? (!ann.urgent && (await outsideSchoolHours(ex, ann.schoolId, at))),
  };
}

type OwnedResult<T> = { ok: true; value: T } | { ok: false; reason: 'not-found' | 'forbidden' | 'not-draft' };

/** Loads an announcement for its author (others, and forged ids, are refused and audited). */
async function ownAnnouncement(ex: Executor, actor: Actor, id: number, action: string, lock = false) {
  const query = ex.select().from(announcements).where(eq(announcements.id, id));
  const [ann] = lock ? await query.for('update') : await query;
  if (!ann || ann.authorTelegramId !== actor.telegramUserId) {
    await audit(ex, { actor: actorOf(actor.telegramUserId), schoolId: ann?.schoolId ?? null, action, entity: 'announcement', entityId: id, outcome: 'denied', details: { reason: ann ? 'not-author' : 'not-found' } });
    return { ok: false, reason: ann ? 'forbidden' : 'not-found' } as const;
  }
  return { ok: true, value: ann } as const;
}

export async function setUrgent(db: Db, actor: Actor, id: number, urgent: boolean, now: Date): Promise<OwnedResult<Preview>> {
  const own = await ownAnnouncement(db, actor, id, 'announce.urgent');
  if (!own.ok) return own;
  if (own.value.status !== 'draft') return { ok: false, reason: 'not-draft' };
  await db.update(announcements).set({ urgent }).where(and(eq(announcements.id, id), eq(announcements.status, 'draft')));
  return { ok: true, value: await previewOf(db, id, now) };
}

export async function discardDraft(db: Db, actor: Actor, id: number): Promise<OwnedResult<null>> {
  const own = await ownAnnouncement(db, actor, id, 'announce.discard');
  if (!own.ok) return own;
  const done = await db
    .update(announcements)
    .set({ status: 'discarded' })
    .where(and(eq(announcements.id, id), eq(announcements.status, 'draft')))
    .returning({ id: announcements.id });
  return done.length ? { ok: true, value: null } : { ok: false, reason: 'not-draft' };
}

export type ConfirmResult =
  | { ok: true; recipients: number; sendAt: string | null; timezone: string; silent: boolean; urgent: boolean; again: boolean }
  | { ok: false; reason: 'not-found' | 'forbidden' | 'not-draft' | 'expired' | 'time-passed' | 'audience' | 'no-recipients' | 'paid-not-urgent' | 'paid-off' }
  /** a paid broadcast beyond today's Stars budget: what it would cost and what is left */
  | { ok: false; reason: 'paid-budget'; costStars: number; leftStars: number };

/**
 * Sends (or schedules) a draft: in one transaction the draft is locked, the author's right to the
 * audience checked again, every recipient written to the outbox (dedupe key per recipient) and to
 * announcement_deliveries, and the announcement marked queued. Pressing "send" twice, or a
 * retried update, finds it queued and writes nothing more.
 */
export async function confirmAnnouncement(
  db: Db,
  actor: Actor,
  id: number,
  notifier: Notifier,
  now: Date,
  /** send it as a paid broadcast (urgent only), within this many Stars a day */
  paid?: { starsPerDay: number },
): Promise<ConfirmResult> {
  const who = actorOf(actor.telegramUserId);
  const scope = await announceScope(db, actor);
  return db.transaction(async (tx) => {
    const own = await ownAnnouncement(tx, actor, id, 'announce.confirm', true);
    if (!own.ok) return own;
    const ann = own.value;
    const [school] = await tx.select({ timezone: schools.timezone }).from(schools).where(eq(schools.id, ann.schoolId));
    const timezone = school?.timezone ?? 'Asia/Phnom_Penh';
    if (ann.status === 'queued' || ann.status === 'done') {
      return { ok: true, recipients: ann.recipientCount ?? 0, sendAt: ann.sendAt?.toISOString() ?? null, timezone, silent: Boolean(ann.silent), urgent: ann.urgent, again: true } as const;
    }
    if (ann.status !== 'draft') return { ok: false, reason: 'not-draft' } as const;
    const deny = async (reason: 'audience' | 'expired' | 'time-passed' | 'no-recipients' | 'paid-not-urgent' | 'paid-off') => {
      await audit(tx, { actor: who, schoolId: ann.schoolId, action: 'announce.confirm', entity: 'announcement', entityId: id, outcome: 'denied', details: { reason } });
      return { ok: false, reason } as const;
    };
    if (!scope.ok || scope.schoolId !== ann.schoolId || !audienceAllowed(scope, ann.audience)) return deny('audience');
    // Row times are the database's clock (as is the outbox's not_before); `now` is the school's
    // clock, which tests pin: the draft's age is measured on the first, the chosen time on the second.
    if (Date.now() - ann.createdAt.getTime() > DRAFT_TTL_MS) return deny('expired');
    if (ann.sendAt && ann.sendAt.getTime() <= now.getTime()) return deny('time-passed');

    const rows = await recipientRows(tx, { schoolId: ann.schoolId, audience: ann.audience, viaGroups: ann.viaGroups, authorTelegramId: ann.authorTelegramId });
    if (rows.length === 0) return deny('no-recipients');
    const silent = !ann.urgent && (await outsideSchoolHours(tx, ann.schoolId, ann.sendAt ?? now));
    if (paid) {
      if (!ann.urgent) return deny('paid-not-urgent');
      if (paid.starsPerDay <= 0) return deny('paid-off');
      // the whole broadcast fits in what is left of today's budget, or none of it is paid
      const reserved = await reservePaidBroadcast(tx, rows.length, paid.starsPerDay);
      if (!reserved.ok) {
        await audit(tx, { actor: who, schoolId: ann.schoolId, action: 'announce.confirm', entity: 'announcement', entityId: id, outcome: 'denied', details: { reason: 'paid-budget', costStars: reserved.costStars, leftStars: reserved.leftStars } });
        return { ok: false, reason: 'paid-budget', costStars: reserved.costStars, leftStars: reserved.leftStars } as const;
      }
    }
    const messages = {} as Record<Locale, { method: SendMethod; payload: Record<string, unknown> }>;
    for (const locale of ['km', 'en'] as const) {
      const m = messageFor(ann.content, headerFor(notifier, locale, scope, ann.urgent), silent);
      messages[locale] = paid ? { ...m, payload: { ...m.payload, allow_paid_broadcast: true } } : m;
    }
    const priority = ann.urgent ? URGENT_PRIORITY : ORDINARY_PRIORITY;

    for (let from = 0; from < rows.length; from += INSERT_BATCH) {
      const batch = rows.slice(from, from + INSERT_BATCH);
      // Groups read the school's language (the deployment default); people their own.
      const out = batch.map((r) => {
        const m = messages[r.kind === 'group' ? notifier.defaultLocale : (r.locale ?? notifier.defaultLocale)];
        return {
          dedupeKey: outboxKey(id, r.chatId),
          schoolId: ann.schoolId,
          capability: 'announcements',
          entity: 'announcement',
          entityId: id,
          chatId: r.chatId,
          method: m.method,
          payload: m.payload,
          priority,
          notBefore: ann.sendAt ?? undefined,
        } satisfies OutgoingMessage;
      });
      await addToOutbox(tx, out);
      await tx.execute(sql`
        insert into announcement_deliveries (announcement_id, chat_id, class_id, kind)
        select ${id}::bigint, u.chat_id, u.class_id, u.kind
          from unnest(${pgArrayLiteral(batch.map((r) => r.chatId))}::bigint[],
                      ${pgArrayLiteral(batch.map((r) => r.classId))}::int[],
                      ${pgArrayLiteral(batch.map((r) => r.kind))}::text[]) as u(chat_id, class_id, kind)
        on conflict do nothing`);
    }
    await tx
      .update(announcements)
      .set({ status: 'queued', confirmedAt: sql`now()`, recipientCount: rows.length, silent })
      .where(eq(announcements.id, id));
    await audit(tx, {
      actor: who,
      schoolId: ann.schoolId,
      action: 'announce.confirm',
      entity: 'announcement',
      entityId: id,
      details: { recipients: rows.length, groups: countRecipients(rows).groups, urgent: ann.urgent, silent, sendAt: ann.sendAt?.toISOString() ?? null },
    });
    return { ok: true, recipients: rows.length, sendAt: ann.sendAt?.toISOString() ?? null, timezone, silent, urgent: ann.urgent, again: false } as const;
  });
}

export type CancelResult =
  | { ok: true; cancelled: number; gone: number }
  | { ok: false; reason: 'not-found' | 'forbidden' | 'not-draft' | 'finished' };

/**
 * Stops what has not gone out: pending rows no sender holds are marked cancelled (the sender only
 * takes pending rows); rows being sent at this moment finish. `cancelled` counts every row this
 * announcement will not send, `gone` those sent or being sent. Pressing cancel again changes nothing.
 */
export async function cancelAnnouncement(db: Db, actor: Actor, id: number): Promise<CancelResult> {
  const who = actorOf(actor.telegramUserId);
  return db.transaction(async (tx) => {
    const own = await ownAnnouncement(tx, actor, id, 'announce.cancel', true);
    if (!own.ok) return own;
    const ann = own.value;
    if (ann.status === 'draft') {
      await tx.update(announcements).set({ status: 'discarded' }).where(eq(announcements.id, id));
      return { ok: true, cancelled: 0, gone: 0 } as const;
    }
    if (ann.status !== 'queued' && ann.status !== 'cancelled') return { ok: false, reason: 'finished' } as const;
    const [counts] = rowsOf<{ now: number; total: number }>(
      await tx.execute(sql`with c as (
            update outbox o set status = 'cancelled', last_error = 'cancelled by the author'
              from announcement_deliveries d
             where d.announcement_id = ${id} and o.dedupe_key = 'ann:' || d.announcement_id || ':' || d.chat_id
               and o.status = 'pending' and (o.locked_until is null or o.locked_until < now())
            returning 1)
          select (select count(*)::int from c) as now,
                 (select count(*)::int from announcement_deliveries d
                    join outbox o on o.dedupe_key = 'ann:' || d.announcement_id || ':' || d.chat_id
                   where d.announcement_id = ${id} and o.status = 'cancelled') as total`),
    );
    // The count of cancelled rows read in the same statement does not see this statement's own
    // update (one snapshot): add them.
    const cancelled = Number(counts?.total ?? 0) + Number(counts?.now ?? 0);
    const gone = (ann.recipientCount ?? 0) - cancelled;
    if (cancelled === 0) return { ok: false, reason: 'finished' } as const;
    if (ann.status === 'queued') {
      await tx.update(announcements).set({ status: 'cancelled', cancelledAt: sql`now()` }).where(eq(announcements.id, id));
      await audit(tx, { actor: who, schoolId: ann.schoolId, action: 'announce.cancel', entity: 'announcement', entityId: id, details: { cancelled, gone } });
    }
    return { ok: true, cancelled, gone } as const;
  });
}
