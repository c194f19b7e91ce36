/**
 * A small RGB canvas for bar-chart pictures (teaching's hours and timetable, the budget):
 * rectangles painted straight into a buffer and text pieces (Khmer shaped by pango through
 * fonts.ts, never SVG <text>) blended on top, then one PNG encode. The same approach as the
 * attendance report chart.
 */
import sharp from 'sharp';
import { renderText, type TextPiece, type TextStyle } from './fonts.js';

export type { TextPiece };

function rgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1, 7), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
}

export class Canvas {
  private readonly rects: Rect[] = [];
  private readonly pieces: Array<{ piece: TextPiece; left: number; top: number }> = [];
  /** the same text in the same style is drawn once per picture */
  private readonly cache = new Map<string, Promise<TextPiece>>();

  constructor(readonly width: number) {}

  /** One line of text; emoji are left out (the Khmer font has none: they would be boxes). */
  text(raw: string, style: TextStyle): Promise<TextPiece> {
    const text = raw.replace(/\p{Extended_Pictographic}\uFE0F?\s*/gu, '').trim();
    const key = `${style.size}|${style.bold ? 1 : 0}|${style.color ?? ''}|${style.maxWidth ?? ''}|${text}`;
    let p = this.cache.get(key);
    if (!p) this.cache.set(key, (p = renderText(text, style)));
    return p;
  }

  rect(x: number, y: number, w: number, h: number, fill: string): void {
    this.rects.push({ x, y, w, h, fill });
  }

  place(piece: TextPiece, left: number, top: number): void {
    this.pieces.push({ piece, left: Math.round(left), top: Math.round(top) });
  }

  /** One row of colour swatches with their labels, from `left` at `top`; returns its height. */
  async legend(entries: ReadonlyArray<readonly [colour: string, label: string]>, left: number, top: number, color: string): Promise<number> {
    let x = left;
    for (const [colour, text] of entries) {
      this.rect(x, top + 6, 22, 22, colour);
      const label = await this.text(text, { size: 19, color });
      this.place(label, x + 30, top + 17 - label.height / 2);
      x += 30 + label.width + 36;
    }
    return 48;
  }

  async png(height: number): Promise<Buffer> {
    const W = this.width;
    const H = Math.ceil(height);
    const canvas = Buffer.alloc(W * H * 3, 255);
    for (const r of this.rects) paintRect(canvas, W, H, r.x, r.y, r.w, r.h, r.fill);
    for (const { piece, left, top } of this.pieces) blendPiece(canvas, W, H, piece, left, top);
    return sharp(canvas, { raw: { width: W, height: H, channels: 3 } })
      .png({ compressionLevel: 6, adaptiveFiltering: false })
      .toBuffer();
  }
}

/** Fills a rectangle of an RGB buffer `W` pixels wide and `H` high (clipped to it). */
export function paintRect(canvas: Buffer, W: number, H: number, x: number, y: number, w: number, h: number, fill: string): void {
  const [cr, cg, cb] = rgb(fill);
  const x0 = Math.max(0, Math.round(x));
  const x1 = Math.min(W, Math.round(x + w));
  for (let yy = Math.max(0, Math.round(y)); yy < Math.min(H, Math.round(y + h)); yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const d = (yy * W + xx) * 3;
      canvas[d] = cr;
      canvas[d + 1] = cg;
      canvas[d + 2] = cb;
    }
  }
}

/** Blends a text piece (RGBA, straight alpha) onto an RGB buffer at (left, top), clipped. */
export function blendPiece(canvas: Buffer, W: number, H: number, piece: TextPiece, left: number, top: number): void {
  const { data, width: pw, height: ph } = piece;
  for (let y = Math.max(0, -top); y < ph && top + y < H; y++) {
    for (let x = Math.max(0, -left); x < pw && left + x < W; x++) {
      const s = (y * pw + x) * 4;
      const a = data[s + 3]!;
      if (a === 0) continue;
      const d = ((top + y) * W + left + x) * 3;
      const k = 255 - a;
      canvas[d] = (data[s]! * a + canvas[d]! * k + 127) / 255;
      canvas[d + 1] = (data[s + 1]! * a + canvas[d + 1]! * k + 127) / 255;
      canvas[d + 2] = (data[s + 2]! * a + canvas[d + 2]! * k + 127) / 255;
    }
  }
}
