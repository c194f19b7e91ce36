/**
 * Reading QR codes out of a photo: sharp turns any JPEG/PNG/WebP into greyscale pixels, and
 * zxing-wasm (ZXing-C++) finds every QR in them. The .wasm comes from the package itself, never
 * from a CDN (servers here are offline).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

let ready: Promise<unknown> | undefined;

export function warmUpDecoder(): Promise<unknown> {
  ready ??= (async () => {
    const wasmBinary = await readFile(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm'));
    return prepareZXingModule({ overrides: { wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) as ArrayBuffer }, fireImmediately: true });
  })();
  return ready;
}

/** Every QR text in the picture; [] when there is none. Throws when the bytes are not a picture. */
export async function decodeQrCodes(image: Buffer | Uint8Array): Promise<string[]> {
  await warmUpDecoder();
  const { data, info } = await sharp(image).rotate().resize({ width: 1600, height: 1600, fit: 'inside', withoutEnlargement: true }).greyscale().raw().toBuffer({ resolveWithObject: true });
  const pixels = new Uint8ClampedArray(info.width * info.height * 4);
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    pixels[j] = pixels[j + 1] = pixels[j + 2] = data[i]!;
    pixels[j + 3] = 255;
  }
  const results = await readBarcodes({ data: pixels, width: info.width, height: info.height, colorSpace: 'srgb' } as unknown as Parameters<typeof readBarcodes>[0], { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 4 });
  return [...new Set(results.filter((r) => r.isValid).map((r) => r.text))];
}
