/**
 * Announcements, without grammY: who may announce to whom, checking the content, counting and
 * writing the recipients (one outbox row each, in the confirming transaction), cancelling, the
 * delivery report, and the classes' Telegram groups.
 *
 * Recipients are computed by one statement (recipientRows) for both the preview and the
 * confirmation, so the number the author is shown is the number written. A guardian with
 * children in several targeted classes is one recipient; a class whose group is linked is one
 * recipient (the group) and its parents are not written to one by one.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database, Db, Executor } from '../core/db/client.js';
import { classes, schools, staff, telegramAccounts, type Locale, type SchoolShifts } from '../core/db/schema.js';
import type { Actor } from '../core/auth/actor.js';
import { actorOf, audit } from '../core/auth/audit.js';
import { isRealDay, schoolClock } from '../core/clock.js';
import { formatDay, formatNumber, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { isSchoolDay } from '../attendance/service.js';
import { announcements, classGroups, type AnnouncementContent, type Audience } from './schema.js';

// ---------------------------------------------------------------------------------------------
// Limits (Telegram's)

export const LIMITS = {
  /** characters of a text message */
  text: 4096,
  /** characters of a media caption */
  caption: 1024,
  /** bytes: photos Telegram accepts from bots */
  photoBytes: 10 * 1024 * 1024,
  /** bytes: voice, video and documents a bot may send */
  fileBytes: 50 * 1024 * 1024,
};

/** Priorities on the outbox (lower first): urgent before alerts, ordinary after everyday messages. */
export const URGENT_PRIORITY = 1;
export const ORDINARY_PRIORITY = 6;
const REPORT_PRIORITY = 4;
/** rows per outbox insert at confirmation (a school's parents are thousands) */
const INSERT_BATCH = 1000;
/** how far ahead an announcement may be scheduled */
const MAX_AHEAD_DAYS = 60;
/** a preview not confirmed within this long must be made again (the audience may have changed) */
const DRAFT_TTL_MS = 24 * 3600_000;

export const outboxKey = (announcementId: number, chatId: number) => `ann:${announcementId}:${chatId}`;

// ---------------------------------------------------------------------------------------------
// Who may announce, to which classes

export interface ScopeClass {
  id: number;
  name: string;
  grade: number;
  hasGroup: boolean;
}

export interface AnnounceScope {
  ok: true;
  schoolId: number;
  schoolNameKm: string;
  schoolNameEn: string;
  timezone: string;
  role: 'office' | 'teacher';
  staffId: number;
  authorNameKm: string;
  authorNameEn: string | null;
  /** office: every class of the school this year; teacher: their homeroom classes */
  classes: ScopeClass[];
}

export type ScopeDenied = { ok: false; reason: 'forbidden' | 'no-classes' };

/**
 * What this person may announce to. A principal or operator: their school (the first such
 * membership); a teacher: their own homeroom classes. Refusals are audited.
 */
export async function announceScope(db: Db, actor: Actor): Promise<AnnounceScope | ScopeDenied> {
  const office = actor.staff.find((m) => m.roles.includes('principal') || m.roles.includes('operator'));
  const teacher = actor.staff.find((m) => m.roles.includes('teacher') && m.homeroomClassIds.length > 0);
  const membership = office ?? teacher;
  if (!membership) {
    const reason = actor.staff.some((m) => m.roles.includes('teacher')) ? 'no-classes' : 'forbidden';
    await audit(db, { actor: actorOf(actor.telegramUserId), schoolId: actor.staff[0]?.schoolId ?? null, action: 'announce.start', outcome: 'denied', details: { reason } });
    return { ok: false, reason };
  }
  const [row] = await db
    .select({ nameKm: schools.nameKm, nameEn: schools.nameEn, timezone: schools.timezone, authorKm: staff.nameKm, authorEn: staff.nameEn })
    .from(schools)
    .innerJoin(staff, eq(staff.id, membership.staffId))
    .where(eq(schools.id, membership.schoolId));
  const list = await db
    .select({ id: classes.id, name: classes.name, grade: classes.grade, group: classGroups.chatId })
    .from(classes)
    .innerJoin(sql`academic_years ay`, sql`ay.id = ${classes.academicYearId} and ay.is_current`)
    .leftJoin(classGroups, eq(classGroups.classId, classes.id))
    .where(
      and(
        eq(classes.schoolId, membership.schoolId),
        office ? undefined : inArray(classes.id, membership.homeroomClassIds),
      ),
    )
    .orderBy(classes.grade, classes.section, classes.id);
  return {
    ok: true,
    schoolId: membership.schoolId,
    schoolNameKm: row!.nameKm,
    schoolNameEn: row!.nameEn,
    timezone: row!.timezone,
    role: office ? 'office' : 'teacher',
    staffId: membership.staffId,
    authorNameKm: row!.authorKm,
    authorNameEn: row!.authorEn,
    classes: list.map((c) => ({ id: c.id, name: c.name, grade: c.grade, hasGroup: c.group !== null })),
  };
}

/** Whether the audience is one this scope allows: teachers their own classes only. */
export function audienceAllowed(scope: AnnounceScope, audience: Audience): boolean {
  const own = new Set(scope.classes.map((c) => c.id));
  if (audience.kind === 'classes') return audience.classIds.length > 0 && audience.classIds.every((id) => own.has(id));
  if (scope.role !== 'office') return false;
  if (audience.kind === 'grades') return audience.grades.length > 0 && audience.grades.every((g) => Number.isInteger(g) && g >= 1 && g <= 12);
  return audience.kind === 'school' || audience.kind === 'staff' || audience.kind === 'parents';
}

/** The classes an audience reaches (none for staff only). */
export function audienceClasses(scope: AnnounceScope, audience: Audience): ScopeClass[] {
  switch (audience.kind) {
    case 'staff':
      return [];
    case 'school':
    case 'parents':
      return scope.classes;
    case 'grades':
      return scope.classes.filter((c) => audience.grades.includes(c.grade));
    case 'classes':
      return scope.classes.filter((c) => audience.classIds.includes(c.id));
  }
}

// ---------------------------------------------------------------------------------------------
// Content

export type ContentProblem =
  | { ok: false; reason: 'unsupported' | 'empty' | 'too-big' }
  | { ok: false; reason: 'text-too-long' | 'caption-too-long'; length: number; limit: number };

/** Checks content against Telegram's limits, keeping `headerRoom` characters for the header line. */
export function checkContent(content: AnnouncementContent | null, headerRoom: number): { ok: true } | ContentProblem {
  if (!content) return { ok: false, reason: 'unsupported' };
  if (content.kind === 'text') {
    const length = content.text.length;
    if (content.text.trim() === '') return { ok: false, reason: 'empty' };
    const limit = LIMITS.text - headerRoom;
    if (length > limit) return { ok: false, reason: 'text-too-long', length, limit };
    return { ok: true };
  }
  if (!content.fileId) return { ok: false, reason: 'unsupported' };
  const maxBytes = content.kind === 'photo' ? LIMITS.photoBytes : LIMITS.fileBytes;
  if ((content.fileSize ?? 0) > maxBytes) return { ok: false, reason: 'too-big' };
  const length = (content.caption ?? '').length;
  const limit = LIMITS.caption - headerRoom;
  if (length > limit) return { ok: false, reason: 'caption-too-long', length, limit };
  return { ok: true };
}

export interface HeaderParts {
  schoolNameKm: string;
  schoolNameEn: string;
  authorNameKm: string;
  authorNameEn: string | null;
}

/** The first line recipients see: the school and who speaks (and 🚨 when urgent). */
export function headerFor(notifier: Notifier, locale: Locale, parts: HeaderParts, urgent: boolean): string {
  const school = locale === 'en' ? parts.schoolNameEn : parts.schoolNameKm;
  const author = locale === 'en' && parts.authorNameEn ? parts.authorNameEn : parts.authorNameKm;
  return notifier.t(locale, urgent ? 'announcements-header-urgent' : 'announcements-header', { school, author });
}

/** Characters the header (and the line break after it) may take, in any language, urgent or not. */
export function headerRoom(notifier: Notifier, parts: HeaderParts): number {
  let most = 0;
  for (const locale of ['km', 'en'] as const) for (const urgent of [false, true]) most = Math.max(most, headerFor(notifier, locale, parts, urgent).length + 1);
  return most;
}

type SendMethod = NonNullable<OutgoingMessage['method']>;

/** The Bot API call that sends the content with the header above it (media by file_id). */
export function messageFor(content: AnnouncementContent, header: string, silent: boolean): { method: SendMethod; payload: Record<string, unknown> } {
  const shift = header.length + 1;
  const entities = content.entities?.length ? content.entities.map((e) => ({ ...e, offset: e.offset + shift })) : undefined;
  const quiet = silent ? { disable_notification: true } : {};
  if (content.kind === 'text') {
    return { method: 'sendMessage', payload: { text: `${header}\n${content.text}`, ...(entities ? { entities } : {}), ...quiet } };
  }
  const caption = content.caption ? `${header}\n${content.caption}` : header;
  const media = { ...(entities ? { caption_entities: entities } : {}), caption, ...quiet };
  switch (content.kind) {
    case 'photo':
      return { method: 'sendPhoto', payload: { photo: content.fileId, ...media } };
    case 'voice':
      return { method: 'sendVoice', payload: { voice: content.fileId, ...media } };
    case 'video':
      return { method: 'sendVideo', payload: { video: content.fileId, ...media } };
    case 'document':
      return { method: 'sendDocument', payload: { document: content.fileId, ...media } };
  }
}

// ---------------------------------------------------------------------------------------------
// Time: when it goes, and whether that is inside school hours

const KHMER_DIGITS = '០១២៣៤៥៦៧៨៩';

/** The instant a wall-clock time in a time zone stands for. */
export function zonedInstant(day: string, time: string, timeZone: string): Date {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const offsetAt = (at: number) => {
    const c = schoolClock(timeZone, new Date(at));
    const [cy, cm, cd] = c.day.split('-').map(Number) as [number, number, number];
    const [ch, cmi] = c.time.split(':').map(Number) as [number, number];
    return Date.UTC(cy, cm - 1, cd, ch, cmi) - at;
  };
  // Two rounds settle the offset even across a daylight-saving change.
  let at = wall - offsetAt(wall);
  at = wall - offsetAt(at);
  return new Date(at);
}

export type SendTimeParse = { ok: true; at: Date } | { ok: false; reason: 'bad' | 'past' | 'too-far' };

/**
 * A typed send time in the school's time zone: `16:30` (today, or tomorrow when already past),
 * `tomorrow 7:00` / `ស្អែក 7:00`, or `2026-11-24 07:00`. Khmer digits are accepted.
 */
export function parseSendTime(input: string, timeZone: string, now: Date): SendTimeParse {
  const text = input
    .trim()
    .toLowerCase()
    .replace(/[០-៩]/g, (d) => String(KHMER_DIGITS.indexOf(d)))
    .replace(/\s+/g, ' ');
  const today = schoolClock(timeZone, now).day;
  const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  let day: string;
  let hh: number;
  let mm: number;
  let rollOver = false;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{1,2})[:.h](\d{2})$/.exec(text))) {
    day = today;
    [hh, mm] = [Number(m[1]), Number(m[2])];
    rollOver = true;
  } else if ((m = /^(?:tomorrow|ស្អែក) (\d{1,2})[:.h](\d{2})$/.exec(text))) {
    day = nextDay(today);
    [hh, mm] = [Number(m[1]), Number(m[2])];
  } else if ((m = /^(\d{4}-\d{2}-\d{2}) (\d{1,2})[:.h](\d{2})$/.exec(text))) {
    day = m[1]!;
    [hh, mm] = [Number(m[2]), Number(m[3])];
  } else return { ok: false, reason: 'bad' };
  if (!isRealDay(day) || hh > 23 || mm > 59) return { ok: false, reason: 'bad' };
  const time = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
  let at = zonedInstant(day, time, timeZone);
  if (rollOver && at.getTime() <= now.getTime()) at = zonedInstant(nextDay(day), time, timeZone);
  if (at.getTime() <= now.getTime() + 60_000) return { ok: false, reason: 'past' };
  if (at.getTime() > now.getTime() + MAX_AHEAD_DAYS * 86_400_000) return { ok: false, reason: 'too-far' };
  return { ok: true, at };
}

/**
 * School hours: a school day (the school's week, its holidays) from the first shift's start to
 * the last shift's end, in the school's time zone. Outside them ordinary announcements go silently.
 */
export async function outsideSchoolHours(ex: Executor, schoolId: number, at: Date): Promise<boolean> {
  const [school] = await ex.select({ timezone: schools.timezone, shifts: schools.shifts }).from(schools).where(eq(schools.id, schoolId));
  if (!school) return true;
  const local = schoolClock(school.timezone, at);
  if (!(await isSchoolDay(ex, schoolId, local.day))) return true;
  const { start, end } = schoolDayBounds(school.shifts);
  return local.time < start || local.time >= end;
}

export function schoolDayBounds(shifts: SchoolShifts): { start: string; end: string } {
  const list = Object.values(shifts).filter((s): s is { start: string; end: string } => Boolean(s?.start && s?.end));
  if (list.length === 0) return { start: '07:00', end: '17:00' };
  return { start: list.map((s) => s.start).sort()[0]!, end: list.map((s) => s.end).sort().at(-1)! };
}

// ---------------------------------------------------------------------------------------------
// Recipients

export interface RecipientRow {
  chatId: number;
  /** the class a parent or group counts under in the report; null for staff */
  classId: number | null;
  kind: 'parent' | 'staff' | 'group';
  locale: Locale | null;
}

/** A Postgres array literal of integers, passed as one parameter by both drivers. */
function intArray(values: number[]): string {
  return `{${values.map((v) => String(Math.trunc(v))).join(',')}}`;
}

/**
 * Everyone an announcement reaches, each chat once: linked class groups (when `viaGroups`),
 * linked guardians of the targeted classes not covered by a group (counted under their first
 * such child's class), and for the whole school or staff the school's linked staff. The author is
 * never a recipient (they get the preview and the report).
 */
export async function recipientRows(
  ex: Executor,
  input: { schoolId: number; audience: Audience; viaGroups: boolean; authorTelegramId: number },
): Promise<RecipientRow[]> {
  const a = input.audience;
  const classFilter =
    a.kind === 'staff'
      ? sql`false`
      : a.kind === 'grades'
        ? sql`c.grade = any(${intArray(a.grades)}::int[])`
        : a.kind === 'classes'
          ? sql`c.id = any(${intArray(a.classIds)}::int[])`
          : sql`true`;
  const includeStaff = sql.raw(a.kind === 'school' || a.kind === 'staff' ? 'true' : 'false');
  const viaGroups = sql.raw(input.viaGroups ? 'true' : 'false');
  const author = input.authorTelegramId;
  const result = await ex.execute(sql`
    with t as (
      select c.id, c.grade, c.section from classes c
        join academic_years ay on ay.id = c.academic_year_id and ay.is_current
       where c.school_id = ${input.schoolId} and ${classFilter}),
    g as (
      select cg.class_id, cg.chat_id from class_groups cg join t on t.id = cg.class_id where ${viaGroups}),
    p as (
      select distinct on (gu.telegram_user_id) gu.telegram_user_id as chat_id, s.class_id
        from t
        join students s on s.class_id = t.id and s.active
        join student_guardians sg on sg.student_id = s.id
        join guardians gu on gu.id = sg.guardian_id
       where gu.telegram_user_id is not null and gu.telegram_user_id <> ${author}
         and s.class_id not in (select class_id from g)
       order by gu.telegram_user_id, t.grade, t.section, t.id),
    st as (
      select distinct st.telegram_user_id as chat_id from staff st
       where ${includeStaff} and st.school_id = ${input.schoolId} and st.active and st.telegram_user_id is not null
         and st.telegram_user_id <> ${author} and st.telegram_user_id not in (select chat_id from p))
    select r.chat_id::text as "chatId", r.class_id as "classId", r.kind, ta.locale
      from (select chat_id, class_id, 'group' as kind from g
            union all select chat_id, class_id, 'parent' from p
            union all select chat_id, null::int, 'staff' from st) r
      left join telegram_accounts ta on ta.telegram_user_id = r.chat_id
     order by (r.kind = 'group') desc, r.chat_id`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ chatId: string; classId: number | null; kind: RecipientRow['kind']; locale: Locale | null }>;
  return rows.map((r) => ({ chatId: Number(r.chatId), classId: r.classId === null ? null : Number(r.classId), kind: r.kind, locale: r.locale }));
}

export interface RecipientCount {
  total: number;
  groups: number;
  people: number;
}

export function countRecipients(rows: RecipientRow[]): RecipientCount {
  const groups = rows.filter((r) => r.kind === 'group').length;
  return { total: rows.length, groups, people: rows.length - groups };
}

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
  | { ok: false; reason: 'not-found' | 'forbidden' | 'not-draft' | 'expired' | 'time-passed' | 'audience' | 'no-recipients' };

/**
 * Sends (or schedules) a draft: in one transaction the draft is locked, the author's right to the
 * audience checked again, every recipient written to the outbox (dedupe key per recipient) and to
 * announcement_deliveries, and the announcement marked queued. Pressing "send" twice, or a
 * retried update, finds it queued and writes nothing more.
 */
export async function confirmAnnouncement(db: Db, actor: Actor, id: number, notifier: Notifier, now: Date): Promise<ConfirmResult> {
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
    const deny = async (reason: 'audience' | 'expired' | 'time-passed' | 'no-recipients') => {
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
    const messages = {} as Record<Locale, { method: SendMethod; payload: Record<string, unknown> }>;
    for (const locale of ['km', 'en'] as const) messages[locale] = messageFor(ann.content, headerFor(notifier, locale, scope, ann.urgent), silent);
    const priority = ann.urgent ? URGENT_PRIORITY : ORDINARY_PRIORITY;

    for (let from = 0; from < rows.length; from += INSERT_BATCH) {
      const batch = rows.slice(from, from + INSERT_BATCH);
      // Groups read the school's language (the deployment default); people their own.
      const out = batch.map((r) => {
        const m = messages[r.kind === 'group' ? notifier.defaultLocale : (r.locale ?? notifier.defaultLocale)];
        return { dedupeKey: outboxKey(id, r.chatId), schoolId: ann.schoolId, chatId: r.chatId, method: m.method, payload: m.payload, priority, notBefore: ann.sendAt ?? undefined };
      });
      await addToOutbox(tx, out);
      await tx.execute(sql`
        insert into announcement_deliveries (announcement_id, chat_id, class_id, kind)
        select ${id}::bigint, u.chat_id, u.class_id, u.kind
          from unnest(${`{${batch.map((r) => r.chatId).join(',')}}`}::bigint[],
                      ${`{${batch.map((r) => (r.classId === null ? 'NULL' : r.classId)).join(',')}}`}::int[],
                      ${`{${batch.map((r) => r.kind).join(',')}}`}::text[]) as u(chat_id, class_id, kind)
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
    const [counts] = await rowsOf<{ now: number; total: number }>(
      tx,
      sql`with c as (
            update outbox o set status = 'cancelled', last_error = 'cancelled by the author'
              from announcement_deliveries d
             where d.announcement_id = ${id} and o.dedupe_key = 'ann:' || d.announcement_id || ':' || d.chat_id
               and o.status = 'pending' and (o.locked_until is null or o.locked_until < now())
            returning 1)
          select (select count(*)::int from c) as now,
                 (select count(*)::int from announcement_deliveries d
                    join outbox o on o.dedupe_key = 'ann:' || d.announcement_id || ':' || d.chat_id
                   where d.announcement_id = ${id} and o.status = 'cancelled') as total`,
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

async function rowsOf<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result = await ex.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

// ---------------------------------------------------------------------------------------------
// The delivery report

export interface ClassLine {
  classId: number;
  className: string;
  /** true when the class got its announcement in its group */
  group: boolean;
  delivered: number;
  unreachable: number;
  failed: number;
  cancelled: number;
}

export interface DeliveryReport {
  id: number;
  delivered: number;
  unreachable: number;
  failed: number;
  cancelled: number;
  pending: number;
  classes: ClassLine[];
  staff: { delivered: number; unreachable: number; failed: number; cancelled: number } | null;
}

export async function deliveryReport(ex: Executor, id: number): Promise<DeliveryReport> {
  const rows = await rowsOf<{ kind: string; classId: number | null; className: string | null; status: string; n: number }>(
    ex,
    sql`select d.kind, d.class_id as "classId", c.name as "className", o.status, count(*)::int as n, min(c.grade) as grade, min(c.section) as section
          from announcement_deliveries d
          join outbox o on o.dedupe_key = 'ann:' || d.announcement_id || ':' || d.chat_id
          left join classes c on c.id = d.class_id
         where d.announcement_id = ${id}
         group by d.kind, d.class_id, c.name, o.status
         order by min(c.grade) nulls last, min(c.section), d.class_id`,
  );
  const report: DeliveryReport = { id, delivered: 0, unreachable: 0, failed: 0, cancelled: 0, pending: 0, classes: [], staff: null };
  const bucket = (status: string) => (status === 'sent' ? 'delivered' : status === 'unreachable' ? 'unreachable' : status === 'failed' ? 'failed' : status === 'cancelled' ? 'cancelled' : 'pending');
  const byClass = new Map<number, ClassLine>();
  for (const r of rows) {
    const b = bucket(r.status);
    const n = Number(r.n);
    report[b] += n;
    if (b === 'pending') continue;
    if (r.kind === 'staff' || r.classId === null) {
      report.staff ??= { delivered: 0, unreachable: 0, failed: 0, cancelled: 0 };
      report.staff[b] += n;
      continue;
    }
    const classId = Number(r.classId);
    let line = byClass.get(classId);
    if (!line) {
      line = { classId, className: r.className ?? '?', group: false, delivered: 0, unreachable: 0, failed: 0, cancelled: 0 };
      byClass.set(classId, line);
      report.classes.push(line);
    }
    if (r.kind === 'group') line.group = true;
    line[b] += n;
  }
  return report;
}

/** The report as the author reads it. */
export function renderReport(notifier: Notifier, locale: Locale, report: DeliveryReport, what: string): string {
  const n = (x: number) => formatNumber(locale, x);
  const t = (key: string, vars?: Record<string, string | number>) => notifier.t(locale, key, vars);
  const lines = [
    t('announcements-report-title', { what }),
    t('announcements-report-totals', { delivered: n(report.delivered), unreachable: n(report.unreachable), failed: n(report.failed) }),
  ];
  if (report.cancelled > 0) lines.push(t('announcements-report-cancelled', { count: n(report.cancelled) }));
  const classLines = report.classes.map((c) => ({
    trouble: c.unreachable + c.failed > 0,
    text: c.group
      ? t('announcements-report-class-group', { class: c.className, state: t(c.delivered > 0 ? 'announcements-report-group-delivered' : c.unreachable > 0 ? 'announcements-report-group-unreachable' : c.failed > 0 ? 'announcements-report-group-failed' : 'announcements-report-group-cancelled') })
      : t('announcements-report-class', { class: c.className, delivered: n(c.delivered), unreachable: n(c.unreachable), failed: n(c.failed) }),
  }));
  const tail: string[] = [];
  if (report.staff) tail.push(t('announcements-report-staff', { delivered: n(report.staff.delivered), unreachable: n(report.staff.unreachable), failed: n(report.staff.failed) }));
  if (report.unreachable > 0) tail.push(t('announcements-report-unreachable-hint'));
  const whole = [...lines, ...classLines.map((l) => l.text), ...tail].join('\n');
  if (whole.length <= REPORT_MAX_CHARS) return whole;
  // A whole school's report (hundreds of classes) is longer than one Telegram message: the
  // classes with unreachable or failed messages come first, the rest are counted in one line.
  const room = REPORT_MAX_CHARS - [...lines, ...tail].join('\n').length - 200;
  const kept: string[] = [];
  let used = 0;
  for (const l of [...classLines.filter((x) => x.trouble), ...classLines.filter((x) => !x.trouble)]) {
    if (used + l.text.length + 1 > room) break;
    kept.push(l.text);
    used += l.text.length + 1;
  }
  return [...lines, ...kept, t('announcements-report-more', { count: n(classLines.length - kept.length) }), ...tail].join('\n');
}

/** Telegram's 4,096 characters, with room to spare. */
const REPORT_MAX_CHARS = 4000;

/** A few words naming an announcement in its report: the start of its text, or its kind. */
export function describeContent(notifier: Notifier, locale: Locale, content: AnnouncementContent): string {
  const words = (content.kind === 'text' ? content.text : (content.caption ?? '')).replace(/\s+/g, ' ').trim();
  const kind = notifier.t(locale, `announcements-kind-${content.kind}`);
  if (!words) return kind;
  const short = words.length > 40 ? `${words.slice(0, 40)}…` : words;
  return content.kind === 'text' ? `«${short}»` : `${kind} «${short}»`;
}

/**
 * Writes the delivery report of every announcement whose messages are all final (sent,
 * unreachable, failed, cancelled) and that has not been reported: safe to run from several
 * processes and any number of times (the reported_at claim and the report's dedupe key make it
 * once). A cancelled announcement of which nothing went out gets no report: cancelling said it all.
 */
export async function finishAnnouncements(database: Database, notifier: Notifier, limit = 100): Promise<number> {
  const due = await database.rows<{ id: number | string }>(sql`
    select a.id from announcements a
     where a.reported_at is null and a.status in ('queued', 'cancelled')
       and coalesce(a.send_at, a.confirmed_at) <= now()
       and not exists (
         select 1 from announcement_deliveries d
           join outbox o on o.dedupe_key = 'ann:' || d.announcement_id || ':' || d.chat_id
          where d.announcement_id = a.id and o.status = 'pending')
     order by a.id
     limit ${limit}`);
  let reported = 0;
  for (const { id: rawId } of due) {
    const id = Number(rawId);
    const wrote = await database.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(announcements)
        .set({ reportedAt: sql`now()`, status: sql`case when ${announcements.status} = 'queued' then 'done'::announcement_status else ${announcements.status} end` })
        .where(and(eq(announcements.id, id), sql`${announcements.reportedAt} is null`))
        .returning({ schoolId: announcements.schoolId, author: announcements.authorTelegramId, content: announcements.content, status: announcements.status });
      if (!claimed) return false;
      const report = await deliveryReport(tx, id);
      if (claimed.status === 'cancelled' && report.delivered + report.unreachable + report.failed === 0) return false;
      const [account] = await tx.select({ locale: telegramAccounts.locale }).from(telegramAccounts).where(eq(telegramAccounts.telegramUserId, claimed.author));
      const locale = account?.locale ?? notifier.defaultLocale;
      await addToOutbox(tx, {
        dedupeKey: `ann-report:${id}`,
        schoolId: claimed.schoolId,
        chatId: claimed.author,
        priority: REPORT_PRIORITY,
        payload: { text: renderReport(notifier, locale, report, describeContent(notifier, locale, claimed.content)) },
      });
      await audit(tx, { actor: 'system', schoolId: claimed.schoolId, action: 'announce.report', entity: 'announcement', entityId: id, details: { delivered: report.delivered, unreachable: report.unreachable, failed: report.failed, cancelled: report.cancelled } });
      return true;
    });
    if (wrote) reported++;
  }
  return reported;
}

// ---------------------------------------------------------------------------------------------
// Class groups

export type LinkGroupResult =
  | { ok: true; className: string; replacedChat: boolean }
  | { ok: false; reason: 'not-staff' | 'which-class' | 'unknown-class' | 'not-your-class' | 'taken'; className?: string };

/** Classes of the current year this staff member may link: their homeroom classes, or every class for the office. */
async function linkableClasses(ex: Executor, actor: Actor) {
  const office = actor.staff.filter((m) => m.roles.includes('principal') || m.roles.includes('operator')).map((m) => m.schoolId);
  const own = actor.staff.flatMap((m) => m.homeroomClassIds);
  const schoolIds = actor.staff.map((m) => m.schoolId);
  if (schoolIds.length === 0) return [];
  const rows = await ex
    .select({ id: classes.id, name: classes.name, schoolId: classes.schoolId })
    .from(classes)
    .innerJoin(sql`academic_years ay`, sql`ay.id = ${classes.academicYearId} and ay.is_current`)
    .where(inArray(classes.schoolId, schoolIds));
  return rows.map((r) => ({ ...r, mine: own.includes(r.id) || office.includes(r.schoolId) }));
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
  const mayUnlink = actor.staff.some(
    (m) => m.schoolId === linked.schoolId && (m.homeroomClassIds.includes(linked.classId) || m.roles.includes('principal') || m.roles.includes('operator')),
  );
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

/** "Now" or a date and time in the school's zone, for the reader. */
export function formatWhen(locale: Locale, iso: string, timeZone: string): string {
  const c = schoolClock(timeZone, new Date(iso));
  return `${formatDay(locale, c.day)} ${locale === 'km' ? c.time.replace(/\d/g, (d) => KHMER_DIGITS[Number(d)]!) : c.time}`;
}
