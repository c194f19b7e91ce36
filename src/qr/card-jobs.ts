/**
 * Card work in the worker: drawing a class's sheet (PDF) or one student's card (PNG), storing it
 * (files.ts) and queueing it to the person who asked. The bot only checks who may ask and adds the
 * job; drawing 40 cards takes a second or two of CPU, which has no place in an update handler.
 */
import { schoolBotUsername } from '../core/telegram/fleet.js';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../core/db/client.js';
import { classes, type Locale } from '../core/db/schema.js';
import { displayName, formatNumber, type Notifier } from '../core/i18n/index.js';
import { addToOutbox } from '../core/queue/outbox.js';
import { safeError } from '../core/logger.js';
import type { QueueSpec } from '../core/capability.js';
import { chatId, localeSchema, rowId } from '../core/queue/payloads.js';
import { cardSecret } from './secret.js';
import { BOT_USERNAME_RE, cardOf, cardsFor, type CardData } from './cards.js';
import { contentKey, storedOrMadeFile, type CardFileRef } from './files.js';
import { renderCardPng, renderClassSheetPdf } from './render.js';
import type { CardKey } from './tokens.js';

export const CARDS_QUEUE = 'cards';

const delivery = {
  schoolId: rowId,
  /** the chat that asked (the files go to it, and to nobody else) */
  chatId,
  locale: localeSchema,
  /** who asked, as the audit log names them: 'tg:<id>' (recorded as the new cards' issued_by) */
  requestedBy: z.string().regex(/^tg:\d{1,16}$/),
  /** the bot the cards' links open; a wrong one would print cards nobody can scan */
  botUsername: z.string().regex(BOT_USERNAME_RE),
  /** unique per request: names the outbox rows, so a re-run job sends nothing twice */
  key: z.string().min(1).max(200),
};

/** students.id is a bigint; a school has at most a few hundred classes */
const studentId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const cardJob = z.discriminatedUnion('kind', [
  z.object({ ...delivery, kind: z.literal('sheet'), classIds: z.array(rowId).min(1).max(500).refine((ids) => new Set(ids).size === ids.length, 'class ids repeat') }),
  z.object({ ...delivery, kind: z.literal('card'), studentId, reissued: z.boolean().optional() }),
]);
export type CardJob = z.infer<typeof cardJob>;

function schoolName(card: CardData, locale: Locale): string {
  return displayName(locale, { nameKm: card.schoolNameKm, nameEn: card.schoolNameEn });
}

/**
 * The outbox fields of a card delivery: the record it carries (a student's card, a class's sheet).
 * It goes to the staff member who asked, not a family: no child to re-check a link to.
 */
function about(entity: 'student' | 'class', entityId: number) {
  return { capability: 'qr', entity, entityId, studentId: null };
}

export async function runCardJob(database: Database, job: CardJob, secret: CardKey, notifier: Notifier): Promise<unknown> {
  const { db } = database;
  const t = (key: string, vars?: Record<string, string | number>) => notifier.t(job.locale, key, vars);
  // A school served by another bot of the fleet: its cards open that bot, whichever bot was asked.
  const botUsername = (await schoolBotUsername(db, job.schoolId)) ?? job.botUsername;
  if (job.kind === 'card') {
    const card = await cardOf(db, { studentId: job.studentId, schoolId: job.schoolId, issuedBy: job.requestedBy }, secret, botUsername);
    if (!card) {
      await addToOutbox(db, { dedupeKey: `${job.key}:gone`, schoolId: job.schoolId, ...about('student', job.studentId), chatId: job.chatId, payload: { text: t('qr-card-gone') } });
      return { sent: 0 };
    }
    const file = await storedOrMadeFile(
      db,
      { schoolId: job.schoolId, kind: 'card', scope: `student:${card.studentId}`, contentKey: contentKey('card', { cards: [card] }), fileName: `${card.studentCode}.png`, requestedBy: job.requestedBy },
      () => renderCardPng(card),
    );
    const vars = { name: displayName(job.locale, card), class: card.className, code: card.studentCode };
    const document: CardFileRef = { cardFile: file.id, name: `${card.studentCode}.png` };
    await addToOutbox(db, {
      dedupeKey: `${job.key}:card`,
      schoolId: job.schoolId,
      ...about('student', card.studentId),
      chatId: job.chatId,
      method: 'sendDocument',
      payload: { document, caption: t(job.reissued ? 'qr-card-caption-new' : 'qr-card-caption', vars) },
    });
    return { file: file.id, reused: file.reused };
  }

  const results: Array<{ classId: number; file?: number; reused?: boolean; students: number }> = [];
  for (const classId of job.classIds) {
    const cards = await cardsFor(db, { schoolId: job.schoolId, classId, issuedBy: job.requestedBy }, secret, botUsername);
    if (cards.length === 0) {
      const [cls] = await db.select({ name: classes.name }).from(classes).where(and(eq(classes.id, classId), eq(classes.schoolId, job.schoolId)));
      await addToOutbox(db, { dedupeKey: `${job.key}:${classId}:empty`, schoolId: job.schoolId, ...about('class', classId), chatId: job.chatId, payload: { text: t('qr-sheet-empty', { class: cls?.name ?? '?' }) } });
      results.push({ classId, students: 0 });
      continue;
    }
    const first = cards[0]!;
    const title = t('qr-sheet-title', { school: schoolName(first, job.locale), class: first.className });
    const fileName = `${first.className}.pdf`;
    const file = await storedOrMadeFile(
      db,
      { schoolId: job.schoolId, kind: 'sheet', scope: `class:${classId}`, contentKey: contentKey('sheet', { title, cards }), fileName, requestedBy: job.requestedBy },
      async () => {
        // One card at a time: rendering is CPU work, and a worker runs one card job at a time.
        const pngs: Buffer[] = [];
        for (const card of cards) pngs.push(await renderCardPng(card));
        return renderClassSheetPdf(cards, title, { cardPngs: pngs, pageLabel: (page, pages) => `${formatNumber(job.locale, page)}/${formatNumber(job.locale, pages)}` });
      },
    );
    const document: CardFileRef = { cardFile: file.id, name: fileName };
    await addToOutbox(db, {
      dedupeKey: `${job.key}:${classId}`,
      schoolId: job.schoolId,
      ...about('class', classId),
      chatId: job.chatId,
      method: 'sendDocument',
      // a whole school's sheets are bulk: below people's own messages
      priority: job.classIds.length > 1 ? 8 : 6,
      payload: { document, caption: t('qr-sheet-caption', { class: first.className, count: formatNumber(job.locale, cards.length) }) },
    });
    results.push({ classId, file: file.id, reused: file.reused, students: cards.length });
  }
  return { classes: results };
}

export const cardsQueue: QueueSpec<CardJob> = {
  name: CARDS_QUEUE,
  payload: cardJob,
  // Drawing is CPU work: one job at a time per worker process. Nothing scheduled: cards are made on request.
  concurrency: 1,
  // The first card of a process pays for loading the font and the text engine: pay it now.
  prepare: async (ctx) => {
    void warmRenderer().catch((err) => ctx.log.warn({ err: safeError(err) }, 'card renderer warm-up failed'));
  },
  run: (job, ctx) => {
    if (!ctx.config) throw new Error('card jobs need the configuration (CARD_SECRET or BOT_TOKEN)');
    return runCardJob(ctx.database, job, cardSecret(ctx.config), ctx.notifier);
  },
};

async function warmRenderer(): Promise<void> {
  await renderCardPng({
    studentId: 0,
    studentCode: 'S0',
    nameKm: 'សិស្ស',
    nameEn: 'Student',
    classId: 0,
    className: '1A',
    schoolId: 0,
    schoolNameKm: 'សាលា',
    schoolNameEn: 'School',
    version: 1,
    token: 'c',
    link: 'https://t.me/warm_up_bot?start=c',
  });
}
