/**
 * The worker's side of /export: makes the file (promised work, recorded in promised_jobs when the
 * bot adds it, so a Redis that lost it gets it again), then sends it through the outbox as a
 * document, or a download link when it is over Telegram's limit.
 */
import { z } from 'zod';
import type { QueueSpec } from '../core/capability.js';
import { loadConfigWithoutBot } from '../config.js';
import { audit } from '../core/auth/audit.js';
import { formatDateTimeOrDay, sizeText } from './texts.js';
import { addToOutbox } from '../core/queue/outbox.js';
import { chatId, isoDay, localeSchema } from '../core/queue/payloads.js';
import { downloadLink, makeExportFile, removeExpiredExports } from './files.js';
import { EXPORT_KINDS } from './request.js';
import { scopeLabel } from './scope.js';

export const EXPORTS_QUEUE = 'exports';

const scope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('nation') }),
  z.object({ kind: z.literal('province'), code: z.string().min(1).max(40) }),
  z.object({ kind: z.literal('school'), code: z.string().min(1).max(40) }),
]);

const payload = z.object({
  kind: z.literal('make'),
  export: z.enum(EXPORT_KINDS),
  scope,
  month: z.string().regex(/^\d{4}-\d{2}$/).optional(),
  today: isoDay,
  chatId,
  locale: localeSchema,
  key: z.string().max(200),
});
export type ExportJob = z.infer<typeof payload>;

export const exportsQueue: QueueSpec<ExportJob> = {
  name: EXPORTS_QUEUE,
  payload,
  // streaming a nation's export is long and uses a database connection: one at a time
  concurrency: 1,
  async run(job, ctx) {
    const config = ctx.config ?? loadConfigWithoutBot({});
    await removeExpiredExports(ctx.database.db);
    const file = await makeExportFile(ctx.database, { kind: job.export, scope: job.scope, month: job.month, today: job.today, requestedBy: job.chatId, dir: config.EXPORTS_DIR, linkHours: config.EXPORTS_LINK_HOURS });
    await audit(ctx.database.db, { actor: `tg:${job.chatId}`, action: 'export.made', entity: 'export_file', entityId: file.id, details: { kind: job.export, scope: scopeLabel(job.scope), bytes: file.bytes } });
    const t = (key: string, vars: Record<string, string | number>) => ctx.notifier.t(job.locale, key, vars);
    const vars = { name: file.fileName, size: sizeText(job.locale, file.bytes) };
    const base = { capability: 'exports', entity: 'export_file', entityId: file.id, chatId: job.chatId, priority: 7 };
    if (file.bytes <= config.EXPORTS_TELEGRAM_MAX_BYTES) {
      await addToOutbox(ctx.database.db, { ...base, dedupeKey: `${job.key}:file`, method: 'sendDocument', payload: { document: { exportFile: file.id }, caption: t('exports-ready', vars) } });
    } else {
      const link = downloadLink(config, file.id, file.expiresAt);
      await addToOutbox(ctx.database.db, { ...base, dedupeKey: `${job.key}:link`, payload: { text: t('exports-ready-link', { ...vars, link, until: formatDateTimeOrDay(job.locale, file.expiresAt) }) } });
    }
    return file.id;
  },
};
