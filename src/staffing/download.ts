/**
 * Downloading a file a user sent (a workbook) through the Bot API: getFile, then the file URL on
 * the same API root (tests' fake Bot API serves it too). Refuses files over `maxBytes` before
 * downloading them.
 */
import type { Api } from 'grammy';

export class FileTooBigError extends Error {}

export async function downloadTelegramFile(api: Api, fileId: string, maxBytes: number): Promise<Uint8Array> {
  const file = await api.getFile(fileId);
  if (!file.file_path) throw new Error('no file path');
  if ((file.file_size ?? 0) > maxBytes) throw new FileTooBigError(`file over ${maxBytes} bytes`);
  const root = api.options?.apiRoot ?? 'https://api.telegram.org';
  const fetchImpl = api.options?.fetch ?? fetch;
  const res = await fetchImpl(`${root}/file/bot${api.token}/${file.file_path}`);
  if (!res.ok) throw new Error(`download failed: ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw new FileTooBigError(`file over ${maxBytes} bytes`);
  return bytes;
}
