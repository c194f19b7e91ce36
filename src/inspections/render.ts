/**
 * Cleanliness scores as pictures: the school's score over time (a row per month, the last twelve
 * with an inspection) and the province's scores per school (lowest first). Each row is the share
 * of points as a bar (red under the 70 % a visit is needed below, the 70 % mark drawn across) and
 * "share (note)" at the end. Khmer is shaped by pango through core/render's Canvas, never SVG
 * text; Khmer readers get Khmer digits and month names.
 */
import type { Locale } from '../core/db/schema.js';
import { formatDay, formatNumber } from '../core/i18n/index.js';
import { Canvas } from '../core/render/canvas.js';
import { formatMonth } from '../reports/render.js';
import { displayName } from '../core/i18n/index.js';
import type { ProvinceRow, SchoolOverview } from './service.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

/** Under this share of points a school needs a visit (service.ts's provinceScores). */
export const VISIT_BELOW = 0.7;

const W = 1200;
const PAD = 40;
const NAME_W = 320;
const VALUE_W = 300;
const ROW_H = 46;
const BAR_H = 26;
const GOOD = '#009E73';
const LOW = '#D0312D';
const TRACK = '#E4E7EB';
const INK = '#111111';
const MUTED = '#555555';

interface ShareRow {
  label: string;
  /** null: not inspected in the period */
  share: number | null;
  note: string;
  flagged: boolean;
}

/** The school's score by month. */
export function renderScoreChart(months: SchoolOverview['byMonth'], school: string, locale: Locale, t: T): Promise<Buffer> {
  const rows = months.slice(-12).map((m) => ({
    label: formatMonth(locale, m.month),
    share: m.share,
    note: t(locale, 'inspections-count', { count: formatNumber(locale, m.inspections) }),
    flagged: m.share < VISIT_BELOW,
  }));
  return renderShareChart(rows, t(locale, 'inspections-chart-title', { school }), locale, t);
}

/** The province's score per school over 90 days, the schools needing a visit first (at most 40). */
export function renderProvinceChart(schools: ProvinceRow[], place: string, locale: Locale, t: T): Promise<Buffer> {
  const order = [...schools].sort((a, b) => Number(b.needsVisit) - Number(a.needsVisit) || (a.share ?? -1) - (b.share ?? -1) || a.code.localeCompare(b.code));
  const rows = order.slice(0, 40).map((r) => ({
    label: `${r.code} ${displayName(locale, r)}`,
    share: r.share,
    note: [r.lastDay ? formatDay(locale, r.lastDay) : t(locale, 'inspections-never'), r.overdue ? t(locale, 'inspections-overdue-count', { count: formatNumber(locale, r.overdue) }) : '']
      .filter(Boolean)
      .join(' · '),
    flagged: r.needsVisit,
  }));
  return renderShareChart(rows, t(locale, 'inspections-chart-province-title', { place }), locale, t);
}

async function renderShareChart(rows: ShareRow[], heading: string, locale: Locale, t: T): Promise<Buffer> {
  const c = new Canvas(W);
  const title = await c.text(heading, { size: 30, bold: true, color: INK, maxWidth: W - 2 * PAD });
  c.place(title, PAD, PAD);
  let y = PAD + title.height + 14;
  y += await c.legend(
    [
      [GOOD, t(locale, 'inspections-chart-good', { share: formatNumber(locale, VISIT_BELOW * 100) })],
      [LOW, t(locale, 'inspections-chart-low', { share: formatNumber(locale, VISIT_BELOW * 100) })],
    ],
    PAD,
    y,
    INK,
  );
  const barX = PAD + NAME_W;
  const barW = W - 2 * PAD - NAME_W - VALUE_W;
  const top = y;
  if (rows.length === 0) {
    const none = await c.text(t(locale, 'inspections-ranking-none'), { size: 22, color: MUTED });
    c.place(none, PAD, y + 10);
    y += none.height + 20;
  }
  for (const [i, m] of rows.entries()) {
    if (i % 2 === 1) c.rect(PAD - 8, y, W - 2 * PAD + 16, ROW_H, '#F7F8FA');
    const low = m.flagged;
    const name = await c.text(m.label, { size: 20, color: low ? LOW : INK, bold: low, maxWidth: NAME_W - 12 });
    c.place(name, PAD, y + (ROW_H - name.height) / 2);
    const by = y + (ROW_H - BAR_H) / 2;
    c.rect(barX, by, barW, BAR_H, TRACK);
    if (m.share !== null) c.rect(barX, by, Math.round(barW * Math.min(1, Math.max(0, m.share))), BAR_H, low ? LOW : GOOD);
    const share = m.share === null ? '—' : `${formatNumber(locale, Math.round(m.share * 100))}%`;
    const value = await c.text(`${share} (${m.note})`, { size: 19, color: low ? LOW : INK, bold: low, maxWidth: VALUE_W - 12 });
    c.place(value, W - PAD - value.width, y + (ROW_H - value.height) / 2);
    y += ROW_H;
  }
  // the visit threshold across every row
  if (rows.length) c.rect(barX + Math.round(barW * VISIT_BELOW) - 1, top - 4, 3, y - top + 8, INK);
  return c.png(y + PAD);
}
