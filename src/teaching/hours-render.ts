/**
 * The month's teaching hours as one picture: a row per teacher with the lessons planned (grey
 * track), their own lessons delivered (green) and the colleagues' lessons they covered (blue),
 * and "delivered / planned (share)" at the end; the school's totals on top. Okabe–Ito colours.
 */
import type { Locale } from '../core/db/schema.js';
import { displayName, formatNumber } from '../core/i18n/index.js';
import { formatMonth } from '../reports/render.js';
import { Canvas } from '../core/render/canvas.js';
import type { HoursReport } from './hours.js';

type T = (locale: Locale, key: string, vars?: Record<string, string | number>) => string;

const W = 1280;
const PAD = 40;
const NAME_W = 300;
const VALUE_W = 230;
const ROW_H = 44;
const BAR_H = 26;
const OWN = '#009E73';
const COVER = '#0072B2';
const TRACK = '#E4E7EB';
const MISSED = '#D55E00';
const INK = '#111111';
const MUTED = '#666666';

export function shareText(locale: Locale, t: T, delivered: number, planned: number): string {
  if (planned === 0) return '—';
  let v = Math.round((delivered / planned) * 100);
  if (v === 100 && delivered < planned) v = 99;
  return t(locale, 'teaching-percent', { value: formatNumber(locale, v) });
}

export async function renderHoursChart(report: HoursReport, locale: Locale, t: T): Promise<Buffer> {
  const n = (x: number) => formatNumber(locale, x);
  const c = new Canvas(W);
  const school = locale === 'km' ? report.school.nameKm : report.school.nameEn;
  const title = await c.text(t(locale, 'teaching-hours-title', { school, month: formatMonth(locale, report.month) }), { size: 32, bold: true, color: INK, maxWidth: W - 2 * PAD });
  const totals = await c.text(
    t(locale, 'teaching-hours-totals', {
      planned: n(report.totals.planned),
      delivered: n(report.totals.delivered),
      share: shareText(locale, t, report.totals.delivered, report.totals.planned),
      notTaught: n(report.totals.notTaught),
      unconfirmed: n(report.totals.unconfirmed),
      covers: n(report.totals.covers),
    }),
    { size: 22, color: MUTED, maxWidth: W - 2 * PAD },
  );
  c.place(title, PAD, PAD);
  c.place(totals, PAD, PAD + title.height + 8);
  let y = PAD + title.height + totals.height + 24;
  y += await c.legend(
    [
      [OWN, t(locale, 'teaching-hours-legend-own')],
      [COVER, t(locale, 'teaching-hours-legend-cover')],
      [TRACK, t(locale, 'teaching-hours-legend-planned')],
      [MISSED, t(locale, 'teaching-hours-legend-missed')],
    ],
    PAD,
    y,
    INK,
  );
  const rows = report.teachers.filter((r) => r.planned > 0 || r.coverGiven > 0);
  const scale = Math.max(1, ...rows.map((r) => Math.max(r.planned, r.delivered + r.coverGiven)));
  const barX = PAD + NAME_W;
  const barW = W - 2 * PAD - NAME_W - VALUE_W;
  if (rows.length === 0) {
    const none = await c.text(t(locale, 'teaching-hours-none'), { size: 22, color: MUTED });
    c.place(none, PAD, y + 10);
    y += none.height + 30;
  }
  for (const [i, r] of rows.entries()) {
    if (i % 2 === 1) c.rect(PAD - 8, y, W - 2 * PAD + 16, ROW_H, '#F7F8FA');
    const name = await c.text(displayName(locale, r), { size: 20, color: INK, maxWidth: NAME_W - 12 });
    c.place(name, PAD, y + (ROW_H - name.height) / 2);
    const by = y + (ROW_H - BAR_H) / 2;
    const px = (k: number) => Math.round((barW * k) / scale);
    c.rect(barX, by, px(r.planned), BAR_H, TRACK);
    c.rect(barX, by, px(r.delivered), BAR_H, OWN);
    c.rect(barX + px(r.delivered), by, px(r.coverGiven), BAR_H, COVER);
    const missed = r.planned - r.delivered - r.coverReceived;
    if (missed > 0) c.rect(barX + px(r.planned) - 3, by - 3, 3, BAR_H + 6, MISSED);
    const value = await c.text(
      t(locale, 'teaching-hours-row', { delivered: n(r.delivered + r.coverGiven), planned: n(r.planned), share: shareText(locale, t, r.delivered + r.coverGiven, r.planned) }),
      { size: 19, color: INK, maxWidth: VALUE_W - 12 },
    );
    c.place(value, W - PAD - value.width, y + (ROW_H - value.height) / 2);
    y += ROW_H;
  }
  return c.png(y + PAD);
}
