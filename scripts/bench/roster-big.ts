/**
 * Issue 11, case 13: a 5 MB-class XLSX of a million rows used 1.8 GB and 15 s before it was
 * refused. Measured here: the same kind of file read as the roster import reads it (a row
 * pre-count of the zip, then exceljs's streaming reader stopping at the limit), each in a fresh
 * process for its own peak RSS; the baseline is a valid file at the limit (50,000 rows), read the
 * same way in this run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bigRosterXlsx } from './big-xlsx.js';
import type { Bench } from './types.js';
import { fmt, int } from './types.js';

interface ChildResult {
  ms: number;
  rssBeforeMb: number;
  peakRssMb: number;
  ok: boolean;
  rows: number;
  errors: Array<{ code: string }>;
}

function readInChild(file: string): ChildResult {
  const line = execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'roster-big-child.ts'), file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(line.trim().split('\n').at(-1)!) as ChildResult;
}

const bench: Bench = {
  name: 'roster-big',
  description: 'a million-row XLSX roster refused quickly, in bounded memory (issue 11, case 13)',
  async run() {
    const dir = mkdtempSync(path.join(tmpdir(), 'roster-big-'));
    try {
      const huge = await bigRosterXlsx(1_000_000);
      const limit = await bigRosterXlsx(50_000, { full: true });
      writeFileSync(path.join(dir, 'huge.xlsx'), huge);
      writeFileSync(path.join(dir, 'limit.xlsx'), limit);
      const refused = readInChild(path.join(dir, 'huge.xlsx'));
      const accepted = readInChild(path.join(dir, 'limit.xlsx'));
      const ok = !refused.ok && refused.errors[0]?.code === 'rows-over-limit';
      return {
        measured: 'reading a roster XLSX as the import does (pre-count + streaming reader), time and peak RSS of a fresh process',
        data: `1,000,000 rows of two cells in ${fmt(huge.length / 2 ** 20, 1)} MB (refused); 50,000 full rows in ${fmt(limit.length / 2 ** 20, 1)} MB (the limit, read whole)`,
        figures: [
          { label: 'refused', value: ok ? 'yes, rows-over-limit' : JSON.stringify(refused.errors), target: 'rows-over-limit', ok },
          { label: 'million rows: time to refuse', value: refused.ms, unit: 'ms', target: '≤ 2000', ok: refused.ms <= 2000 },
          { label: 'million rows: peak RSS', value: refused.peakRssMb, unit: 'MB', target: '≤ 400', ok: refused.peakRssMb <= 400 },
          { label: '50,000 rows: time to read', value: accepted.ms, unit: 'ms' },
          { label: '50,000 rows: peak RSS', value: accepted.peakRssMb, unit: 'MB' },
          { label: '50,000 rows: rows read', value: int(accepted.rows) },
        ],
        primary: { label: 'million-row refusal', value: refused.ms, unit: 'ms' },
        baseline: { label: 'reading a 50,000-row file', value: accepted.ms, unit: 'ms', measuredInRun: true },
        target: 'a million-row file refused in ≤ 2 s with peak RSS ≤ 400 MB (was 15 s and 1.8 GB)',
        notes: [`process RSS before reading: ${fmt(refused.rssBeforeMb, 0)} MB (Node + tsx + exceljs loaded)`],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
