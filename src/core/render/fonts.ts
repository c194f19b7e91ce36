/**
 * Khmer text as pictures, shaped correctly.
 *
 * sharp draws text through pango + harfbuzz. Given the TTF of Noto Sans Khmer as `fontfile`, pango
 * registers it with fontconfig for the process (no FONTCONFIG_FILE, no system fonts needed) and
 * shapes coeng subscripts and split vowels correctly.
 *
 * Do NOT draw Khmer as SVG <text> through sharp/librsvg: librsvg (2.63, pango 1.58, in sharp 0.35)
 * detaches the two-part vowels ៀ ៅ ឿ ោ from their consonant and draws a dotted circle ◌ (e.g.
 * "រៀន", "សៀវភៅ", "រសៀល"), whatever the font setup. So charts draw their shapes as SVG and composite
 * text pieces made here on top.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';

const require = createRequire(import.meta.url);

function fontPath(file: string): string {
  const p = require.resolve(`@expo-google-fonts/noto-sans-khmer/${file}`);
  if (!existsSync(p)) throw new Error(`font file missing: ${p}`);
  return p;
}

export const KHMER_FONT_FAMILY = 'Noto Sans Khmer';
/** The TTFs (not WOFF: fontconfig ignores those and Khmer comes out as boxes). */
export const KHMER_FONT_REGULAR = fontPath('400Regular/NotoSansKhmer_400Regular.ttf');
export const KHMER_FONT_BOLD = fontPath('700Bold/NotoSansKhmer_700Bold.ttf');

export interface TextStyle {
  /** pixel size (rendered at 72 dpi, so points = pixels) */
  size: number;
  bold?: boolean;
  /** #rrggbb */
  color?: string;
  /** scale the piece down to this width when it is wider (never wraps) */
  maxWidth?: number;
}

/** A rendered text: RGBA pixels, trimmed to the ink of the glyphs. */
export interface TextPiece {
  data: Buffer;
  width: number;
  height: number;
}

export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An invisible run of the tallest and deepest stacks the font has (Khmer upper vowels and
 * diacritics over a tall consonant, two coeng subscripts with a lower vowel). Drawn with alpha 0
 * before every text, it makes every piece of one size equally tall with the baseline at the same
 * height, so pieces placed side by side line up; its columns are cut off again afterwards.
 */
const STRUT = 'Åឡ៊ើញ្ញុំង្គ្រូ';

/** Renders one line of plain text (not markup) with Noto Sans Khmer. */
export async function renderText(text: string, style: TextStyle): Promise<TextPiece> {
  const line = text.replace(/\s+/g, ' ').trim();
  const { data, info } = await sharp({
    text: {
      // alpha="1" is 1/65536: nothing is drawn, but the glyphs count for the size of the picture
      text: `<span alpha="1">${STRUT}</span><span foreground="${style.color ?? '#000000'}">${escapeMarkup(line)}</span>`,
      font: `${KHMER_FONT_FAMILY}${style.bold ? ' Bold' : ''} ${style.size}`,
      fontfile: style.bold ? KHMER_FONT_BOLD : KHMER_FONT_REGULAR,
      rgba: true,
      dpi: 72,
      wrap: 'none',
    },
  })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  // keep the columns that have ink
  let left = w;
  let right = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w * 4;
    for (let x = 0; x < left; x++) {
      if (data[row + x * 4 + 3]! > 0) {
        left = x;
        break;
      }
    }
    for (let x = w - 1; x > right; x--) {
      if (data[row + x * 4 + 3]! > 0) {
        right = x;
        break;
      }
    }
  }
  if (right < left) return { data: Buffer.alloc(h * 4), width: 1, height: h };
  let piece: TextPiece = { data: Buffer.alloc((right - left + 1) * h * 4), width: right - left + 1, height: h };
  for (let y = 0; y < h; y++) data.copy(piece.data, y * piece.width * 4, (y * w + left) * 4, (y * w + right + 1) * 4);
  if (style.maxWidth !== undefined && piece.width > style.maxWidth) {
    const scaled = await sharp(piece.data, { raw: { width: piece.width, height: h, channels: 4 } })
      .resize({ width: Math.max(1, Math.floor(style.maxWidth)) })
      .raw()
      .toBuffer({ resolveWithObject: true });
    piece = { data: scaled.data, width: scaled.info.width, height: scaled.info.height };
  }
  return piece;
}
