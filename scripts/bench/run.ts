/**
 * `npm run bench [name...]`: runs the named benchmarks (all when none are named) one after the
 * other and prints, for each, what it measured, on how much data, the figures, the target and the
 * ratio to its baseline. Exit code 1 when a target is missed or a benchmark throws.
 *
 * To add a benchmark: write `scripts/bench/<name>.ts` with a default export `{ name, description,
 * run() }` (see types.ts) and add one line to REGISTRY. The harness itself creates nothing: each
 * benchmark makes and removes its own database, Redis keys and servers.
 */
import type { Bench, BenchResult } from './types.js';
import { fmt } from './types.js';

const REGISTRY: Array<{ name: string; load: () => Promise<{ default: Bench }> }> = [
  { name: 'attendance', load: () => import('./attendance.js') },
  { name: 'sender', load: () => import('./sender.js') },
  { name: 'sender-restart', load: () => import('./sender-restart.js') },
  { name: 'report-monthly', load: () => import('./report-monthly.js') },
  { name: 'rollup', load: () => import('./rollup.js') },
  { name: 'checkin', load: () => import('./checkin.js') },
  { name: 'qr-decode', load: () => import('./qr-decode.js') },
  { name: 'questions', load: () => import('./questions.js') },
  { name: 'broadcast', load: () => import('./broadcast.js') },
  { name: 'broadcast-paid', load: () => import('./broadcast-paid.js') },
  { name: 'lesson-book', load: () => import('./lesson-book.js') },
  { name: 'timetable-import', load: () => import('./timetable-import.js') },
  { name: 'teaching-hours', load: () => import('./teaching-hours.js') },
  { name: 'scores', load: () => import('./scores.js') },
  { name: 'records', load: () => import('./records.js') },
  { name: 'records-source', load: () => import('./records-source.js') },
  { name: 'budget', load: () => import('./budget.js') },
  { name: 'interop', load: () => import('./interop.js') },
  { name: 'mixed', load: () => import('./mixed.js') },
  { name: 'roster-big', load: () => import('./roster-big.js') },
];

/** command-line options followed by a value */
const VALUE_OPTIONS = new Set(['--recipients', '--cards']);

function print(bench: Bench, result: BenchResult, seconds: number): boolean {
  const failed = result.figures.filter((f) => f.ok === false);
  const ratio = result.primary.value / result.baseline.value;
  const lines: string[] = [];
  lines.push(`── ${bench.name}: ${bench.description}`);
  lines.push(`   measured : ${result.measured}`);
  lines.push(`   data     : ${result.data}`);
  lines.push(`   figures  :`);
  const width = Math.max(...result.figures.map((f) => f.label.length));
  for (const f of result.figures) {
    const value = typeof f.value === 'number' ? fmt(f.value, Number.isInteger(f.value) ? 0 : 2) : f.value;
    const target = f.target ? `   target ${f.target} ${f.ok === undefined ? '' : f.ok ? '✓' : '✗'}` : '';
    lines.push(`     ${f.label.padEnd(width)}  ${`${value}${f.unit ? ` ${f.unit}` : ''}`.padEnd(18)}${target}`);
  }
  lines.push(`   target   : ${result.target} → ${failed.length === 0 ? 'MET' : `MISSED (${failed.map((f) => f.label).join(', ')})`}`);
  lines.push(
    `   baseline : ${result.baseline.label} = ${fmt(result.baseline.value, 1)} ${result.baseline.unit}` +
      ` (${result.baseline.measuredInRun ? 'measured in this run' : 'nominal'}); ` +
      `${result.primary.label} ${fmt(result.primary.value, 2)} ${result.primary.unit} → ratio ${fmt(ratio * 100, 1)} %`,
  );
  for (const note of result.notes ?? []) lines.push(`   note     : ${note}`);
  lines.push(`   (bench wall time ${fmt(seconds, 1)} s)`);
  console.log(lines.join('\n'));
  return failed.length === 0;
}

async function main(): Promise<void> {
  // Options that take a value (`--recipients 500`) are read by the benchmarks themselves.
  const args = process.argv.slice(2);
  const wanted = args.filter((a, i) => !a.startsWith('-') && !VALUE_OPTIONS.has(args[i - 1] ?? ''));
  const unknown = wanted.filter((w) => !REGISTRY.some((r) => r.name === w));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${REGISTRY.map((r) => r.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected = wanted.length ? REGISTRY.filter((r) => wanted.includes(r.name)) : REGISTRY;
  let allOk = true;
  for (const entry of selected) {
    const bench = (await entry.load()).default;
    console.log(`\n▶ ${bench.name} …`);
    const started = performance.now();
    try {
      const result = await bench.run();
      allOk = print(bench, result, (performance.now() - started) / 1000) && allOk;
    } catch (err) {
      allOk = false;
      console.error(`── ${bench.name}: FAILED to run`, err);
    }
  }
  if (!allOk) process.exitCode = 1;
}

await main();
// BullMQ / ioredis / postgres handles are closed by each benchmark; do not hang on a stray timer.
setTimeout(() => process.exit(), 2000).unref();
