/**
 * The next signer is told, in the transaction of the signature that makes the records ready for
 * them: once every subject of a class is signed, its homeroom teacher (to confirm the class);
 * once the homeroom teacher confirms, the school's principals (to sign). Nobody has to keep
 * opening /sign to see whether it is their turn. A signer who is also the next one (a homeroom
 * teacher who signed the last subject) is told by the answer to their own tap, not by a message.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../core/db/client.js';
import type { Locale } from '../core/db/schema.js';
import { localDigits, type Notifier } from '../core/i18n/index.js';
import { addToOutbox, type OutgoingMessage } from '../core/queue/outbox.js';
import { schoolRecipients } from '../teaching/leave-flow.js';
import type { ClassCheck } from './service-sign.js';
import { termText } from './term.js';

const CAPABILITY = 'records';

interface Recipient {
  staffId: number;
  chatId: number;
  locale: Locale | null;
}

function message(notifier: Notifier, to: Recipient, input: { schoolId: number; classId: number; dedupeKey: string; key: string; args: Record<string, string | number>; term: string }): OutgoingMessage {
  const locale = to.locale ?? notifier.defaultLocale;
  return {
    dedupeKey: `${input.dedupeKey}:${to.staffId}`,
    schoolId: input.schoolId,
    capability: CAPABILITY,
    entity: 'class',
    entityId: input.classId,
    chatId: to.chatId,
    payload: { text: notifier.t(locale, input.key, { ...input.args, term: termText(locale, input.term, (key) => notifier.t(locale, key)), arg: input.term }) },
  };
}

/**
 * After a subject signature: the homeroom teacher, when no subject of the class is left unsigned
 * (`check`: the class as the signature's transaction sees it; `versions`: a key of the records'
 * current versions — a new version, after an unlock, is a new round of notices).
 */
export async function tellHomeroomIfReady(
  tx: Tx,
  notifier: Notifier,
  input: { schoolId: number; classId: number; term: string; signerStaffId: number; check: ClassCheck | undefined; versions: string },
): Promise<number> {
  const { check } = input;
  if (!check || check.records === 0 || check.unsignedSubjects.length > 0 || check.confirmed) return 0;
  const to = rowsOf<Recipient>(
    await tx.execute(sql`
      select s.id as "staffId", s.telegram_user_id as "chatId", ta.locale
        from classes c join staff s on s.id = c.homeroom_staff_id
        left join telegram_accounts ta on ta.telegram_user_id = s.telegram_user_id
       where c.id = ${input.classId} and c.school_id = ${input.schoolId} and s.active and s.telegram_user_id is not null
         and s.id <> ${input.signerStaffId}`),
  ).map((r) => ({ ...r, staffId: Number(r.staffId), chatId: Number(r.chatId) }));
  const codes = check.missingIdCodes.length;
  const messages = to.map((r) =>
    message(notifier, r, {
      schoolId: input.schoolId,
      classId: input.classId,
      dedupeKey: `records-ready-class:${input.classId}:${input.term}:${input.versions.slice(0, 16)}`,
      key: codes > 0 ? 'records-ready-class-codes' : 'records-ready-class',
      args: { className: check.className, count: localDigits(r.locale ?? notifier.defaultLocale, String(codes)) },
      term: input.term,
    }),
  );
  return (await addToOutbox(tx, messages)).length;
}

/** After the homeroom teacher's confirmation: the school's principals, the records waiting for them. */
export async function tellPrincipals(tx: Tx, notifier: Notifier, input: { schoolId: number; classId: number; className: string; term: string; count: number; batch: string; signerStaffId: number }): Promise<number> {
  // the school's principals on Telegram (teaching's list of them), the one who confirmed aside
  const to = (await schoolRecipients(tx, input.schoolId, ['principal'])).filter((r) => r.staffId !== input.signerStaffId);
  const messages = to.map((r) =>
    message(notifier, r, {
      schoolId: input.schoolId,
      classId: input.classId,
      dedupeKey: `records-ready-school:${input.classId}:${input.term}:${input.batch.slice(0, 16)}`,
      key: 'records-ready-school',
      args: { className: input.className, count: localDigits(r.locale ?? notifier.defaultLocale, String(input.count)) },
      term: input.term,
    }),
  );
  return (await addToOutbox(tx, messages)).length;
}
