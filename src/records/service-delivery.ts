/**
 * Sending a certified copy: the outbox row names the copy by its code (RecordCopyRef), and the
 * sender's resolver draws the PDF when the row goes out, in the recipient's language — the PDF
 * is not copied into the outbox, and a copy drawn again from the same code shows the same record.
 */
import { InputFile } from 'grammy';
import type { Db } from '../core/db/client.js';
import { formatNumber, type Notifier } from '../core/i18n/index.js';
import type { PayloadResolver } from '../core/queue/sender.js';
import type { RecordDocument } from './canonical.js';
import { sealOf } from './pdf-seal.js';
import { renderCertifiedCopy } from './render.js';
import { copyByCode, type RecordCopyRef } from './service-copies.js';

/** `seals`: the school P12 directory and passphrase (RECORDS_P12_DIR, RECORDS_P12_PASSPHRASE). */
export function recordCopyResolver(db: Db, notifier: Notifier, seals: { dir?: string; passphrase?: string } = {}): PayloadResolver {
  return async (method, payload) => {
    if (method !== 'sendDocument') return null;
    const ref = (payload.document as Partial<RecordCopyRef> | undefined)?.recordCopy;
    if (!ref || typeof ref.code !== 'string' || typeof ref.url !== 'string') return null;
    const copy = await copyByCode(db, ref.code);
    if (!copy) throw new Error('certified copy not found');
    const locale = ref.locale === 'en' ? 'en' : 'km';
    const pdf = await renderCertifiedCopy({
      bundle: copy.bundle,
      code: ref.code,
      verifyUrl: ref.url,
      issuedAt: copy.issuedAt.toISOString(),
      label: (key, vars) => notifier.t(locale, key, vars),
      number: (n) => (n === null ? '—' : formatNumber(locale, n)),
      locale,
      seal: sealOf(seals, (JSON.parse(copy.bundle.canonical) as RecordDocument).school.code),
    });
    return { payload: { ...payload, document: new InputFile(pdf, `record-${ref.code}.pdf`) } };
  };
}
