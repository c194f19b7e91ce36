/**
 * Counts the updates being handled, so a stopping process can wait for them before it closes the
 * database and Redis under them (SIGTERM during a burst: every update still gets its answer).
 */
import type { MiddlewareFn } from 'grammy';

export interface Drain {
  middleware: MiddlewareFn;
  running(): number;
  /** resolves when nothing is being handled, or after `timeoutMs`; returns how many were left */
  wait(timeoutMs: number): Promise<number>;
}

export function createDrain(): Drain {
  let running = 0;
  let waiters: Array<() => void> = [];
  const settle = () => {
    if (running > 0) return;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  return {
    middleware: async (_ctx, next) => {
      running++;
      try {
        await next();
      } finally {
        running--;
        settle();
      }
    },
    running: () => running,
    wait: (timeoutMs) =>
      new Promise<number>((resolve) => {
        if (running === 0) return resolve(0);
        const timer = setTimeout(() => resolve(running), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(0);
        });
      }),
  };
}

/**
 * True for errors that mean a backing service is away (Postgres or Redis down, restarting, out of
 * connections) rather than a bug: the user is told to try again shortly.
 */
export function isOutage(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'CONNECTION_ENDED', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P03', '53300'].includes(code)) return true;
    const message = String((e as { message?: unknown }).message ?? '');
    if (/ECONNREFUSED|Connection is closed|Stream isn't writeable|enableOfflineQueue|the database system is (starting|shutting) up|write CONNECTION_CLOSED/.test(message)) return true;
  }
  return false;
}
