/**
 * Classes' Telegram groups: a teacher of the class (or the school office) links a group from
 * inside it; the class's announcements may then go to the group as one message. Removing the bot
 * forgets the link; a group that becomes a supergroup keeps it.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../core/db/client.js';
import { classes } from '../core/db/schema.js';
import { currentYearOf } from '../core/db/years.js';
import { officeMembership, type Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { classGroups } from './schema.js';

// ---------------------------------------------------------------------------------------------
// Class groups

export type LinkGroupResult =
  | { ok: true; className: string; replacedChat: boolean }
  | { ok: false; reason: 'not-staff' | 'which-class' | 'unknown-class' | 'not-your-class' | 'taken'; className?: string };

/** Classes of the current year this staff member may link: their homeroom classes, or every class for the office. */
async function linkableClasses(ex: Executor, actor: Actor) {
  const own = actor.staff.flatMap((m) => m.homeroomClassIds);
  const schoolIds = actor.staff.map((m) => m.schoolId);
  if (schoolIds.length === 0) return [];
  const rows = await ex
    .select({ id: classes.id, name: classes.name, schoolId: classes.schoolId })
    .from(classes)
    .innerJoin(...currentYearOf(classes))
    .where(inArray(classes.schoolId, schoolIds));
  return rows.map((r) => ({ ...r, mine: own.includes(r.id) || officeMembership(actor, r.schoolId) !== undefined }));
}

/**
 * Links a Telegram group to a class, from inside the group, by a teacher of that class (or the
 * school office). `/linkgroup` alone works for a teacher with one class. A group serves one class.
 */
export async function linkGroup(db: Db, actor: Actor, input: { chatId: number; title: string | null; className: string }): Promise<LinkGroupResult> {
  const who = actorOf(actor.telegramUserId);
  const deny = async (reason: Exclude<LinkGroupResult, { ok: true }>['reason'], schoolId: number | null = null, className?: string) => {
    await audit(db, { actor: who, schoolId, action: 'announce.group.link', entity: 'chat', entityId: input.chatId, outcome: 'denied', details: { reason, class: className ?? (input.className || null) } });
    return { ok: false, reason, ...(className ? { className } : {}) } as const;
  };
  if (actor.staff.length === 0) return deny('not-staff');
  const all = await linkableClasses(db, actor);
  const wanted = input.className.trim().toUpperCase();
  let target: (typeof all)[number] | undefined;
  if (!wanted) {
    const mine = all.filter((c) => actor.staff.some((m) => m.homeroomClassIds.includes(c.id)));
    if (mine.length !== 1) return deny('which-class', actor.staff[0]!.schoolId);
    target = mine[0];
  } else {
    const named = all.filter((c) => c.name === wanted);
    if (named.length === 0) return deny('unknown-class', actor.staff[0]!.schoolId);
    target = named.find((c) => c.mine);
    if (!target) return deny('not-your-class', named[0]!.schoolId, named[0]!.name);
  }
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ classId: classGroups.classId, className: classes.name }).from(classGroups).innerJoin(classes, eq(classes.id, classGroups.classId)).where(eq(classGroups.chatId, input.chatId));
    if (current && current.classId !== target!.id) {
      await audit(tx, { actor: who, schoolId: target!.schoolId, action: 'announce.group.link', entity: 'chat', entityId: input.chatId, outcome: 'denied', details: { reason: 'taken', class: target!.name } });
      return { ok: false, reason: 'taken', className: current.className } as const;
    }
    const [before] = await tx.select({ chatId: classGroups.chatId }).from(classGroups).where(eq(classGroups.classId, target!.id));
    await tx
      .insert(classGroups)
      .values({ classId: target!.id, schoolId: target!.schoolId, chatId: input.chatId, title: input.title, linkedBy: who })
      .onConflictDoUpdate({ target: classGroups.classId, set: { chatId: input.chatId, title: input.title, linkedBy: who, linkedAt: sql`now()` } });
    await audit(tx, { actor: who, schoolId: target!.schoolId, action: 'announce.group.link', entity: 'class', entityId: target!.id, details: { chatId: input.chatId, replaced: before && before.chatId !== input.chatId ? before.chatId : null } });
    return { ok: true, className: target!.name, replacedChat: Boolean(before && before.chatId !== input.chatId) } as const;
  });
}

/** `/unlinkgroup` inside the group: by a teacher of its class or the office. */
export async function unlinkGroup(db: Db, actor: Actor, chatId: number): Promise<{ ok: true; className: string } | { ok: false; reason: 'not-linked' | 'forbidden' }> {
  const who = actorOf(actor.telegramUserId);
  const [linked] = await db
    .select({ classId: classGroups.classId, schoolId: classGroups.schoolId, className: classes.name })
    .from(classGroups)
    .innerJoin(classes, eq(classes.id, classGroups.classId))
    .where(eq(classGroups.chatId, chatId));
  if (!linked) return { ok: false, reason: 'not-linked' };
  const mayUnlink =
    officeMembership(actor, linked.schoolId) !== undefined || actor.staff.some((m) => m.schoolId === linked.schoolId && m.homeroomClassIds.includes(linked.classId));
  if (!mayUnlink) {
    await audit(db, { actor: who, schoolId: linked.schoolId, action: 'announce.group.unlink', entity: 'class', entityId: linked.classId, outcome: 'denied', details: { chatId } });
    return { ok: false, reason: 'forbidden' };
  }
  await db.delete(classGroups).where(eq(classGroups.chatId, chatId));
  await audit(db, { actor: who, schoolId: linked.schoolId, action: 'announce.group.unlink', entity: 'class', entityId: linked.classId, details: { chatId } });
  return { ok: true, className: linked.className };
}

/** The bot was removed from a group (or the group deleted): forget the link. */
export async function forgetGroup(db: Db, chatId: number, actor: string): Promise<string[]> {
  const gone = await db.delete(classGroups).where(eq(classGroups.chatId, chatId)).returning({ classId: classGroups.classId, schoolId: classGroups.schoolId });
  await audit(db, gone.map((g) => ({ actor, schoolId: g.schoolId, action: 'announce.group.unlink', entity: 'class', entityId: g.classId, details: { chatId, reason: 'bot-removed' } })));
  return gone.map((g) => String(g.classId));
}

/**
 * A group became a supergroup and has a new chat id: the link follows, and messages waiting for
 * the old id go to the new one. Safe to call twice (Telegram tells both the old and the new chat).
 */
export async function migrateGroup(db: Db, from: number, to: number): Promise<number> {
  return db.transaction(async (tx) => {
    const moved = await tx.update(classGroups).set({ chatId: to }).where(eq(classGroups.chatId, from)).returning({ classId: classGroups.classId, schoolId: classGroups.schoolId });
    await tx.execute(sql`update outbox set chat_id = ${to} where chat_id = ${from} and status = 'pending'`);
    await audit(tx, moved.map((m) => ({ actor: 'system', schoolId: m.schoolId, action: 'announce.group.migrate', entity: 'class', entityId: m.classId, details: { from, to } })));
    return moved.length;
  });
}
