/**
 * Cards as pictures and sheets, read back the way a phone would: a rendered card's QR decodes to
 * its link and the token in it resolves; the class sheet is a valid A4 PDF with the expected pages
 * and one picture per card; photos without a code, with two codes, sideways or huge, and input
 * that is no picture at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { PDFDocument, PDFName, PDFDict } from 'pdf-lib';
import { classes, schools } from '../../src/core/db/schema.js';
import { cardsFor, resolveCardToken, type CardData } from '../../src/qr/cards.js';
import { decodeQrCodes, readQrPhoto } from '../../src/qr/decode.js';
import { CARDS_PER_PAGE, renderCardPng, renderClassSheetPdf } from '../../src/qr/render.js';
import { cardSecret } from '../../src/qr/secret.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadDemoSchool } from '../support/fixtures.js';

let database: TestDatabase;
const SECRET = cardSecret({ BOT_TOKEN: '123456:TEST-TOKEN-abcdefghij' });
let cards: CardData[];
let png: Buffer;

/** A phone-like photo: the picture at `width` px, turned by `angle`, on a grey noisy desk. */
async function photo(pictures: Array<{ png: Buffer; width: number; angle?: number; left: number; top: number }>, size = { width: 1280, height: 960 }): Promise<Buffer> {
  // noise made small and blown up: a blotchy desk, and cheap to make at any size
  const noise = await sharp({ create: { width: Math.round(size.width / 4), height: Math.round(size.height / 4), channels: 3, background: '#787878', noise: { type: 'gaussian', mean: 120, sigma: 30 } } })
    .resize(size.width, size.height, { kernel: 'nearest' })
    .png({ compressionLevel: 1 })
    .toBuffer();
  const layers = await Promise.all(
    pictures.map(async (p) => ({
      input: await sharp(p.png)
        .resize({ width: p.width })
        .rotate(p.angle ?? 0, { background: '#787878' })
        .toBuffer(),
      left: p.left,
      top: p.top,
    })),
  );
  const flat = await sharp(noise).composite(layers).raw().toBuffer({ resolveWithObject: true });
  return sharp(flat.data, { raw: { width: flat.info.width, height: flat.info.height, channels: flat.info.channels } })
    .blur(0.8)
    .jpeg({ quality: 80 })
    .toBuffer();
}

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemoSchool(database.db);
  const [school] = await database.db.select({ id: schools.id }).from(schools).where(eq(schools.code, 'DEMO-001'));
  const [c] = await database.db.select({ id: classes.id }).from(classes).where(and(eq(classes.schoolId, school!.id), eq(classes.name, '1A')));
  cards = await cardsFor(database.db, { schoolId: school!.id, classId: c!.id }, SECRET, 'sis_test_bot');
  png = await renderCardPng(cards[0]!);
});
afterAll(() => database.drop());

describe('card picture', () => {
  it('is an ID-1 card at 300 dpi whose QR reads back to a card the database accepts', async () => {
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1011, 638]);
    const texts = await decodeQrCodes(png);
    expect(texts).toEqual([cards[0]!.link]);
    const token = new URL(texts[0]!).searchParams.get('start')!;
    expect(await resolveCardToken(database.db, token, SECRET)).toEqual({ ok: true, studentId: cards[0]!.studentId, schoolId: cards[0]!.schoolId, classId: cards[0]!.classId });
  });

  it('draws the student\'s Khmer name in the name area (another name, other ink; ink is there)', async () => {
    const other = await renderCardPng({ ...cards[0]!, nameKm: 'ស្រេង ដារ៉ា' });
    const a = await sharp(png).extract({ left: 480, top: 150, width: 500, height: 90 }).raw().toBuffer();
    const b = await sharp(other).extract({ left: 480, top: 150, width: 500, height: 90 }).raw().toBuffer();
    expect(a.equals(b)).toBe(false);
    // ink (dark pixels) is there: the name is drawn, not left blank by a missing font
    expect([...b].filter((v) => v < 100).length).toBeGreaterThan(2000);
  });
});

describe('class sheet', () => {
  it('is a valid A4 PDF with 10 real-size cards a page, one picture per card', async () => {
    const many = Array.from({ length: 23 }, (_, i) => cards[i % cards.length]!);
    const pdfBytes = await renderClassSheetPdf(many, 'សាលាគំរូ · ថ្នាក់ 1A');
    expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
    const pdf = await PDFDocument.load(pdfBytes);
    expect(pdf.getPageCount()).toBe(Math.ceil(23 / CARDS_PER_PAGE));
    expect(pdf.getTitle()).toBe('សាលាគំរូ · ថ្នាក់ 1A');
    const pictures = pdf.getPages().map((page) => {
      const [w, h] = [page.getWidth(), page.getHeight()];
      expect(Math.round(w)).toBe(595);
      expect(Math.round(h)).toBe(842);
      const resources = page.node.Resources()!;
      const xobjects = resources.lookup(PDFName.of('XObject'), PDFDict);
      return xobjects.keys().length;
    });
    // cards plus the page heading
    expect(pictures).toEqual([11, 11, 4]);
  });
});

describe('decodeQrCodes', () => {
  it('finds nothing in a photo without a code, and says a non-picture is not a picture', async () => {
    expect(await decodeQrCodes(await photo([]))).toEqual([]);
    expect(await decodeQrCodes(Buffer.from('this is not a picture'))).toEqual([]);
    expect(await decodeQrCodes(new Uint8Array(0))).toEqual([]);
    expect(await readQrPhoto(Buffer.from('%PDF-1.7 nope'))).toEqual({ ok: false, reason: 'not-an-image' });
    const truncated = (await photo([])).subarray(0, 2000);
    expect(await decodeQrCodes(truncated)).toEqual([]);
  });

  it('finds both cards in a photo of two, tilted', async () => {
    const second = await renderCardPng(cards[1]!);
    const texts = await decodeQrCodes(await photo([
      { png, width: 520, angle: 12, left: 40, top: 200 },
      { png: second, width: 520, angle: -20, left: 660, top: 260 },
    ]));
    expect(texts.sort()).toEqual([cards[0]!.link, cards[1]!.link].sort());
  });

  it('reads a card in a sideways phone photo (EXIF orientation) and in a huge original (WebP too)', async () => {
    const upright = await photo([{ png, width: 600, left: 300, top: 250 }]);
    // stored turned, with orientation 6 telling viewers to turn it back
    const sideways = await sharp(upright).rotate(270).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect((await sharp(sideways).metadata()).width).toBe(960);
    // turned upright before reading: the decoder saw a landscape picture
    expect(await readQrPhoto(sideways)).toEqual({ ok: true, texts: [cards[0]!.link], width: 1280, height: 960 });
    const huge = await photo([{ png, width: 1500, left: 600, top: 500 }], { width: 3000, height: 2250 });
    const read = await readQrPhoto(huge);
    expect(read).toMatchObject({ ok: true, texts: [cards[0]!.link], width: 2048 });
    const webp = await sharp(upright).webp({ quality: 80 }).toBuffer();
    expect(await decodeQrCodes(webp)).toEqual([cards[0]!.link]);
  });
});
