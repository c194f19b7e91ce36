/**
 * A school's fiscal year as one picture: a row per budget line with its plan (grey track), the
 * approved spending (blue, red when the line is over plan) and what is pending approval (orange,
 * after the spending), and "spent / plan (share)" at the end; totals per source on top. Khmer is
 * shaped by pango (teaching's Canvas), never SVG text. Okabe–Ito colours.
 */
import type { Locale } from '../core/db/schema.js';
import { displayName, formatNumber } from '../core/i18n/index.js';
import { Canvas } from '../core/render/canvas.js';
import { formatRiel, percentOf } from './money.js';
import { BUDGET_SOURCES } from './schema.js';
import type { SchoolBudget } from './service-report.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

const W = 1280;
const PAD = 40;
const NAME_W = 300;
const VALUE_W = 380;
const ROW_H = 46;
const BAR_H = 26;
const SPENT = '#0072B2';
export const OVER = '#D0312D';
const PENDING = '#E69F00';
const TRACK = '#E4E7EB';
const INK = '#111111';
const MUTED = '#555555';

export async function renderBudgetChart(b: SchoolBudget, locale: Locale, t: T): Promise<Buffer> {
  const c = new Canvas(W);
  const school = displayName(locale, b.school);
  const title = await c.text(t(locale, 'budget-chart-title', { school, year: formatNumber(locale, b.fiscalYear) }), { size: 32, bold: true, color: INK, maxWidth: W - 2 * PAD });
  c.place(title, PAD, PAD);
  let y = PAD + title.height + 10;
  const totals = await c.text(
    t(locale, 'budget-totals', { spent: formatRiel(locale, b.total.spent), plan: formatRiel(locale, b.total.plan), share: percentOf(locale, b.total.spent, b.total.plan), pending: formatRiel(locale, b.total.pending) }),
    { size: 22, color: MUTED, maxWidth: W - 2 * PAD },
  );
  c.place(totals, PAD, y);
  y += totals.height + 8;
  for (const s of BUDGET_SOURCES) {
    const cell = b.bySource[s];
    if (!cell.plan && !cell.spent && !cell.pending) continue;
    const line = await c.text(`${t(locale, `budget-source-${s}`)}: ${formatRiel(locale, cell.spent)} / ${formatRiel(locale, cell.plan)} (${percentOf(locale, cell.spent, cell.plan)})`, { size: 20, color: MUTED, maxWidth: W - 2 * PAD });
    c.place(line, PAD, y);
    y += line.height + 6;
  }
  y += 12;
  y += await c.legend(
    [
      [SPENT, t(locale, 'budget-legend-spent')],
      [PENDING, t(locale, 'budget-legend-pending')],
      [TRACK, t(locale, 'budget-legend-plan')],
      [OVER, t(locale, 'budget-legend-over')],
    ],
    PAD,
    y,
    INK,
  );
  const scale = Math.max(1, ...b.lines.map((l) => Math.max(l.plan, l.spent + l.pending)));
  const barX = PAD + NAME_W;
  const barW = W - 2 * PAD - NAME_W - VALUE_W;
  const px = (k: number) => Math.max(0, Math.round((barW * k) / scale));
  for (const [i, l] of b.lines.entries()) {
    const over = l.spent > l.plan;
    if (i % 2 === 1) c.rect(PAD - 8, y, W - 2 * PAD + 16, ROW_H, '#F7F8FA');
    const name = await c.text(displayName(locale, l), { size: 20, color: over ? OVER : INK, bold: over, maxWidth: NAME_W - 12 });
    c.place(name, PAD, y + (ROW_H - name.height) / 2);
    const by = y + (ROW_H - BAR_H) / 2;
    c.rect(barX, by, px(l.plan), BAR_H, TRACK);
    c.rect(barX, by, px(l.spent), BAR_H, over ? OVER : SPENT);
    c.rect(barX + px(l.spent), by, px(l.pending), BAR_H, PENDING);
    if (l.plan > 0) c.rect(barX + px(l.plan) - 2, by - 4, 3, BAR_H + 8, INK);
    const value = await c.text(`${formatRiel(locale, l.spent)} / ${formatRiel(locale, l.plan)} (${percentOf(locale, l.spent, l.plan)})`, { size: 19, color: over ? OVER : INK, bold: over, maxWidth: VALUE_W - 12 });
    c.place(value, W - PAD - value.width, y + (ROW_H - value.height) / 2);
    y += ROW_H;
  }
  return c.png(y + PAD);
}
