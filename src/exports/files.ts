/**
 * /export files: made by the worker into EXPORTS_DIR (streamed, like the CLI's), recorded in
 * export_files, then sent as a Telegram document — or, over Telegram's 50 MB, as a signed,
 * expiring link that the bot's HTTP server answers (GET /exports/<id>/<expires>/<signature>).
 * The link's signature is an HMAC of the file id and expiry with a key derived from CARD_SECRET
 * (or BOT_TOKEN), so every process of a deployment checks it alike; expired files are deleted.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InputFile } from 'grammy';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Database, Db } from '../core/db/client.js';
import { audit } from '../core/auth/audit.js';
import type { PayloadResolver } from '../core/queue/sender.js';
import type { HttpRoute } from '../core/telegram/webhook.js';
import { attendanceExport } from './attendance.js';
import { oneRosterZip } from './oneroster.js';
import type { ExportKind } from './request.js';
import { scopeLabel, type ExportScope } from './scope.js';
import { exportFiles } from './schema.js';

type LinkConfig = Pick<Config, 'CARD_SECRET' | 'BOT_TOKEN'>;

function linkKey(config: LinkConfig): Buffer {
  return createHmac('sha256', config.CARD_SECRET ?? config.BOT_TOKEN).update('sis export download links v1').digest();
}

export function linkSignature(config: LinkConfig, id: number, expires: number): string {
  return createHmac('sha256', linkKey(config)).update(`${id}.${expires}`).digest('base64url');
}

/** The public origin download links start with. */
export function publicBase(config: Pick<Config, 'EXPORTS_PUBLIC_URL' | 'WEBAPP_URL' | 'WEBHOOK_URL' | 'PORT'>): string {
  const url = config.EXPORTS_PUBLIC_URL ?? config.WEBAPP_URL ?? config.WEBHOOK_URL;
  return url ? new URL(url).origin : `http://localhost:${config.PORT}`;
}

export function downloadLink(config: Parameters<typeof publicBase>[0] & LinkConfig, id: number, expires: Date): string {
  const e = Math.floor(expires.getTime() / 1000);
  return `${publicBase(config)}/exports/${id}/${e}/${linkSignature(config, id, e)}`;
}

export function exportFileName(kind: ExportKind, scope: ExportScope, month: string | undefined): string {
  const label = scopeLabel(scope);
  if (kind === 'oneroster') return `oneroster-${label}.zip`;
  return `attendance-${label}-${month}.${kind === 'attendance-csv' ? 'csv' : 'jsonl'}`;
}

/** Writes the export to disk and records it; returns its row. */
export async function makeExportFile(
  database: Database,
  input: { kind: ExportKind; scope: ExportScope; month?: string; today: string; requestedBy: number; dir: string; linkHours: number },
): Promise<{ id: number; fileName: string; bytes: number; path: string; expiresAt: Date }> {
  await mkdir(input.dir, { recursive: true });
  const fileName = exportFileName(input.kind, input.scope, input.month);
  const file = path.resolve(input.dir, `${Date.now()}-${Math.random().toString(36).slice(2, 8)}-${fileName}`);
  const from = `${input.month}-01`;
  const lastDay = input.month ? new Date(Date.UTC(Number(input.month.slice(0, 4)), Number(input.month.slice(5, 7)), 0)).toISOString().slice(0, 10) : '';
  const to = lastDay < input.today ? lastDay : input.today;
  const stream = input.kind === 'oneroster' ? oneRosterZip(database, input.scope) : attendanceExport(database, input.scope, { from, to, format: input.kind === 'attendance-csv' ? 'csv' : 'jsonl' });
  await pipeline(stream, createWriteStream(file));
  const bytes = (await stat(file)).size;
  const expiresAt = new Date(Date.now() + input.linkHours * 3_600_000);
  const [row] = await database.db
    .insert(exportFiles)
    .values({ requestedBy: input.requestedBy, kind: input.kind, scope: scopeLabel(input.scope), fileName, path: file, bytes, expiresAt })
    .returning({ id: exportFiles.id });
  return { id: row!.id, fileName, bytes, path: file, expiresAt };
}

/** Deletes the files whose links have expired. */
export async function removeExpiredExports(db: Db): Promise<number> {
  const rows = await db.select({ id: exportFiles.id, path: exportFiles.path }).from(exportFiles).where(and(isNull(exportFiles.removedAt), lt(exportFiles.expiresAt, sql`now()`)));
  for (const r of rows) {
    await rm(r.path, { force: true });
    await db.update(exportFiles).set({ removedAt: sql`now()` }).where(eq(exportFiles.id, r.id));
  }
  return rows.length;
}

/** Payloads whose document is `{ exportFile: id }`: the file is streamed from disk to Telegram. */
export function exportFileResolver(db: Db): PayloadResolver {
  return async (method, payload) => {
    if (method !== 'sendDocument') return null;
    const ref = payload.document as { exportFile?: number } | undefined;
    if (!ref || typeof ref !== 'object' || typeof ref.exportFile !== 'number') return null;
    const [row] = await db.select().from(exportFiles).where(eq(exportFiles.id, ref.exportFile));
    if (!row || row.removedAt) throw new Error(`export file ${ref.exportFile} is gone`);
    return { payload: { ...payload, document: new InputFile(createReadStream(row.path), row.fileName) } };
  };
}

const PAGE = (status: number, km: string, en: string) => ({ status, body: `<!doctype html><meta charset="utf-8"><title>SIS</title><p lang="km">${km}</p><p lang="en">${en}</p>` });

/** GET /exports/<id>/<expires>/<signature>: the file, while the link is valid. */
export function exportDownloadRoute(database: Database, config: LinkConfig): HttpRoute {
  return {
    method: 'GET',
    path: '/exports',
    prefix: true,
    async handle(req, res) {
      const m = /^\/exports\/(\d{1,10})\/(\d{1,12})\/([A-Za-z0-9_-]{43})$/.exec((req.url ?? '').split('?')[0]!);
      const send = (p: { status: number; body: string }) => res.writeHead(p.status, { 'content-type': 'text/html; charset=utf-8' }).end(p.body);
      if (!m) return void send(PAGE(404, 'រកមិនឃើញ។', 'Not found.'));
      const [id, expires, sig] = [Number(m[1]), Number(m[2]), m[3]!];
      const expected = Buffer.from(linkSignature(config, id, expires));
      if (!timingSafeEqual(expected, Buffer.from(sig.padEnd(expected.length).slice(0, expected.length)))) {
        await audit(database.db, { actor: 'http', action: 'export.download', entity: 'export_file', entityId: id, outcome: 'denied', details: { reason: 'signature' } });
        return void send(PAGE(403, 'តំណនេះមិនត្រឹមត្រូវទេ។', 'This link is not valid.'));
      }
      const [row] = await database.db.select().from(exportFiles).where(eq(exportFiles.id, id));
      if (!row || row.removedAt || expires * 1000 < Date.now() || row.expiresAt.getTime() < Date.now()) {
        return void send(PAGE(410, 'តំណនេះផុតកំណត់ហើយ។ សូមស្នើ /export ម្ដងទៀត។', 'This link has expired. Ask again with /export.'));
      }
      await audit(database.db, { actor: `tg:${row.requestedBy}`, action: 'export.download', entity: 'export_file', entityId: id, details: { scope: row.scope, kind: row.kind } });
      res.writeHead(200, {
        'content-type': row.kind === 'oneroster' ? 'application/zip' : row.kind === 'attendance-csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
        'content-length': String(row.bytes),
        'content-disposition': `attachment; filename="${row.fileName}"`,
        'cache-control': 'private, no-store',
      });
      await pipeline(createReadStream(row.path), res);
    },
  };
}
