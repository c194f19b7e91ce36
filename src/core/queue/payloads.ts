/** Pieces of job payload schemas (zod) that many capabilities' queues share. */
import { z } from 'zod';
import { LOCALES } from '../i18n/index.js';

/** A row id: a positive whole number within Postgres `integer`. */
export const rowId = z.number().int().min(1).max(2_147_483_647);
/** A Telegram chat id (negative for groups). */
export const chatId = z.number().int().refine((n) => Number.isSafeInteger(n) && n !== 0, 'a Telegram chat id');
export const shiftSchema = z.enum(['morning', 'afternoon']);
export const localeSchema = z.enum(LOCALES as ['km', 'en']);
/** A calendar day, YYYY-MM-DD. */
export const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
