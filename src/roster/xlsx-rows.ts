/**
 * Counting an XLSX's rows without opening it: the zip's central directory names the worksheet
 * entries, and each is inflated as a stream, counting `<row` tags and stopping as soon as the
 * count passes the limit. A 5 MB file of a million rows is refused after inflating the first
 * few megabytes, in bounded memory, before exceljs builds a single row (issue 11, case 13).
 */
import { createInflateRaw } from 'node:zlib';

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** The central directory's entries, or null when the bytes are not a zip we can read. */
function zipEntries(b: Buffer): Entry[] | null {
  // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 65_557); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== 0x02014b50) return null;
    const nameLength = b.readUInt16LE(p + 28);
    const extraLength = b.readUInt16LE(p + 30);
    const commentLength = b.readUInt16LE(p + 32);
    out.push({
      method: b.readUInt16LE(p + 10),
      compressedSize: b.readUInt32LE(p + 20),
      localHeaderOffset: b.readUInt32LE(p + 42),
      name: b.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

const ROW_TAG = /<(?:[A-Za-z_][\w.-]*:)?row[\s>/]/g;

/** Rows of one worksheet entry, counted up to `limit + 1` (then it stops inflating). */
function countRows(b: Buffer, e: Entry, limit: number): Promise<number> {
  const local = e.localHeaderOffset;
  if (local + 30 > b.length || b.readUInt32LE(local) !== 0x04034b50) return Promise.reject(new Error('bad local header'));
  const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
  const data = b.subarray(start, start + e.compressedSize);
  const count = (text: string) => text.match(ROW_TAG)?.length ?? 0;
  if (e.method === 0) return Promise.resolve(count(data.toString('latin1')));
  if (e.method !== 8) return Promise.reject(new Error(`zip method ${e.method}`));
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let rows = 0;
    let tail = '';
    let done = false;
    const finish = (n: number) => {
      if (done) return;
      done = true;
      inflate.destroy();
      resolve(n);
    };
    inflate.on('data', (chunk: Buffer) => {
      // keep a few characters across chunks so that a tag split between two is still seen
      const text = tail + chunk.toString('latin1');
      rows += count(text) - count(tail);
      tail = text.slice(-24);
      if (rows > limit) finish(rows);
    });
    inflate.on('end', () => finish(rows));
    inflate.on('error', (err) => {
      if (!done) reject(err);
    });
    inflate.end(data);
  });
}

/**
 * The row count of the largest worksheet, stopping past `limit` (so the answer is "at most
 * limit" or "more"); null when the zip cannot be read this way (exceljs then decides).
 */
export async function xlsxRowsAtMost(bytes: Uint8Array, limit: number): Promise<number | null> {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = zipEntries(b);
  if (!entries) return null;
  let most = 0;
  try {
    for (const e of entries.filter((x) => /^xl\/worksheets\/sheet\d+\.xml$/.test(x.name))) {
      most = Math.max(most, await countRows(b, e, limit));
      if (most > limit) break;
    }
  } catch {
    return null;
  }
  return most;
}
