/**
 * Reading scores as people write them, one validation for the typed list, the Mini App sheet and
 * the Excel template: Khmer digits (៨), decimal commas (7,5), `ab` (or អ, អវត្តមាន) for a student
 * absent from the test, `-` (or an empty cell) for not entered yet.
 *
 * The typed list: `7A Maths Nov: 8 7.5 9 ab 6 …` — class, subject, test, a colon, then one value per
 * student in roll order; ` # reason` at the end gives the reason of a change after publishing.
 */
import { asciiDigits } from '../core/i18n/index.js';

export type Cell = { kind: 'value'; value: number } | { kind: 'absent' } | { kind: 'blank' };

export type CellProblem = 'not-a-number' | 'negative' | 'above-max' | 'too-precise';

const ABSENT = new Set(['ab', 'abs', 'absent', 'a', 'អ', 'អវ', 'អវត្តមាន']);
const BLANK = new Set(['', '-', '–', '—', '.']);

/** One typed cell against the subject's maximum. */
export function readCell(raw: string, max: number): { ok: true; cell: Cell } | { ok: false; problem: CellProblem } {
  const text = asciiDigits(raw.normalize('NFC')).trim().toLowerCase();
  if (BLANK.has(text)) return { ok: true, cell: { kind: 'blank' } };
  if (ABSENT.has(text)) return { ok: true, cell: { kind: 'absent' } };
  const m = /^(-)?(\d{1,4})(?:[.,](\d{1,3}))?$/.exec(text);
  if (!m) return { ok: false, problem: 'not-a-number' };
  if (m[1]) return { ok: false, problem: 'negative' };
  if (m[3] && m[3].length > 2) return { ok: false, problem: 'too-precise' };
  const value = Number(`${m[2]}.${m[3] ?? '0'}`);
  if (value > max) return { ok: false, problem: 'above-max' };
  return { ok: true, cell: { kind: 'value', value } };
}

export interface TypedList {
  className: string;
  subjectText: string;
  testText: string;
  tokens: string[];
  reason: string | null;
}

/** The shape of a typed list, or null when the text is not one (other features may claim it). */
export function parseTypedList(input: string): TypedList | null {
  const text = input.normalize('NFC').replace(/\u200b/g, '').trim();
  const colon = text.search(/[:：]/);
  if (colon < 0) return null;
  const head = asciiDigits(text.slice(0, colon)).trim().split(/\s+/).filter(Boolean);
  if (head.length < 3) return null;
  const className = head[0]!.toUpperCase();
  if (!/^(1[0-2]|[1-9])[A-Z]{1,3}$/.test(className)) return null;
  const testText = head[head.length - 1]!;
  const subjectText = head.slice(1, -1).join(' ');
  let rest = text.slice(colon + 1);
  let reason: string | null = null;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    reason = rest.slice(hash + 1).trim() || null;
    rest = rest.slice(0, hash);
  }
  // a decimal comma is part of a number: split on spaces (and on ; or newlines), never on commas
  const tokens = rest.split(/[\s;]+/).filter(Boolean);
  return { className, subjectText, testText, tokens, reason };
}

export interface Preview {
  count: number;
  entered: number;
  absent: number;
  missing: number;
  /** mean of the values entered, null when none */
  mean: number | null;
}

export function previewOf(cells: readonly Cell[]): Preview {
  const values = cells.flatMap((c) => (c.kind === 'value' ? [c.value] : []));
  return {
    count: cells.length,
    entered: values.length,
    absent: cells.filter((c) => c.kind === 'absent').length,
    missing: cells.filter((c) => c.kind === 'blank').length,
    mean: values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : null,
  };
}

/** What a cell is written as in a draft, a sheet or a workbook. */
export function cellText(cell: Cell): string {
  return cell.kind === 'value' ? String(cell.value) : cell.kind === 'absent' ? 'ab' : '';
}

const MONTHS_EN = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_KM = ['មករា', 'កុម្ភៈ', 'មីនា', 'មេសា', 'ឧសភា', 'មិថុនា', 'កក្កដា', 'សីហា', 'កញ្ញា', 'តុលា', 'វិច្ឆិកា', 'ធ្នូ'];

/** A month typed as `Nov`, `November`, `វិច្ឆិកា` or `11`; null otherwise. */
export function monthOf(text: string): number | null {
  const t = asciiDigits(text.normalize('NFC')).trim().toLowerCase();
  if (/^\d{1,2}$/.test(t) && Number(t) >= 1 && Number(t) <= 12) return Number(t);
  const km = MONTHS_KM.indexOf(t);
  if (km >= 0) return km + 1;
  const en = MONTHS_EN.findIndex((m) => t.startsWith(m) && t.length >= 3);
  return en >= 0 ? en + 1 : null;
}

export const MONTH_NAMES_KM = MONTHS_KM;
