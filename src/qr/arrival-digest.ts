/**
 * A family's arrival digest, written when it goes out: the outbox row (key `arrf:…`, payload
 * `{ arrivalDigest: key, locale, reply_markup }`) names no child itself; the children scanned into
 * it are in arrival_digest_items, with their names and times already in the reader's language.
 * The sender calls this resolver after it has taken the row's lease, and the scan statement
 * adds a child only to a row no sender holds (it locks the row), so every child that went into
 * the digest is in the message and no child is in two.
 *
 * Only children the recipient is still linked to are named (the send-time check of a row with
 * several children can only look at the school).
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../core/db/client.js';
import type { Locale } from '../core/db/schema.js';
import type { Notifier } from '../core/i18n/index.js';
import type { PayloadResolver } from '../core/queue/sender.js';

interface DigestItem {
  name: string;
  time: string;
  late: boolean;
}

/** The text of a digest: the single notice's own text for one child, one line naming all for several. */
export function digestText(notifier: Notifier, locale: Locale, items: readonly DigestItem[]): string {
  if (items.length === 1) {
    const [only] = items;
    return notifier.t(locale, only!.late ? 'qr-scan-notice-late' : 'qr-scan-notice-arrived', { name: only!.name, time: only!.time });
  }
  const names = items.map((i) => i.name).join(notifier.t(locale, 'core-list-and'));
  const times = items.map((i) => (i.late ? notifier.t(locale, 'qr-scan-digest-late', { time: i.time }) : i.time)).join(', ');
  return notifier.t(locale, 'qr-scan-digest', { names, times });
}

export class EmptyDigestError extends Error {
  constructor() {
    super('no child of this arrival digest is still linked to its recipient');
  }
}

export function arrivalDigestResolver(db: Db, notifier: Notifier): PayloadResolver {
  return async (method, payload) => {
    if (method !== 'sendMessage' || typeof payload.arrivalDigest !== 'string') return null;
    const { arrivalDigest: key, locale, ...rest } = payload;
    const items = rowsOf<DigestItem>(
      await db.execute(sql`
        select i.name, i.time, i.late from arrival_digest_items i
         where i.digest_key = ${key}
           and exists (select 1 from guardians g join student_guardians sg on sg.guardian_id = g.id
                        where g.telegram_user_id = i.guardian_tg and sg.student_id = i.student_id)
         order by i.time, i.created_at, i.student_id`),
    );
    // Nothing to say (every child unlinked since): the row fails instead of sending an empty text.
    if (items.length === 0) throw new EmptyDigestError();
    const reader: Locale = locale === 'en' ? 'en' : locale === 'km' ? 'km' : notifier.defaultLocale;
    return { payload: { ...rest, text: digestText(notifier, reader, items) } };
  };
}
