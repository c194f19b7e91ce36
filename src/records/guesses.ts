/**
 * Rate limit for verification-code guesses: a caller (Telegram user, or an IP address on the
 * public page) may get at most `max` unknown codes per window; after that every lookup is refused
 * until the window passes. Known codes never count. Kept in memory: losing it on a restart only
 * gives a guesser a fresh window over a space of 2^50 codes.
 */
export interface GuessLimiter {
  blocked(who: string, now: number): boolean;
  miss(who: string, now: number): void;
}

export function guessLimiter(opts: { max: number; windowMs: number }): GuessLimiter {
  const misses = new Map<string, number[]>();
  const recent = (who: string, now: number) => (misses.get(who) ?? []).filter((t) => now - t < opts.windowMs);
  return {
    blocked: (who, now) => recent(who, now).length >= opts.max,
    miss(who, now) {
      const list = recent(who, now);
      list.push(now);
      misses.set(who, list);
      if (misses.size > 100_000) for (const k of [...misses.keys()].slice(0, 50_000)) misses.delete(k);
    },
  };
}

export const GUESSES = { max: 5, windowMs: 10 * 60_000 };
