/**
 * Child process of the interop benchmark: the national OneRoster export of an existing database
 * to a file, alone in its process, so its peak RSS (getrusage maxrss) is the export's own.
 * Prints one JSON line: { ms, maxRssMb, bytes }.
 */
import { createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { openDatabase } from '../../src/core/db/client.js';
import { oneRosterZip } from '../../src/exports/oneroster.js';

const [url, out] = process.argv.slice(2);
const database = await openDatabase({ databaseUrl: url!, max: 2 });
const t0 = performance.now();
await pipeline(oneRosterZip(database, { kind: 'nation' }), createWriteStream(out!));
const ms = performance.now() - t0;
await database.close();
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, bytes: statSync(out!).size }));
