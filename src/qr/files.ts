/**
 * Card files (a student's card PNG, a class's sheet PDF): made in the worker, kept in card_files,
 * sent through the outbox by reference. The sender's resolver uploads the stored bytes the first
 * time and Telegram's file id afterwards. A file is found again by a hash of everything printed on
 * it, so asking twice for an unchanged class sends the same file without drawing it again, and a
 * re-issued card or a renamed student makes a new one.
 */
import { createHash } from 'node:crypto';
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import { InputFile } from 'grammy';
import type { Db } from '../core/db/client.js';
import type { PayloadResolver } from '../core/queue/sender.js';
import type { CardData } from './cards.js';
import { cardFiles } from './schema.js';

/** Bump when the drawing changes, so stored files are drawn again with the new layout. */
export const CARD_LAYOUT_VERSION = 1;

/** How an outbox payload points at a stored file (in place of the file). */
export interface CardFileRef {
  cardFile: number;
  name: string;
}

export function contentKey(kind: 'card' | 'sheet', printed: { title?: string; cards: CardData[] }): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([CARD_LAYOUT_VERSION, kind, printed.title ?? '']));
  for (const c of printed.cards) {
    hash.update(JSON.stringify([c.token, c.link, c.studentCode, c.nameKm, c.nameEn, c.className, c.schoolNameKm, c.schoolNameEn]));
  }
  return hash.digest('hex');
}

export interface CardFileKey {
  schoolId: number;
  kind: 'card' | 'sheet';
  /** 'student:<id>' or 'class:<id>' */
  scope: string;
  contentKey: string;
  fileName: string;
  requestedBy: string;
}

/**
 * The stored file with this content, or a new one made by `make`. Files of the same scope older
 * than a day are removed when a new one is stored (their outbox rows were sent long ago).
 */
export async function storedOrMadeFile(db: Db, key: CardFileKey, make: () => Promise<Buffer>): Promise<{ id: number; reused: boolean }> {
  const [stored] = await db
    .select({ id: cardFiles.id })
    .from(cardFiles)
    .where(and(eq(cardFiles.schoolId, key.schoolId), eq(cardFiles.contentKey, key.contentKey)));
  if (stored) return { id: stored.id, reused: true };
  const t0 = performance.now();
  const bytes = await make();
  const renderMs = Math.round(performance.now() - t0);
  const [row] = await db
    .insert(cardFiles)
    .values({ ...key, bytes, renderMs })
    // two workers drawing the same file at once: keep the first
    .onConflictDoUpdate({ target: [cardFiles.schoolId, cardFiles.contentKey], set: { fileName: sql`${cardFiles.fileName}` } })
    .returning({ id: cardFiles.id });
  await db
    .delete(cardFiles)
    .where(and(eq(cardFiles.schoolId, key.schoolId), eq(cardFiles.scope, key.scope), ne(cardFiles.id, row!.id), lt(cardFiles.createdAt, sql`now() - interval '1 day'`)));
  return { id: row!.id, reused: false };
}

/** The sender's resolver for payloads whose document is a CardFileRef. */
export function cardFileResolver(db: Db): PayloadResolver {
  return async (method, payload) => {
    if (method !== 'sendDocument') return null;
    const ref = payload.document as Partial<CardFileRef> | undefined;
    if (!ref || typeof ref !== 'object' || typeof ref.cardFile !== 'number') return null;
    const [row] = await db.select().from(cardFiles).where(eq(cardFiles.id, ref.cardFile));
    if (!row) throw new Error(`card file ${ref.cardFile} is gone`);
    const document = row.fileId ?? new InputFile(row.bytes, ref.name ?? row.fileName);
    return {
      payload: { ...payload, document },
      onSent: async (result) => {
        if (row.fileId) return;
        const fileId = (result as { document?: { file_id?: string } }).document?.file_id;
        if (fileId) await db.update(cardFiles).set({ fileId }).where(eq(cardFiles.id, row.id));
      },
    };
  };
}
