/**
 * Announcements: what a principal, operator or teacher sends to many people at once, who was
 * meant to get it (one row per recipient chat), and the classes' Telegram groups that can take a
 * class's announcement as one message instead of one per parent.
 *
 * The messages themselves are outbox rows with dedupe key `ann:<announcement id>:<chat id>`: a
 * recipient is written once per announcement, so a retried confirmation, a crash or a re-run
 * sends nobody anything twice. Delivery state lives on those rows; the report reads it from there.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { classes, staff, schoolRef } from '../core/db/schema.js';

/** A piece of Telegram content kept by file_id (never downloaded): Telegram re-sends it itself. */
export type AnnouncementContent =
  | { kind: 'text'; text: string; entities?: MessageEntityLike[] }
  | { kind: 'photo' | 'voice' | 'video' | 'document'; fileId: string; fileSize?: number; caption?: string; entities?: MessageEntityLike[] };

/** The fields of a Telegram MessageEntity we keep (offsets in UTF-16 code units). */
export interface MessageEntityLike {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export type Audience =
  | { kind: 'school' }
  | { kind: 'staff' }
  | { kind: 'parents' }
  | { kind: 'grades'; grades: number[] }
  | { kind: 'classes'; classIds: number[] };

export const announcementStatusEnum = pgEnum('announcement_status', ['draft', 'queued', 'done', 'cancelled', 'discarded']);
export type AnnouncementStatus = (typeof announcementStatusEnum.enumValues)[number];

export const announcements = pgTable(
  'announcements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    schoolId: schoolRef(),
    /** the author's Telegram account: only they confirm, cancel, and get the report */
    authorTelegramId: bigint('author_telegram_id', { mode: 'number' }).notNull(),
    authorStaffId: integer('author_staff_id').references(() => staff.id, { onDelete: 'set null' }),
    /** 'office' (principal, operator) or 'teacher': decides which audiences were allowed */
    authorRole: text('author_role').notNull(),
    content: jsonb('content').$type<AnnouncementContent>().notNull(),
    audience: jsonb('audience').$type<Audience>().notNull(),
    /** classes with a linked Telegram group get one message in the group instead of one per parent */
    viaGroups: boolean('via_groups').notNull().default(true),
    urgent: boolean('urgent').notNull().default(false),
    /** null: as soon as it is confirmed */
    sendAt: timestamp('send_at', { withTimezone: true }),
    status: announcementStatusEnum('status').notNull().default('draft'),
    /** recipients counted for the preview, then written at confirmation */
    previewCount: integer('preview_count').notNull().default(0),
    recipientCount: integer('recipient_count'),
    /** ordinary announcements outside school hours go without a notification sound */
    silent: boolean('silent'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /** set once, when the delivery report was written to the outbox (or found unnecessary) */
    reportedAt: timestamp('reported_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('announcements_school_idx').on(t.schoolId, t.createdAt),
    // The delivery-report check reads only announcements not yet reported.
    index('announcements_unreported_idx').on(t.id).where(sql`${t.reportedAt} is null and ${t.status} in ('queued', 'cancelled')`),
  ],
);

/**
 * Who an announcement was written to: one row per chat (a parent, a staff member, a class
 * group), with the class it counts under in the report. The outbox row is found by its dedupe key.
 */
export const announcementDeliveries = pgTable(
  'announcement_deliveries',
  {
    announcementId: bigint('announcement_id', { mode: 'number' })
      .notNull()
      .references(() => announcements.id, { onDelete: 'cascade' }),
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    /** null for staff */
    classId: integer('class_id'),
    /** parent | staff | group */
    kind: text('kind').notNull(),
  },
  (t) => [primaryKey({ columns: [t.announcementId, t.chatId] })],
);

/** A class's parents' group on Telegram, linked by a teacher of the class from inside the group. */
export const classGroups = pgTable(
  'class_groups',
  {
    classId: integer('class_id')
      .primaryKey()
      .references(() => classes.id, { onDelete: 'cascade' }),
    schoolId: schoolRef(),
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    title: text('title'),
    linkedBy: text('linked_by').notNull(),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('class_groups_chat_uq').on(t.chatId), index('class_groups_school_idx').on(t.schoolId)],
);
