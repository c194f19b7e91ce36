/**
 * Report cards as pictures (PNG) and a class's cards as an A4 PDF for printing.
 *
 * Shapes are painted straight into an RGB buffer and every text is a piece drawn by pango with
 * Noto Sans Khmer (core/render/fonts.ts) blended on top (core/render/canvas.ts), then one PNG
 * encode — never SVG <text>, which breaks Khmer split vowels. The PDF embeds the
 * PNGs (pdf-lib does not shape Khmer), one card per A4 page.
 */
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { renderText, type TextPiece } from '../core/render/fonts.js';
import { blendPiece, paintRect } from '../core/render/canvas.js';

export interface CardLine {
  subject: string;
  score: string;
  max: string;
}

export interface CardPicture {
  schoolKm: string;
  schoolEn: string;
  title: string;
  childName: string;
  classLine: string;
  lines: CardLine[];
  /** label/value pairs under the table: average, rank, grade, result, attendance */
  summary: Array<[string, string]>;
  commentLabel: string;
  comment: string | null;
  headers: [subject: string, score: string, max: string];
}

const W = 1080;

/**
 * Text pieces repeat across a class's cards (school name, headers, subject names, most scores):
 * each is drawn by pango once per process and reused (bounded, oldest dropped first).
 */
const pieceCache = new Map<string, Promise<TextPiece>>();
function cachedText(text: string, style: Parameters<typeof renderText>[1]): Promise<TextPiece> {
  const key = JSON.stringify([text, style]);
  let piece = pieceCache.get(key);
  if (!piece) {
    if (pieceCache.size >= 5000) pieceCache.delete(pieceCache.keys().next().value!);
    piece = renderText(text, style);
    piece.catch(() => pieceCache.delete(key));
    pieceCache.set(key, piece);
  }
  return piece;
}
const BAND = '#1B4F8A';
const INK = '#111111';
const MUTED = '#5A5A5A';
const RULE = '#D0D7E2';
const STRIPE = '#F2F5FA';

type Style = Parameters<typeof renderText>[1];
interface Placed {
  text: string;
  left: number;
  top: number;
  style: Style;
  align?: 'right' | 'center';
}

const ROW_H = 52;
const TOP = 300;

function layout(card: CardPicture) {
  const tableH = ROW_H * (card.lines.length + 1);
  const summaryTop = TOP + tableH + 30;
  const summaryH = 50 * Math.ceil(card.summary.length / 2);
  const commentTop = summaryTop + summaryH + 20;
  return { tableH, summaryTop, commentTop, H: commentTop + (card.comment ? 130 : 40) };
}

/** What every card of a class shares: the band, the table, the school, title, headers, subjects. */
function staticTexts(card: CardPicture): Placed[] {
  const { commentTop } = layout(card);
  const [hSubject, hScore, hMax] = card.headers;
  const out: Placed[] = [
    { text: card.schoolKm, left: W / 2, top: 22, style: { size: 40, bold: true, color: '#FFFFFF', maxWidth: W - 80 }, align: 'center' },
    { text: card.schoolEn, left: W / 2, top: 86, style: { size: 26, color: '#FFFFFF', maxWidth: W - 80 }, align: 'center' },
    { text: card.title, left: W / 2, top: 150, style: { size: 34, bold: true, color: INK, maxWidth: W - 80 }, align: 'center' },
    { text: card.classLine, left: W - 48, top: 218, style: { size: 28, color: MUTED, maxWidth: 360 }, align: 'right' },
    { text: hSubject, left: 60, top: TOP + 8, style: { size: 24, bold: true, color: MUTED, maxWidth: 560 } },
    { text: hScore, left: 820, top: TOP + 8, style: { size: 24, bold: true, color: MUTED, maxWidth: 160 }, align: 'right' },
    { text: hMax, left: W - 60, top: TOP + 8, style: { size: 24, bold: true, color: MUTED, maxWidth: 140 }, align: 'right' },
  ];
  card.lines.forEach((l, i) => {
    const y = TOP + ROW_H * (i + 1) + 8;
    out.push({ text: l.subject, left: 60, top: y, style: { size: 26, color: INK, maxWidth: 600 } });
    out.push({ text: l.max, left: W - 60, top: y, style: { size: 26, color: MUTED, maxWidth: 140 }, align: 'right' });
  });
  if (card.comment) out.push({ text: card.commentLabel, left: 60, top: commentTop, style: { size: 24, bold: true, color: MUTED, maxWidth: W - 120 } });
  return out;
}

/** What is the child's own: the name, the scores, the summary, the comment. */
function ownTexts(card: CardPicture): Placed[] {
  const { summaryTop, commentTop } = layout(card);
  const out: Placed[] = [{ text: card.childName, left: 48, top: 212, style: { size: 34, bold: true, color: INK, maxWidth: 640 } }];
  card.lines.forEach((l, i) => out.push({ text: l.score, left: 820, top: TOP + ROW_H * (i + 1) + 8, style: { size: 26, bold: true, color: INK, maxWidth: 160 }, align: 'right' }));
  card.summary.forEach(([label, value], i) => {
    const x = i % 2 === 0 ? 60 : W / 2 + 20;
    out.push({ text: `${label}: ${value}`, left: x, top: summaryTop + 50 * Math.floor(i / 2), style: { size: 27, bold: i < 2, color: INK, maxWidth: W / 2 - 80 } });
  });
  if (card.comment) out.push({ text: card.comment, left: 60, top: commentTop + 44, style: { size: 26, color: INK, maxWidth: W - 120 } });
  return out;
}

async function blendAll(canvas: Buffer, H: number, texts: Placed[]): Promise<void> {
  const pieces = await Promise.all(texts.map((p) => cachedText(p.text, p.style)));
  texts.forEach((p, i) => {
    const piece = pieces[i]!;
    const left = p.align === 'right' ? p.left - piece.width : p.align === 'center' ? p.left - piece.width / 2 : p.left;
    blendPiece(canvas, W, H, piece, Math.max(0, Math.round(left)), Math.round(p.top));
  });
}

/**
 * The blank card of a class (shapes and shared texts painted, RGB): drawn once and copied for
 * each child. Profiling showed the per-card SVG rasterising and sharp compositing of ~40 pieces
 * were most of a card's time; a few templates are kept (a class's cards come one after another).
 */
const templates = new Map<string, Promise<Buffer>>();
function template(card: CardPicture): Promise<Buffer> {
  const { tableH, summaryTop, H } = layout(card);
  const shared = staticTexts(card);
  const key = JSON.stringify([H, card.lines.length, shared.map((p) => p.text)]);
  let t = templates.get(key);
  if (!t) {
    if (templates.size >= 8) templates.delete(templates.keys().next().value!);
    t = (async () => {
      const canvas = Buffer.alloc(W * H * 3, 255);
      paintRect(canvas, W, H, 0, 0, W, 136, BAND);
      card.lines.forEach((_, i) => {
        if (i % 2 === 0) paintRect(canvas, W, H, 40, TOP + ROW_H * (i + 1), W - 80, ROW_H, STRIPE);
      });
      // the table's frame and header rule (2 px), the summary's rule (3 px)
      paintRect(canvas, W, H, 39, TOP - 1, W - 78, 2, RULE);
      paintRect(canvas, W, H, 39, TOP + tableH - 1, W - 78, 2, RULE);
      paintRect(canvas, W, H, 39, TOP - 1, 2, tableH + 2, RULE);
      paintRect(canvas, W, H, W - 41, TOP - 1, 2, tableH + 2, RULE);
      paintRect(canvas, W, H, 40, TOP + ROW_H - 1, W - 80, 2, RULE);
      paintRect(canvas, W, H, 40, summaryTop - 15, W - 80, 3, BAND);
      await blendAll(canvas, H, shared);
      return canvas;
    })();
    t.catch(() => templates.delete(key));
    templates.set(key, t);
  }
  return t;
}

export async function renderCard(card: CardPicture): Promise<Buffer> {
  const { H } = layout(card);
  const canvas = Buffer.from(await template(card));
  await blendAll(canvas, H, ownTexts(card));
  return sharp(canvas, { raw: { width: W, height: H, channels: 3 } })
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toBuffer();
}

/** One card per A4 page, scaled to the page's width with margins. */
export async function cardsPdf(pngs: Buffer[], title: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(title);
  const A4 = { w: 595.28, h: 841.89 };
  for (const png of pngs) {
    const image = await pdf.embedPng(png);
    const page = pdf.addPage([A4.w, A4.h]);
    const scale = Math.min((A4.w - 60) / image.width, (A4.h - 60) / image.height);
    page.drawImage(image, { x: (A4.w - image.width * scale) / 2, y: A4.h - 30 - image.height * scale, width: image.width * scale, height: image.height * scale });
  }
  return Buffer.from(await pdf.save());
}
