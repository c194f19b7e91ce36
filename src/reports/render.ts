/**
 * The report as one picture for a Telegram photo: a stacked bar per class and shift (present,
 * late, excused, absent as shares of the marks), the class's attendance rate at the end of each
 * bar, classes that did not submit greyed out, and the school's totals.
 *
 * Texts are rendered by pango with Noto Sans Khmer (fonts.ts; not SVG <text>, which breaks Khmer
 * split vowels) and blended onto a canvas of plain rectangles; sharp encodes the PNG.
 */
import sharp from 'sharp';
import type { Locale } from '../core/db/schema.js';
import { formatDay, formatNumber, type Notifier } from '../core/i18n/index.js';
import { renderText, type TextPiece, type TextStyle } from '../core/render/fonts.js';
import type { Breakdown, ClassLine, SchoolReport } from './model.js';
import { formatMonth } from './period.js';

/** Kept here too: the chart's titles and the tests read it from the renderer. */
export { formatMonth };

export const CHART_WIDTH = 1280;

/** Okabe–Ito colours: told apart with every common colour-vision deficiency. */
export const STATUS_COLOURS = {
  present: '#009E73',
  late: '#F0E442',
  excused: '#56B4E9',
  absent: '#D55E00',
} as const;
const STATUSES = ['present', 'late', 'excused', 'absent'] as const;
type Status = (typeof STATUSES)[number];

const PAD = 48;
const ROW_H = 58;
const BAR_H = 40;
const HEADING_H = 52;
const LEGEND_H = 46;
const INK = '#111111';
const MUTED = '#8A8A8A';

type T = Notifier['t'];

/** A share as a whole percentage, in the reader's digits; never 100 % when someone was missing. */
export function percentText(locale: Locale, t: T, rate: number | null, decimals: 0 | 1 = 0): string {
  if (rate === null) return '—';
  const factor = decimals === 1 ? 10 : 1;
  let v = Math.round(rate * 100 * factor);
  if (v === 100 * factor && rate < 1) v -= 1;
  if (v === 0 && rate > 0) v = 1;
  return t(locale, 'reports-percent', { value: formatNumber(locale, v / factor) });
}

export function girlsRate(b: Breakdown): number | null {
  return b.totalF > 0 ? (b.presentF + b.lateF) / b.totalF : null;
}

/** The title line of the period, shared with the workbook. */
export function periodTitle(report: SchoolReport, locale: Locale, t: T): string {
  if (report.kind === 'daily') return t(locale, 'reports-title-daily', { date: formatDay(locale, report.from) });
  if (report.kind === 'monthly') {
    const month = /^\d{4}-\d{2}$/.test(report.period) ? report.period : report.from;
    return t(locale, 'reports-title-monthly', { month: formatMonth(locale, month) });
  }
  return t(locale, 'reports-title-range', { from: formatDay(locale, report.from), to: formatDay(locale, report.to) });
}

/** The school's name, and the classes when the report is a class's (titles of the chart and the workbook). */
export function schoolName(report: SchoolReport, locale: Locale, t?: T): string {
  const name = locale === 'km' ? report.school.nameKm || report.school.nameEn : report.school.nameEn || report.school.nameKm;
  return report.classLabel && t ? `${name} · ${t(locale, 'reports-class-label', { classes: report.classLabel })}` : name;
}

function isMissing(line: ClassLine): boolean {
  return line.rate === null || line.counts.total === 0;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface Row {
  line: ClassLine;
  missing: boolean;
  label: TextPiece;
  note: TextPiece | null;
  rate: TextPiece | null;
  missingText: TextPiece | null;
}

/** A filled rectangle; 'hatch' is the grey diagonal stripes of "not submitted". */
interface Shape {
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string | 'hatch';
  border?: string;
}

interface Group {
  heading: TextPiece | null;
  rows: Row[];
}

/** Left edges of the segments of a stacked bar (and its right end), rounded without gaps. */
function segmentEdges(counts: Record<Status, number>, x0: number, width: number): number[] {
  const total = STATUSES.reduce((sum, s) => sum + counts[s], 0);
  const edges = [x0];
  let acc = 0;
  for (const s of STATUSES) {
    acc += counts[s];
    edges.push(x0 + Math.round((width * acc) / Math.max(total, 1)));
  }
  return edges;
}

function barShapes(counts: Record<Status, number>, x0: number, y: number, width: number): Shape[] {
  const edges = segmentEdges(counts, x0, width);
  const shapes: Shape[] = [];
  STATUSES.forEach((s, i) => {
    const a = edges[i]!;
    const b = edges[i + 1]!;
    if (b > a) shapes.push({ x: a, y, w: b - a, h: BAR_H, fill: STATUS_COLOURS[s] });
  });
  // thin white gaps between segments, so neighbouring colours never blur into each other
  for (let i = 1; i < STATUSES.length; i++) {
    const x = edges[i]!;
    if (x > x0 && x < x0 + width && edges[i - 1]! < x && edges.slice(i + 1).some((e) => e > x)) {
      shapes.push({ x: x - 1, y, w: 2, h: BAR_H, fill: '#FFFFFF' });
    }
  }
  return shapes;
}

/**
 * Renders the report as a PNG about 1280 px wide; the height grows with the number of classes.
 */
export async function renderReportChart(report: SchoolReport, locale: Locale, t: T): Promise<Buffer> {
  const W = CHART_WIDTH;
  const textWidth = W - 2 * PAD;
  const n = (x: number) => formatNumber(locale, x);
  // the same text in the same style is rendered once (rates repeat a lot)
  const memo = new Map<string, Promise<TextPiece>>();
  const text = (s: string, style: TextStyle) => {
    const key = JSON.stringify([s, style.size, style.bold ?? false, style.color ?? '', style.maxWidth ?? 0]);
    let piece = memo.get(key);
    if (!piece) memo.set(key, (piece = renderText(s, style)));
    return piece;
  };

  // --- texts (rendered in parallel; layout needs their sizes) -------------------------------
  const gRate = girlsRate(report.totals);
  const missingCount = report.classes.filter(isMissing).length;
  const totalsLine =
    report.kind === 'daily'
      ? t(locale, 'reports-totals-daily', {
          rate: percentText(locale, t, report.rate, 1),
          girls: percentText(locale, t, gRate, 1),
          submitted: n(report.classes.length - missingCount),
          classes: n(report.classes.length),
        })
      : t(locale, 'reports-totals-period', {
          rate: percentText(locale, t, report.rate, 1),
          girls: percentText(locale, t, gRate, 1),
          submitted: n(report.classes.reduce((sum, c) => sum + Math.min(c.submittedDays, c.schoolDays), 0)),
          expected: n(report.classes.reduce((sum, c) => sum + c.schoolDays, 0)),
        });

  const legendItems: Array<{ colour: string | null; label: string }> = [
    { colour: STATUS_COLOURS.present, label: t(locale, 'reports-present') },
    { colour: STATUS_COLOURS.late, label: t(locale, 'reports-late') },
    { colour: STATUS_COLOURS.excused, label: t(locale, 'reports-excused') },
    { colour: STATUS_COLOURS.absent, label: t(locale, 'reports-absent') },
    { colour: null, label: t(locale, 'reports-not-submitted') },
  ];

  // A roll-up of schools is one list; a school's classes are grouped by shift.
  const shifts: Array<ClassLine['shift'] | null> = report.grouping === 'none' ? [null] : [...new Set(report.classes.map((c) => c.shift))];
  const notSubmittedLabel = t(locale, 'reports-not-submitted');

  const [title, subtitle, totals, legend, groups, totalLabel, totalRate, empty] = await Promise.all([
    text(schoolName(report, locale, t), { size: 48, bold: true, color: INK, maxWidth: textWidth }),
    text(periodTitle(report, locale, t), { size: 33, color: '#333333', maxWidth: textWidth }),
    text(totalsLine, { size: 31, bold: true, color: INK, maxWidth: textWidth }),
    Promise.all(legendItems.map((item) => text(item.label, { size: 28, color: '#222222', maxWidth: 360 }))),
    Promise.all(
      shifts.map(
        async (shift): Promise<Group> => ({
          heading:
            shift === null
              ? null
              : await text(capitalise(t(locale, 'reports-shift-heading', { shift: t(locale, `core-shift-${shift}`) })), {
                  size: 30,
                  bold: true,
                  color: '#333333',
                  maxWidth: textWidth,
                }),
          rows: await Promise.all(
            report.classes
              .filter((c) => shift === null || c.shift === shift)
              .map(async (line): Promise<Row> => {
                const missing = isMissing(line);
                const partial = !missing && report.kind !== 'daily' && line.submittedDays < line.schoolDays;
                const [label, note, rate, missingText] = await Promise.all([
                  text(line.className, { size: 32, bold: !missing, color: missing ? MUTED : INK, maxWidth: 280 }),
                  partial
                    ? text(t(locale, 'reports-days-fraction', { submitted: n(line.submittedDays), days: n(line.schoolDays) }), {
                        size: 22,
                        color: '#666666',
                        maxWidth: 160,
                      })
                    : null,
                  missing ? text('—', { size: 32, color: MUTED }) : text(percentText(locale, t, line.rate), { size: 32, bold: true, color: INK }),
                  missing ? text(notSubmittedLabel, { size: 26, color: '#555555', maxWidth: 600 }) : null,
                ]);
                return { line, missing, label, note, rate, missingText };
              }),
          ),
        }),
      ),
    ),
    text(t(locale, 'reports-total'), { size: 32, bold: true, color: INK, maxWidth: 280 }),
    text(percentText(locale, t, report.rate), { size: 32, bold: true, color: INK }),
    report.classes.length === 0 ? text(t(locale, 'reports-no-classes'), { size: 30, color: '#555555', maxWidth: textWidth }) : null,
  ]);

  // --- layout ------------------------------------------------------------------------------------
  const rows = groups.flatMap((g) => g.rows);
  const labelW = Math.min(
    420,
    Math.max(totalLabel.width, ...rows.map((r) => r.label.width + (r.note ? r.note.width + 14 : 0))) + 24,
  );
  const rateW = Math.max(totalRate.width, ...rows.map((r) => r.rate?.width ?? 0)) + 22;
  const barX0 = PAD + labelW;
  const barX1 = W - PAD - Math.max(rateW, 96);
  const barW = barX1 - barX0;

  const shapes: Shape[] = [];
  const placed: Array<{ piece: TextPiece; left: number; top: number }> = [];
  const place = (piece: TextPiece, left: number, top: number) => placed.push({ piece, left: Math.round(left), top: Math.round(top) });

  let y = 36;
  place(title, PAD, y);
  y += title.height + 16;
  place(subtitle, PAD, y);
  y += subtitle.height + 20;
  place(totals, PAD, y);
  y += totals.height + 22;

  // legend: swatch + label, wrapped onto more lines when needed
  let lx = PAD;
  legend.forEach((piece, i) => {
    const itemW = 30 + 10 + piece.width;
    if (lx > PAD && lx + itemW > W - PAD) {
      lx = PAD;
      y += LEGEND_H;
    }
    const colour = legendItems[i]!.colour;
    const sy = y + (LEGEND_H - 30) / 2;
    shapes.push({ x: lx, y: sy, w: 30, h: 30, fill: colour ?? 'hatch', border: '#AAAAAA' });
    place(piece, lx + 40, y + (LEGEND_H - piece.height) / 2);
    lx += itemW + 34;
  });
  y += LEGEND_H + 14;
  shapes.push({ x: PAD, y, w: W - 2 * PAD, h: 2, fill: '#DDDDDD' });
  y += 10;

  const drawRow = (row: Row, zebra: boolean) => {
    if (zebra) shapes.push({ x: PAD - 12, y, w: W - 2 * PAD + 24, h: ROW_H, fill: '#F4F4F4' });
    const mid = y + ROW_H / 2;
    place(row.label, PAD, mid - row.label.height / 2);
    if (row.note) place(row.note, barX0 - 14 - row.note.width, mid - row.note.height / 2);
    const by = y + (ROW_H - BAR_H) / 2;
    if (row.missing) {
      shapes.push({ x: barX0, y: by, w: barW, h: BAR_H, fill: 'hatch' });
      if (row.missingText) {
        const tx = barX0 + (barW - row.missingText.width) / 2;
        shapes.push({ x: tx - 14, y: by + 2, w: row.missingText.width + 28, h: BAR_H - 4, fill: '#FAFAFA' });
        place(row.missingText, tx, mid - row.missingText.height / 2);
      }
    } else {
      shapes.push(...barShapes(row.line.counts, barX0, by, barW));
    }
    if (row.rate) place(row.rate, W - PAD - row.rate.width, mid - row.rate.height / 2);
    y += ROW_H;
  };

  if (empty) {
    place(empty, PAD, y + 12);
    y += empty.height + 24;
  }
  for (const group of groups) {
    if (group.heading) {
      place(group.heading, PAD, y + (HEADING_H - group.heading.height) / 2 + 4);
      y += HEADING_H;
    }
    group.rows.forEach((row, i) => drawRow(row, i % 2 === 1));
    y += 8;
  }

  if (rows.length > 0) {
    shapes.push({ x: PAD, y, w: W - 2 * PAD, h: 2, fill: '#BBBBBB' });
    y += 8;
    const mid = y + ROW_H / 2;
    place(totalLabel, PAD, mid - totalLabel.height / 2);
    const by = y + (ROW_H - BAR_H) / 2;
    if (report.totals.total > 0) shapes.push(...barShapes(report.totals, barX0, by, barW));
    else shapes.push({ x: barX0, y: by, w: barW, h: BAR_H, fill: 'hatch' });
    place(totalRate, W - PAD - totalRate.width, mid - totalRate.height / 2);
    y += ROW_H;
  }
  const H = Math.ceil(y + 32);

  // Drawn straight into an RGB buffer: a few rectangles need no SVG engine (librsvg alone took
  // 40-300 ms for a tall picture), and blending each text over its own rectangle is far cheaper
  // than sharp's composite(), which blends every overlay over the whole picture.
  const canvas = Buffer.alloc(W * H * 3, 255);
  for (const shape of shapes) paint(canvas, W, H, shape);
  for (const { piece, left, top } of placed) blend(canvas, W, H, piece, left, top);
  return sharp(canvas, { raw: { width: W, height: H, channels: 3 } })
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toBuffer();
}

function rgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1, 7), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

const HATCH_BACK = rgb('#EDEDED');
const HATCH_LINE = rgb('#D0D0D0');
const HATCH_PERIOD = 14;
const HATCH_LINE_WIDTH = 5;

function paint(canvas: Buffer, width: number, height: number, shape: Shape): void {
  const x0 = Math.max(0, Math.round(shape.x));
  const y0 = Math.max(0, Math.round(shape.y));
  const x1 = Math.min(width, Math.round(shape.x + shape.w));
  const y1 = Math.min(height, Math.round(shape.y + shape.h));
  const solid = shape.fill === 'hatch' ? null : rgb(shape.fill);
  const border = shape.border ? rgb(shape.border) : null;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      let c = solid ?? ((x + y) % HATCH_PERIOD < HATCH_LINE_WIDTH ? HATCH_LINE : HATCH_BACK);
      if (border && (x === x0 || y === y0 || x === x1 - 1 || y === y1 - 1)) c = border;
      const d = (y * width + x) * 3;
      canvas[d] = c[0];
      canvas[d + 1] = c[1];
      canvas[d + 2] = c[2];
    }
  }
}

/** Draws an RGBA piece over an RGB canvas ("over" operator), clipped to the canvas. */
function blend(canvas: Buffer, width: number, height: number, piece: TextPiece, left: number, top: number): void {
  const { data, width: pw, height: ph } = piece;
  for (let y = Math.max(0, -top); y < ph && top + y < height; y++) {
    for (let x = Math.max(0, -left); x < pw && left + x < width; x++) {
      const s = (y * pw + x) * 4;
      const a = data[s + 3]!;
      if (a === 0) continue;
      const d = ((top + y) * width + left + x) * 3;
      if (a === 255) {
        canvas[d] = data[s]!;
        canvas[d + 1] = data[s + 1]!;
        canvas[d + 2] = data[s + 2]!;
      } else {
        const k = 255 - a;
        canvas[d] = (data[s]! * a + canvas[d]! * k + 127) / 255;
        canvas[d + 1] = (data[s + 1]! * a + canvas[d + 1]! * k + 127) / 255;
        canvas[d + 2] = (data[s + 2]! * a + canvas[d + 2]! * k + 127) / 255;
      }
    }
  }
}
