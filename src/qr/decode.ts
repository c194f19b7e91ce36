/**
 * Reading QR codes from photos (a teacher's or a gate phone's picture of one or more cards).
 *
 * sharp decodes the picture (JPEG, PNG, WebP, …), turns it upright by its EXIF orientation,
 * shrinks very large photos and hands ZXing one byte of grey per pixel (as a PGM); ZXing-C++
 * compiled to WebAssembly (zxing-wasm) finds every QR code in it. The .wasm is read from the installed package
 * (never fetched from a CDN: servers may be offline), once per process.
 *
 * For input that is not a picture, decodeQrCodes returns [] (it never throws for bad input);
 * readQrPhoto tells "not a picture" apart from "no code found" for callers that want to say so.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);

/**
 * Longest side ZXing gets. Telegram sends photos at most 1280 px; a document may be a 12-50 MP
 * original, where a card fills a good part of the frame: 2048 px keeps a 25 %-wide code at
 * ≥ 10 px per module while ZXing's time, which grows with the pixel count, stays small.
 */
export const MAX_DECODE_SIDE = 2048;
/** Pixels sharp will open at all (a 100 MP picture is not a phone photo). */
const MAX_INPUT_PIXELS = 100_000_000;

const READER_OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  // QR finder patterns are found at any angle; turning the picture three more times finds nothing new.
  tryRotate: false,
  tryInvert: false,
  // small codes in large photos: also look at a downscaled copy
  tryDownscale: true,
  maxNumberOfSymbols: 16,
};

let ready: Promise<void> | undefined;

/** Loads and compiles the WebAssembly reader (≈ 1 MB) once; later calls return at once. */
export function warmUpDecoder(): Promise<void> {
  ready ??= (async () => {
    const wasmBinary = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    // Later readBarcodes calls find this module (same overrides) instead of fetching one.
    await prepareZXingModule({
      overrides: { wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) as ArrayBuffer },
      fireImmediately: true,
    });
  })().catch((err: unknown) => {
    ready = undefined; // a later call may try again
    throw err;
  });
  return ready;
}

export type QrPhoto = { ok: true; texts: string[]; width: number; height: number } | { ok: false; reason: 'not-an-image' | 'too-large' };

/**
 * A picture as one byte of grey per pixel, upright, no side longer than MAX_DECODE_SIDE.
 * The grey is the green channel: libvips' greyscale() goes through linear light and took about
 * twice as long as the whole JPEG decode; green carries most of the luminance, and a black QR
 * code on white paper is black and white in every channel.
 */
export async function greyPixels(image: Buffer | Uint8Array): Promise<{ data: Buffer; width: number; height: number } | { error: 'not-an-image' | 'too-large' }> {
  let meta: { width?: number; height?: number; hasAlpha?: boolean; channels?: number; space?: string };
  try {
    meta = await sharp(image, { limitInputPixels: false }).metadata();
  } catch {
    return { error: 'not-an-image' };
  }
  if (!meta.width || !meta.height) return { error: 'not-an-image' };
  if (meta.width * meta.height > MAX_INPUT_PIXELS) return { error: 'too-large' };
  try {
    let pipeline = sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'none' }).rotate();
    if (Math.max(meta.width, meta.height) > MAX_DECODE_SIDE) {
      pipeline = pipeline.resize({ width: MAX_DECODE_SIDE, height: MAX_DECODE_SIDE, fit: 'inside', kernel: 'linear' });
    }
    // a code on a transparent background: make the background white paper
    if (meta.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
    const rgbLike = (meta.channels ?? 3) >= 3 && (meta.space === 'srgb' || meta.space === 'rgb');
    pipeline = rgbLike ? pipeline.extractChannel('green') : pipeline.greyscale();
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`expected one channel, got ${info.channels}`);
    return { data, width: info.width, height: info.height };
  } catch {
    // a truncated or corrupt file that has a readable header
    return { error: 'not-an-image' };
  }
}

/** Every QR code's text in a photo, or why the photo could not be read. */
export async function readQrPhoto(image: Buffer | Uint8Array): Promise<QrPhoto> {
  const grey = await greyPixels(image);
  if ('error' in grey) return { ok: false, reason: grey.error };
  await warmUpDecoder();
  // Handed over as a binary PGM (the grey bytes behind a 15-byte header), which ZXing's image
  // loader reads as is: its ImageData path would want RGBA and turn it back into grey in JS,
  // which cost ≈ 10 ms a photo.
  const pgm = Buffer.concat([Buffer.from(`P5\n${grey.width} ${grey.height}\n255\n`, 'latin1'), grey.data]);
  const results = await readBarcodes(pgm, READER_OPTIONS);
  const texts = [...new Set(results.filter((r) => r.isValid && r.text).map((r) => r.text))];
  return { ok: true, texts, width: grey.width, height: grey.height };
}

/** Every QR text found in a photo (JPEG, PNG, WebP…); [] when there is none or it is not a picture. */
export async function decodeQrCodes(image: Buffer | Uint8Array): Promise<string[]> {
  const read = await readQrPhoto(image);
  return read.ok ? read.texts : [];
}
