/**
 * How many jobs the sender runs at once while a paid broadcast goes out. A rate gate of R messages
 * a second is only filled when about R × (the time a job holds its slot) jobs run side by side
 * (Little's law): at 1,000/s with an 80 ms round trip to Telegram plus the job's own database and
 * Redis work that is well over a hundred, where the ordinary 30/s needs 8. A fixed number either
 * caps paid broadcast by latency (64 in flight at ≈ 145 ms a job is ≈ 440/s: the broadcast-paid
 * benchmark) or keeps dozens of ordinary jobs waiting at the 30/s gate.
 *
 * So the sender measures how long paid jobs hold their slot (not counting the wait at the rate gate:
 * at the limit that wait grows, and counting it would only add jobs that wait too), smooths it, and
 * runs rate × that × headroom jobs, never fewer than its base concurrency nor more than `max`.
 * With no paid job for `idleMs` it returns to the base: the ordinary path runs as it always did.
 */
export interface InFlightTuner {
  /** a paid row's job held its slot `ms` (gate wait excluded); returns the concurrency to run at */
  paidJobTook(ms: number, now: number): number;
  /** the concurrency to run at now: the base again once no paid job finished for idleMs */
  current(now: number): number;
}

export interface InFlightOptions {
  /** the paid rate gate, messages a second */
  ratePerSecond: number;
  /** the sender's ordinary concurrency (the floor) */
  base: number;
  /** the ceiling (Postgres pool, Redis and memory bound what more would buy) */
  max: number;
  /** slots beyond rate × job time, for BullMQ's own work between two jobs (default 1.5) */
  headroom?: number;
  /** without a paid job this long, back to the base (ms; default 5,000) */
  idleMs?: number;
  /** weight of the newest job time in the moving average (default 0.1) */
  smoothing?: number;
}

export function inFlightTuner(opts: InFlightOptions): InFlightTuner {
  const base = Math.max(1, Math.floor(opts.base));
  const max = Math.max(base, Math.floor(opts.max));
  const headroom = opts.headroom ?? 1.5;
  const idleMs = opts.idleMs ?? 5000;
  const alpha = opts.smoothing ?? 0.1;
  let average: number | null = null;
  let lastPaidAt = Number.NEGATIVE_INFINITY;
  let now_ = base;

  return {
    paidJobTook(ms, now) {
      const took = Math.max(0, ms);
      average = average === null ? took : average + alpha * (took - average);
      lastPaidAt = now;
      now_ = Math.min(max, Math.max(base, Math.ceil((opts.ratePerSecond * average * headroom) / 1000)));
      return now_;
    },
    current(now) {
      if (now - lastPaidAt > idleMs) now_ = base;
      return now_;
    },
  };
}
