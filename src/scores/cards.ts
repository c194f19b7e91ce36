/**
 * Report cards as pictures (PNG) and a class's cards as an A4 PDF for printing.
 *
 * Shapes are SVG; every text is a piece drawn by pango with Noto Sans Khmer (core/render/fonts.ts)
 * and composited on top — never SVG <text>, which breaks Khmer split vowels. The PDF embeds the
 * PNGs (pdf-lib does not shape Khmer), one card per A4 page.
 */
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { renderText, type TextPiece } from '../core/render/fonts.js';

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

export async function renderCard(card: CardPicture): Promise<Buffer> {
  const rowH = 52;
  const top = 300;
  const tableH = rowH * (card.lines.length + 1);
  const summaryTop = top + tableH + 30;
  const summaryH = 50 * Math.ceil(card.summary.length / 2);
  const commentTop = summaryTop + summaryH + 20;
  const H = commentTop + (card.comment ? 130 : 40);

  const pieces: Array<Promise<{ piece: TextPiece; left: number; top: number; align?: 'right' | 'center' }>> = [];
  const put = (text: string, left: number, y: number, style: Parameters<typeof renderText>[1], align?: 'right' | 'center') =>
    pieces.push(cachedText(text, style).then((piece) => ({ piece, left, top: y, align })));

  put(card.schoolKm, W / 2, 22, { size: 40, bold: true, color: '#FFFFFF', maxWidth: W - 80 }, 'center');
  put(card.schoolEn, W / 2, 86, { size: 26, color: '#FFFFFF', maxWidth: W - 80 }, 'center');
  put(card.title, W / 2, 150, { size: 34, bold: true, color: INK, maxWidth: W - 80 }, 'center');
  put(card.childName, 48, 212, { size: 34, bold: true, color: INK, maxWidth: 640 });
  put(card.classLine, W - 48, 218, { size: 28, color: MUTED, maxWidth: 360 }, 'right');

  const [hSubject, hScore, hMax] = card.headers;
  put(hSubject, 60, top + 8, { size: 24, bold: true, color: MUTED, maxWidth: 560 });
  put(hScore, 820, top + 8, { size: 24, bold: true, color: MUTED, maxWidth: 160 }, 'right');
  put(hMax, W - 60, top + 8, { size: 24, bold: true, color: MUTED, maxWidth: 140 }, 'right');
  card.lines.forEach((l, i) => {
    const y = top + rowH * (i + 1) + 8;
    put(l.subject, 60, y, { size: 26, color: INK, maxWidth: 600 });
    put(l.score, 820, y, { size: 26, bold: true, color: INK, maxWidth: 160 }, 'right');
    put(l.max, W - 60, y, { size: 26, color: MUTED, maxWidth: 140 }, 'right');
  });
  card.summary.forEach(([label, value], i) => {
    const col = i % 2;
    const y = summaryTop + 50 * Math.floor(i / 2);
    const x = col === 0 ? 60 : W / 2 + 20;
    put(`${label}: ${value}`, x, y, { size: 27, bold: i < 2, color: INK, maxWidth: W / 2 - 80 });
  });
  if (card.comment) {
    put(card.commentLabel, 60, commentTop, { size: 24, bold: true, color: MUTED, maxWidth: W - 120 });
    put(card.comment, 60, commentTop + 44, { size: 26, color: INK, maxWidth: W - 120 });
  }

  const stripes = card.lines
    .map((_, i) => (i % 2 === 0 ? `<rect x="40" y="${top + rowH * (i + 1)}" width="${W - 80}" height="${rowH}" fill="#F2F5FA"/>` : ''))
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <rect width="${W}" height="${H}" fill="#FFFFFF"/>
    <rect width="${W}" height="136" fill="${BAND}"/>
    ${stripes}
    <rect x="40" y="${top}" width="${W - 80}" height="${tableH}" fill="none" stroke="${RULE}" stroke-width="2"/>
    <line x1="40" y1="${top + rowH}" x2="${W - 40}" y2="${top + rowH}" stroke="${RULE}" stroke-width="2"/>
    <line x1="40" y1="${summaryTop - 14}" x2="${W - 40}" y2="${summaryTop - 14}" stroke="${BAND}" stroke-width="3"/>
  </svg>`;
  const placed = await Promise.all(pieces);
  return sharp(Buffer.from(svg))
    .composite(
      placed.map(({ piece, left, top: y, align }) => ({
        input: piece.data,
        raw: { width: piece.width, height: piece.height, channels: 4 as const },
        left: Math.max(0, Math.round(align === 'right' ? left - piece.width : align === 'center' ? left - piece.width / 2 : left)),
        top: Math.round(y),
      })),
    )
    .png({ compressionLevel: 6 })
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
