/**
 * Writes the demo school's sample timetables next to its rosters:
 *   timetable.xlsx           — the timetable of DEMO-001 (5 classes, 150 lessons a week)
 *   timetable-conflict.xlsx  — the same with one clash (7B!B4), to see the import's check
 * `npx tsx scripts/demo-school/make-timetable.ts [--lang km|en]` (Khmer by default).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNotifier } from '../../src/app.js';
import { demoTimetableWorkbook } from '../../src/teaching/demo.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const lang = process.argv.includes('--lang') ? process.argv[process.argv.indexOf('--lang') + 1] : 'km';
if (lang !== 'km' && lang !== 'en') throw new Error('--lang km|en');
const notifier = createNotifier({ DEFAULT_LOCALE: lang });
await writeFile(path.join(dir, 'timetable.xlsx'), await demoTimetableWorkbook(lang, notifier.t));
await writeFile(path.join(dir, 'timetable-conflict.xlsx'), await demoTimetableWorkbook(lang, notifier.t, { withConflict: true }));
console.log(`wrote ${path.join(dir, 'timetable.xlsx')} and timetable-conflict.xlsx`);
