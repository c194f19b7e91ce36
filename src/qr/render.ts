/**
 * Student cards as pictures and printable sheets.
 *
 * A card is ID-1 size (85.6 × 54 mm, a bank card), drawn at 300 dpi (1011 × 638 px): the school's
 * name in Khmer and English on a coloured band, the QR code on the left, and the student's name
 * in Khmer and Latin letters, class and student code on the right, with bilingual labels.
 *
 * Texts go through pango with Noto Sans Khmer (core/render/fonts.ts), never SVG <text>, which breaks
 * Khmer split vowels. The QR is drawn module by module on whole pixels (no resampling blur): with
 * error correction Q and ≈ 0.9 mm modules a cheap phone camera reads it from a printed card.
 *
 * A class sheet is an A4 PDF (pdf-lib) with 10 cards per page at real size and dashed cut lines;
 * the cards are embedded as the PNGs made here, which is how the Khmer stays correctly shaped in
 * the PDF (pdf-lib does not shape Khmer).
 */
import QRCode from 'qrcode';
import sharp from 'sharp';
import { PDFDocument, PDFImage, PDFRawStream, PngEmbedder, rgb as pdfRgb, type PDFContext, type PDFRef } from 'pdf-lib';
import type { Locale } from '../core/db/schema.js';
import { createI18n } from '../core/i18n/index.js';
import { renderText, type TextPiece, type TextStyle } from '../core/render/fonts.js';
import type { CardData } from './cards.js';

/** ID-1 card, ISO/IEC 7810 */
export const CARD_MM = { width: 85.6, height: 54 } as const;
const MM_PER_INCH = 25.4;

export interface CardLabels {
  /** "Student card", printed small under the school's name */
  title: string;
  class: string;
  code: string;
}

export interface CardRenderOptions {
  /** default 300 */
  dpi?: number;
  /** the card's printed labels; default both languages ("ថ្នាក់ · Class") from the locale files */
  labels?: CardLabels;
  /** QR error correction; default 'Q' (25 % of the code may be smudged or torn) */
  errorCorrection?: 'M' | 'Q';
}

const BAND = '#1B4F8A';
const INK = '#111111';
const MUTED = '#5A5A5A';
const WHITE = '#FFFFFF';

let defaultLabels: CardLabels | undefined;

/** Bilingual labels from the locale files, Khmer first: one printed card serves every reader. */
export function bilingualLabels(t: (locale: Locale, key: string) => string = (locale, key) => i18n().t(locale, key)): CardLabels {
  const both = (key: string) => (['km', 'en'] as const).map((locale) => t(locale, key)).join(' · ');
  return { title: both('qr-card-title'), class: both('qr-card-class'), code: both('qr-card-code') };
}

let i18nInstance: ReturnType<typeof createI18n> | undefined;
function i18n() {
  return (i18nInstance ??= createI18n('km', () => undefined));
}

/**
 * Texts that repeat on every card of a sheet (school names, labels, the class) are drawn once:
 * a small cache of the last pieces, bounded so a worker drawing many schools stays small.
 */
const pieces = new Map<string, Promise<TextPiece>>();
const PIECE_CACHE_SIZE = 48;

function cachedText(text: string, style: TextStyle): Promise<TextPiece> {
  const key = JSON.stringify([text, style.size, style.bold ?? false, style.color ?? '', style.maxWidth ?? 0]);
  let piece = pieces.get(key);
  if (piece) {
    // most recently used goes last
    pieces.delete(key);
  } else {
    piece = renderText(text, style);
    piece.catch(() => pieces.delete(key));
  }
  pieces.set(key, piece);
  if (pieces.size > PIECE_CACHE_SIZE) pieces.delete(pieces.keys().next().value!);
  return piece;
}

/** A QR code as a square of booleans (true = dark), error correction as asked, smallest version that fits. */
export function qrMatrix(text: string, errorCorrection: 'M' | 'Q' = 'Q'): { size: number; dark(x: number, y: number): boolean } {
  const qr = QRCode.create(text, { errorCorrectionLevel: errorCorrection });
  const { size, data } = qr.modules;
  return { size, dark: (x, y) => data[y * size + x] === 1 };
}

/** Renders one card as a PNG at ID-1 proportions. */
export async function renderCardPng(card: CardData, opts: CardRenderOptions = {}): Promise<Buffer> {
  const dpi = opts.dpi ?? 300;
  const W = Math.round((CARD_MM.width / MM_PER_INCH) * dpi);
  const H = Math.round((CARD_MM.height / MM_PER_INCH) * dpi);
  const u = (px: number) => Math.round((px * dpi) / 300); // layout is written for 300 dpi
  const labels = opts.labels ?? (defaultLabels ??= bilingualLabels());

  const pad = u(34);
  const bandH = u(142);
  const qrBox = H - bandH - u(30) - pad; // square under the band
  const colX = pad + qrBox + u(30);
  const colW = W - colX - pad;

  const [schoolKm, schoolEn, nameKm, nameEn, classLabel, classValue, codeLabel, codeValue, title] = await Promise.all([
    cachedText(card.schoolNameKm, { size: u(38), bold: true, color: WHITE, maxWidth: W - 2 * pad }),
    cachedText(card.schoolNameEn, { size: u(25), color: WHITE, maxWidth: W - 2 * pad }),
    renderText(card.nameKm, { size: u(58), bold: true, color: INK, maxWidth: colW }),
    card.nameEn ? renderText(card.nameEn.toUpperCase(), { size: u(36), color: INK, maxWidth: colW }) : null,
    cachedText(labels.class, { size: u(24), color: MUTED, maxWidth: colW }),
    cachedText(card.className, { size: u(50), bold: true, color: INK, maxWidth: colW }),
    cachedText(labels.code, { size: u(24), color: MUTED, maxWidth: colW }),
    renderText(card.studentCode, { size: u(38), bold: true, color: INK, maxWidth: colW }),
    cachedText(labels.title, { size: u(21), color: MUTED, maxWidth: colW }),
  ]);

  const canvas = new Canvas(W, H);
  canvas.fill(0, 0, W, bandH, BAND);
  // a hairline frame for the picture on its own; on a sheet the cut line runs along it
  canvas.frame(0, 0, W, H, '#C8C8C8', Math.max(1, u(2)));

  // School's name, centred vertically in the band (Khmer above English).
  const gap = u(2);
  const bandText = schoolKm.height + gap + schoolEn.height;
  let y = Math.round((bandH - bandText) / 2);
  canvas.blend(schoolKm, pad, y);
  canvas.blend(schoolEn, pad, y + schoolKm.height + gap);

  // The QR: whole pixels per module, two modules of white around it inside the card's own margin.
  const qr = qrMatrix(card.link, opts.errorCorrection ?? 'Q');
  const quiet = 2;
  const modulePx = Math.floor(qrBox / (qr.size + 2 * quiet));
  const qrPx = modulePx * qr.size;
  const qrX = pad + Math.floor((qrBox - qrPx) / 2);
  const qrY = bandH + u(30) + Math.floor((qrBox - qrPx) / 2);
  for (let my = 0; my < qr.size; my++) {
    for (let mx = 0; mx < qr.size; mx++) if (qr.dark(mx, my)) canvas.fill(qrX + mx * modulePx, qrY + my * modulePx, modulePx, modulePx, '#000000');
  }

  // The right column: name (Khmer, then Latin), class, student code, stacked by the ink of each
  // line (pieces carry room for the tallest Khmer stacks above and below), from the QR's top;
  // what the card is, at the foot level with the QR's bottom.
  const stack: Array<[TextPiece | null, number]> = [
    [nameKm, 0],
    [nameEn, u(12)],
    [classLabel, u(34)],
    [classValue, u(8)],
    [codeLabel, u(22)],
    [codeValue, u(8)],
  ];
  y = qrY;
  for (const [piece, gapBefore] of stack) {
    if (!piece) continue;
    const ink = inkRows(piece);
    y += gapBefore;
    canvas.blend(piece, colX, y - ink.top);
    y += ink.bottom - ink.top + 1;
    if (piece === (nameEn ?? nameKm)) canvas.fill(colX, y + u(17), colW, Math.max(1, u(2)), '#D5D5D5');
  }
  const titleInk = inkRows(title);
  canvas.blend(title, colX, qrY + qrPx - titleInk.bottom);

  return sharp(canvas.data, { raw: { width: W, height: H, channels: 3 } })
    .withMetadata({ density: dpi })
    // RGB, not a palette: quantising cost 30-40 ms a card, and the sheet passes RGB PNG data
    // straight into the PDF (embedPngData).
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** First and last rows of a piece that have ink. */
function inkRows(piece: TextPiece): { top: number; bottom: number } {
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < piece.height; y++) {
    const row = y * piece.width * 4;
    for (let x = 0; x < piece.width; x++) {
      if (piece.data[row + x * 4 + 3]! > 24) {
        if (top < 0) top = y;
        bottom = y;
        break;
      }
    }
  }
  return top < 0 ? { top: 0, bottom: 0 } : { top, bottom };
}

/** An RGB canvas: rectangles and text pieces drawn straight into a buffer (no SVG engine). */
class Canvas {
  readonly data: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = Buffer.alloc(width * height * 3, 255);
  }

  fill(x: number, y: number, w: number, h: number, colour: string): void {
    const [r, g, b] = hex(colour);
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) {
        const d = (yy * this.width + xx) * 3;
        this.data[d] = r;
        this.data[d + 1] = g;
        this.data[d + 2] = b;
      }
    }
  }

  frame(x: number, y: number, w: number, h: number, colour: string, thickness: number): void {
    this.fill(x, y, w, thickness, colour);
    this.fill(x, y + h - thickness, w, thickness, colour);
    this.fill(x, y, thickness, h, colour);
    this.fill(x + w - thickness, y, thickness, h, colour);
  }

  /** Draws an RGBA piece over the canvas ("over"), clipped to the canvas. */
  blend(piece: TextPiece, left: number, top: number): void {
    const { data, width: pw, height: ph } = piece;
    left = Math.round(left);
    top = Math.round(top);
    for (let y = Math.max(0, -top); y < ph && top + y < this.height; y++) {
      for (let x = Math.max(0, -left); x < pw && left + x < this.width; x++) {
        const s = (y * pw + x) * 4;
        const a = data[s + 3]!;
        if (a === 0) continue;
        const d = ((top + y) * this.width + left + x) * 3;
        for (let c = 0; c < 3; c++) this.data[d + c] = Math.round((data[s + c]! * a + this.data[d + c]! * (255 - a)) / 255);
      }
    }
  }
}

function hex(colour: string): [number, number, number] {
  const v = Number.parseInt(colour.slice(1, 7), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

// --- A4 sheets -----------------------------------------------------------------------------------

const PT_PER_MM = 72 / MM_PER_INCH;
const A4_MM = { width: 210, height: 297 } as const;
export const CARDS_PER_PAGE = 10;
const COLUMNS = 2;
const ROWS = CARDS_PER_PAGE / COLUMNS;
/** space between cards (one cut per edge, so a slightly crooked cut never eats the next card) */
const GAP_MM = { x: 8, y: 3 } as const;

/**
 * A printable A4 PDF of cards at real size (print at 100 %, "actual size"), 10 per page in two
 * columns, each card outlined by a dashed cut line, with crop marks in the margins. The title
 * (e.g. school and class) is drawn at the top of every page with the page number.
 */
export async function renderClassSheetPdf(
  cards: CardData[],
  title: string,
  opts: { cardPngs?: Buffer[]; /** "page of pages" in the reader's digits */ pageLabel?: (page: number, pages: number) => string } = {},
): Promise<Buffer> {
  const pageLabel = opts.pageLabel ?? ((page: number, pages: number) => `${page}/${pages}`);
  const pngs = opts.cardPngs ?? (await Promise.all(cards.map((c) => renderCardPng(c))));
  const pdf = await PDFDocument.create();
  pdf.setTitle(title);
  pdf.setCreator('SIS');
  pdf.setProducer('SIS (pdf-lib)');
  const pageCount = Math.max(1, Math.ceil(cards.length / CARDS_PER_PAGE));

  const pw = A4_MM.width * PT_PER_MM;
  const ph = A4_MM.height * PT_PER_MM;
  const cw = CARD_MM.width * PT_PER_MM;
  const ch = CARD_MM.height * PT_PER_MM;
  const gx = GAP_MM.x * PT_PER_MM;
  const gy = GAP_MM.y * PT_PER_MM;
  const gridW = COLUMNS * cw + (COLUMNS - 1) * gx;
  const gridH = ROWS * ch + (ROWS - 1) * gy;
  const left = (pw - gridW) / 2;
  const bottom = (ph - gridH) / 2;
  const grey = pdfRgb(0.55, 0.55, 0.55);

  // The heading is text that may be Khmer: drawn by pango as a picture like the cards.
  const headings = await Promise.all(
    Array.from({ length: pageCount }, async (_, i) => {
      const piece = await renderText(pageCount > 1 ? `${title}   ${pageLabel(i + 1, pageCount)}` : title, { size: 44, color: '#333333', maxWidth: 2000 });
      return sharp(piece.data, { raw: { width: piece.width, height: piece.height, channels: 4 } }).png().toBuffer();
    }),
  );

  for (let p = 0; p < pageCount; p++) {
    const page = pdf.addPage([pw, ph]);
    const heading = await embedPngData(pdf, headings[p]!);
    // 44 px of font size drawn as 3 mm (≈ 8.5 pt), in the top margin
    const scale = Math.min((3 * PT_PER_MM) / 44, gridW / heading.width);
    const hh = heading.height * scale;
    page.drawImage(heading, { x: left, y: bottom + gridH + (ph - bottom - gridH - hh) / 2, width: heading.width * scale, height: hh });

    for (let i = 0; i < CARDS_PER_PAGE; i++) {
      const index = p * CARDS_PER_PAGE + i;
      if (index >= cards.length) break;
      const col = i % COLUMNS;
      const row = Math.floor(i / COLUMNS);
      const x = left + col * (cw + gx);
      const y = bottom + gridH - (row + 1) * ch - row * gy;
      const image = await embedPngData(pdf, pngs[index]!);
      page.drawImage(image, { x, y, width: cw, height: ch });
      page.drawRectangle({ x, y, width: cw, height: ch, borderColor: grey, borderWidth: 0.5, borderDashArray: [3, 2] });
    }

    // Crop marks for a guillotine: every horizontal cut on both sides, every vertical cut at the
    // foot (the heading has the top margin).
    const mark = 4 * PT_PER_MM;
    const off = 1.5 * PT_PER_MM;
    const xs = Array.from({ length: COLUMNS }, (_, c) => [left + c * (cw + gx), left + c * (cw + gx) + cw]).flat();
    const ys = Array.from({ length: ROWS }, (_, r) => [bottom + r * (ch + gy), bottom + r * (ch + gy) + ch]).flat();
    for (const x of xs) page.drawLine({ start: { x, y: bottom - off }, end: { x, y: bottom - off - mark }, thickness: 0.4, color: grey });
    for (const y of ys) {
      page.drawLine({ start: { x: left - off, y }, end: { x: left - off - mark, y }, thickness: 0.4, color: grey });
      page.drawLine({ start: { x: left + gridW + off, y }, end: { x: left + gridW + off + mark, y }, thickness: 0.4, color: grey });
    }
  }
  return Buffer.from(await pdf.save());
}

/**
 * An 8-bit RGB or RGBA PNG into the PDF without decoding it: a PDF Flate stream with the PNG
 * predictor reads a PNG's IDAT data as it is. pdf-lib's embedPng decodes and re-deflates every
 * picture in JavaScript (≈ 50 ms a card, seconds for a class). Other PNGs go through embedPng.
 */
export async function embedPngData(pdf: PDFDocument, png: Buffer): Promise<PDFImage> {
  const info = pngLayout(png);
  if (!info || info.colorType !== 2) return pdf.embedPng(png);
  const ref = pdf.context.nextRef();
  // PDFImage accepts only pdf-lib's embedders: one of its PngEmbedder whose work is done here.
  const embedder: PngEmbedder = Object.assign(Object.create(PngEmbedder.prototype) as PngEmbedder, {
    width: info.width,
    height: info.height,
    async embedIntoContext(context: PDFContext, into: PDFRef): Promise<PDFRef> {
      const dict = context.obj({
        Type: 'XObject',
        Subtype: 'Image',
        Width: info.width,
        Height: info.height,
        ColorSpace: 'DeviceRGB',
        BitsPerComponent: 8,
        Filter: 'FlateDecode',
        DecodeParms: { Predictor: 15, Colors: 3, BitsPerComponent: 8, Columns: info.width },
      });
      context.assign(into, PDFRawStream.of(dict, info.idat));
      return into;
    },
  });
  const image = PDFImage.of(ref, pdf, embedder);
  await image.embed();
  return image;
}

/** Size, colour type and concatenated IDAT data of a non-interlaced 8-bit PNG, else null. */
function pngLayout(png: Buffer): { width: number; height: number; colorType: number; idat: Uint8Array } | null {
  const SIGNATURE = '89504e470d0a1a0a';
  if (png.length < 33 || png.subarray(0, 8).toString('hex') !== SIGNATURE) return null;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const parts: Buffer[] = [];
  for (let at = 8; at + 8 <= png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const bitDepth = data[8]!;
      colorType = data[9]!;
      const interlace = data[12]!;
      if (bitDepth !== 8 || interlace !== 0) return null;
    } else if (type === 'IDAT') parts.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (width === 0 || parts.length === 0) return null;
  return { width, height, colorType, idat: new Uint8Array(Buffer.concat(parts)) };
}
