/**
 * What a benchmark is and what it reports. A benchmark is `scripts/bench/<name>.ts` whose default
 * export is a `Bench`; it is listed in run.ts's registry. Each one creates its own resources (a
 * database from test/support/db.ts, its own Redis key prefix, servers) and removes them itself.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface Figure {
  label: string;
  value: number | string;
  unit?: string;
  /** e.g. '≥ 28.5', '= 0' */
  target?: string;
  /** whether the target is met (absent when the figure has no target) */
  ok?: boolean;
}

export interface BenchResult {
  /** what was measured, in one sentence */
  measured: string;
  /** on how much data / under which conditions */
  data: string;
  figures: Figure[];
  /** the headline number compared with the baseline */
  primary: { label: string; value: number; unit: string };
  /** what the headline is compared with; `measuredInRun` false for a nominal value (e.g. an API limit) */
  baseline: { label: string; value: number; unit: string; measuredInRun: boolean };
  /** the overall target in words */
  target: string;
  /** free-form observations (why a target was missed, timings, …) */
  notes?: string[];
}

export interface Bench {
  name: string;
  description: string;
  run(): Promise<BenchResult>;
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function int(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** The p-th percentile (nearest rank) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Wall time of one call, in ms. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Optional CPU profile of a benchmark's measured phase only (BENCH_PROFILE=file.cpuprofile). */
export async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** mulberry32: a small seeded PRNG, so generated data is the same every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * CPU seconds used so far by the local PostgreSQL server's processes (Linux /proc; 0 elsewhere or
 * when the server runs on another machine): a benchmark prints what the database spent beside
 * what the Node process did, to tell which of the two bounds a figure.
 */
export function postgresCpuSeconds(): number {
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
        const fields = stat.slice(close + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
      } catch {
        // the process ended while we looked
      }
    }
  } catch {
    return 0;
  }
  return ticks / 100;
}
