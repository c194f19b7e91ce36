/**
 * Files in `npm run try`. The Bot API emulator keeps no files, so the try-out does it:
 * - what the bot sends (a report's chart and workbook, a card sheet PDF…) is saved into a folder
 *   (TRY_FILES_DIR, default data/try-files) and the chat shows where;
 * - what the user sends (`:photo PATH`, `:voice PATH`, `:document PATH`) is registered under a
 *   file id: getFile answers for it and its download URL serves the bytes, as Telegram's servers do.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputFile } from 'grammy';

export interface TryFiles {
  dir: string;
  /** Saves a file the bot sends (an InputFile) and returns its path; undefined for a file id or URL. */
  save(file: unknown, fallbackName: string): Promise<string | undefined>;
  /** Registers a file the user sends; returns its file id and size. */
  register(filePath: string): { fileId: string; size: number; name: string };
  /** getFile's answer for a registered file id (undefined: not ours). */
  getFile(fileId: string): { file_id: string; file_unique_id: string; file_size: number; file_path: string } | undefined;
  /** Installs the download URL of registered files (…/file/bot<token>/try-upload/<id>) on the global fetch the bot downloads with. */
  serveDownloads(apiRoot: string, token: string): void;
}

export function tryFiles(dir: string): TryFiles {
  const uploads = new Map<string, { bytes: Buffer; name: string }>();
  let n = 0;
  return {
    dir,
    async save(file, fallbackName) {
      if (!(file instanceof InputFile)) return undefined;
      const raw = await file.toRaw();
      const chunks: Uint8Array[] = [];
      if (raw instanceof Uint8Array) chunks.push(raw);
      else for await (const c of raw as AsyncIterable<Uint8Array>) chunks.push(c);
      mkdirSync(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
      const name = `${stamp}-${++n}-${path.basename(file.filename ?? fallbackName).replace(/[^\w.\-]+/g, '_')}`;
      const target = path.join(dir, name);
      writeFileSync(target, Buffer.concat(chunks));
      return target;
    },
    register(filePath) {
      const size = statSync(filePath).size;
      const fileId = `try-${Date.now().toString(36)}-${++n}`;
      uploads.set(fileId, { bytes: readFileSync(filePath), name: path.basename(filePath) });
      return { fileId, size, name: path.basename(filePath) };
    },
    getFile(fileId) {
      const f = uploads.get(fileId);
      return f ? { file_id: fileId, file_unique_id: `u-${fileId}`, file_size: f.bytes.length, file_path: `try-upload/${fileId}` } : undefined;
    },
    serveDownloads(apiRoot, token) {
      const prefix = `${apiRoot}/file/bot${token}/try-upload/`;
      const realFetch = globalThis.fetch;
      globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        if (url.startsWith(prefix)) {
          const f = uploads.get(decodeURIComponent(url.slice(prefix.length)));
          return f ? new Response(new Uint8Array(f.bytes), { status: 200 }) : new Response('Not Found', { status: 404 });
        }
        return realFetch(input, init);
      }) as typeof fetch;
    },
  };
}
