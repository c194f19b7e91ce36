/**
 * Child of the `roster-big` benchmark: reads one roster file as the import does and prints the
 * outcome, the time and this process's peak RSS as JSON (a fresh process, so the peak is the
 * read's own, not the generator's).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseStudentRoster } from '../../src/roster/parse.js';

const file = process.argv[2]!;
const bytes = readFileSync(file);
const before = process.memoryUsage().rss;
const t0 = performance.now();
const result = await parseStudentRoster({ name: path.basename(file), bytes });
const ms = performance.now() - t0;
console.log(
  JSON.stringify({
    ms,
    rssBeforeMb: before / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    ok: result.ok,
    rows: result.ok ? result.rows.length : 0,
    errors: result.ok ? [] : result.errors.slice(0, 3),
  }),
);
