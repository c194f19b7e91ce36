/**
 * Micro-batching for hot statements: calls that become ready in the same turn of the event loop
 * are collected and run as ONE set-based statement on the next turn. A lone call waits for no
 * timer (one setImmediate); under load, one round trip, one plan and one commit serve dozens of
 * calls. Items sharing a key never go into the same batch (a statement that inserts on conflict
 * must not meet the same row twice): the later ones wait for the next batch.
 */
export interface MicroBatcher<I, O> {
  add(item: I): Promise<O>;
}

export function createMicroBatcher<I, O>(opts: {
  /** runs one batch; returns one result per item, in order */
  run(items: I[]): Promise<O[]>;
  /** items with the same key are never in one batch */
  keyOf?(item: I): string | number;
  max?: number;
}): MicroBatcher<I, O> {
  const max = opts.max ?? 128;
  let pending: Array<{ item: I; resolve(o: O): void; reject(e: unknown): void }> = [];
  let scheduled = false;

  const flush = async () => {
    const batch: typeof pending = [];
    const rest: typeof pending = [];
    const keys = new Set<string | number>();
    for (const p of pending) {
      const key = opts.keyOf?.(p.item);
      if (batch.length < max && (key === undefined || !keys.has(key))) {
        batch.push(p);
        if (key !== undefined) keys.add(key);
      } else rest.push(p);
    }
    pending = rest;
    scheduled = rest.length > 0;
    if (scheduled) setImmediate(() => void flush());
    try {
      const results = await opts.run(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  };

  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}

/** A Postgres array literal passed as one text parameter, so a statement's text never changes with its size. */
export function pgArrayLiteral(values: Array<string | number | boolean | null>): string {
  return `{${values.map((v) => (v === null ? 'NULL' : typeof v === 'string' ? `"${v.replace(/(["\\])/g, '\\$1')}"` : String(v))).join(',')}}`;
}
