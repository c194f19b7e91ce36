/**
 * The report picture: a PNG of the expected size and colours, every text through the locale
 * files, and Khmer shaped by harfbuzz (never boxes, never detached vowels).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../scripts/render-sample-report.js';
import { createI18n, type Notifier } from '../../src/core/i18n/index.js';
import { renderText } from '../../src/core/render/fonts.js';
import { CHART_WIDTH, STATUS_COLOURS, formatMonth, percentText, renderReportChart } from '../../src/reports/render.js';

const i18n = createI18n('km', () => undefined);
const t: Notifier['t'] = (locale, key, vars) => i18n.t(locale, key, vars);

async function decode(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

/** How many pixels have exactly this colour. */
function countColour(data: Buffer, channels: number, hex: string): number {
  const v = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  let n = 0;
  for (let i = 0; i < data.length; i += channels) if (data[i] === r && data[i + 1] === g && data[i + 2] === b) n++;
  return n;
}

describe('renderReportChart', () => {
  const daily = sampleReport({ kind: 'daily' });

  it('makes a white PNG 1280 px wide, taller with more classes', async () => {
    const png = await renderReportChart(daily, 'km', t);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(CHART_WIDTH);
    const { data, info } = await decode(png);
    // the corners are white background
    expect([...data.subarray(0, 3)]).toEqual([255, 255, 255]);
    expect([...data.subarray(data.length - info.channels, data.length - info.channels + 3)]).toEqual([255, 255, 255]);

    const more = await sharp(await renderReportChart(sampleReport({ kind: 'daily', classes: 16 }), 'km', t)).metadata();
    expect(more.width).toBe(CHART_WIDTH);
    // eight more rows of bars
    expect(more.height! - meta.height!).toBeGreaterThanOrEqual(8 * 50);
  });

  it('draws the four statuses in their colours and greys out the class that did not submit', async () => {
    expect(daily.classes.find((c) => c.className === '3A')!.rate).toBeNull();
    const withMissing = await decode(await renderReportChart(daily, 'en', t));
    for (const colour of Object.values(STATUS_COLOURS)) {
      expect(countColour(withMissing.data, withMissing.info.channels, colour)).toBeGreaterThan(900);
    }
    // the grey stripes: a 30×30 legend swatch, plus a whole bar for 3A
    const stripes = countColour(withMissing.data, withMissing.info.channels, '#D0D0D0');
    const allIn = await decode(await renderReportChart(sampleReport({ kind: 'daily', classes: 6 }), 'en', t));
    const legendOnly = countColour(allIn.data, allIn.info.channels, '#D0D0D0');
    expect(legendOnly).toBeGreaterThan(0);
    expect(legendOnly).toBeLessThan(30 * 30);
    expect(stripes).toBeGreaterThan(legendOnly + 5_000);
  });

  it('takes every text from the locale files', async () => {
    const keys = new Set<string>();
    const calls: Array<[string, Record<string, string | number> | undefined]> = [];
    const spy: Notifier['t'] = (locale, key, vars) => {
      keys.add(key);
      calls.push([key, vars]);
      return t(locale, key, vars);
    };
    await renderReportChart(daily, 'km', spy);
    for (const k of ['reports-title-daily', 'reports-totals-daily', 'reports-present', 'reports-late', 'reports-excused', 'reports-absent', 'reports-not-submitted', 'reports-total', 'reports-percent', 'core-shift-morning', 'core-shift-afternoon']) {
      expect(keys, k).toContain(k);
    }
    keys.clear();
    await renderReportChart(sampleReport({ kind: 'monthly' }), 'en', spy);
    // 8A missed two days of the month
    for (const k of ['reports-title-monthly', 'reports-totals-period', 'reports-days-fraction']) expect(keys, k).toContain(k);
    // each key exists in both languages (a missing one comes back as the key itself)
    for (const [k, vars] of calls) {
      expect(i18n.t('km', k, vars), k).not.toBe(k);
      expect(i18n.t('en', k, vars), k).not.toBe(k);
    }
  });

  it('writes rates and months the reader’s way', () => {
    expect(percentText('km', t, 0.954)).toBe('៩៥%');
    expect(percentText('en', t, 0.954)).toBe('95%');
    expect(percentText('en', t, 0.926, 1)).toBe('92.6%');
    // one absence in 300 marks is not "100 %"
    expect(percentText('en', t, 299 / 300)).toBe('99%');
    expect(percentText('en', t, 1 / 500)).toBe('1%');
    expect(percentText('km', t, null)).toBe('—');
    expect(formatMonth('km', '2026-11')).toBe('វិច្ឆិកា ២០២៦');
    expect(formatMonth('en', '2026-11-01')).toBe('November 2026');
  });

  it('handles a school with no classes', async () => {
    const empty = { ...daily, classes: [], students: [], daily: [], notSubmitted: [], rate: null, totals: { ...daily.totals, present: 0, absent: 0, late: 0, excused: 0, total: 0, presentF: 0, absentF: 0, lateF: 0, excusedF: 0, totalF: 0 } };
    const meta = await sharp(await renderReportChart(empty, 'km', t)).metadata();
    expect(meta.width).toBe(CHART_WIDTH);
  });

  // Its speed is measured by `npm run bench report-monthly`, not here.
  it('renders 40 classes as a photo Telegram accepts', async () => {
    const big = sampleReport({ kind: 'monthly', classes: 40 });
    for (const locale of ['km', 'en'] as const) {
      const meta = await sharp(await renderReportChart(big, locale, t)).metadata();
      expect(meta.width).toBe(CHART_WIDTH);
      expect(meta.width! + meta.height!).toBeLessThanOrEqual(10_000);
    }
  });
});

/** Connected bits of ink (alpha ≥ 50 %) of at most 12 pixels: the dots of a dotted circle. */
function specks(piece: { data: Buffer; width: number; height: number }): number {
  const { data, width: w, height: h } = piece;
  const ink = (p: number) => data[p * 4 + 3]! >= 128;
  const seen = new Uint8Array(w * h);
  let count = 0;
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || !ink(start)) continue;
    seen[start] = 1;
    const stack = [start];
    let area = 0;
    while (stack.length > 0) {
      const p = stack.pop()!;
      area++;
      const x = p % w;
      for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w]) {
        if (q >= 0 && q < w * h && !seen[q] && ink(q)) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    if (area <= 12) count++;
  }
  return count;
}

describe('Khmer text', () => {
  const style = { size: 40 };
  const width = async (s: string) => (await renderText(s, style)).width;

  it('is drawn with Khmer glyphs, not boxes', async () => {
    const khmer = 'សួស្តី ការចូលរៀន ថ្ងៃនេះ';
    const shaped = await renderText(khmer, style);
    // U+0378 is unassigned: no font has it, so pango draws the "tofu" box any missing glyph gets
    const tofu = await renderText('\u0378'.repeat([...khmer].length), style);
    // shaped Khmer stacks its vowels and subscripts on the consonants: far narrower than a box
    // per code point
    expect(shaped.width).toBeGreaterThan(100);
    expect(shaped.width).toBeLessThan(tofu.width * 0.6);
    expect(shaped.data.equals(tofu.data)).toBe(false);
  });

  it('puts a coeng subscript under its consonant', async () => {
    // ស្ត is ស + COENG + ត: the ត goes under the ស and takes no room of its own
    const base = await width('ស');
    expect(Math.abs((await width('ស្ត')) - base)).toBeLessThanOrEqual(3);
    expect(await width('ស្តស្តស្ត')).toBeLessThan((await width('សតសតសត')) * 0.7);
  });

  it('keeps two-part vowels on their consonant (no dotted circle)', async () => {
    // A vowel that comes loose from its consonant is drawn on a dotted circle ◌: a ring of a dozen
    // specks a few pixels big. librsvg (SVG <text>) does that to ៀ and ៅ; the real glyphs have
    // no such specks (their smallest parts are tens of pixels).
    const circle = await renderText('\u25CC', style);
    expect(specks(circle)).toBeGreaterThanOrEqual(8);
    for (const word of ['ទៅ', 'រៀន', 'សៀវភៅ', 'វេនរសៀល', 'ព្រែកលៀប']) {
      expect(specks(await renderText(word, style)), word).toBe(0);
    }
  });

  it('lines texts of one size up on the same baseline', async () => {
    const heights = await Promise.all(['វត្តមាន', 'មកយឺត', 'Present', '៩៥%', 'ស្ត្រី'].map(async (s) => (await renderText(s, style)).height));
    expect(new Set(heights).size).toBe(1);
  });
});
