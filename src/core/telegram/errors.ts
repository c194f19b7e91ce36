/**
 * Telegram answers that are not failures of ours. Editing a message into the text it already has
 * (a double tap, a list that did not change) answers 400 "message is not modified": harmless.
 */
import { GrammyError } from 'grammy';

export function isNotModified(err: unknown): boolean {
  return err instanceof Error && /message is not modified/.test(err instanceof GrammyError ? err.description : err.message);
}

/** For `.catch(ignoreNotModified)` after an edit: swallows only "not modified", rethrows the rest. */
export function ignoreNotModified(err: unknown): void {
  if (!isNotModified(err)) throw err;
}
