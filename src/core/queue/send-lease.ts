/**
 * The sender's hold on one outbox row while it is being sent, kept alive by a heartbeat so that a
 * dead sender's rows come back in seconds while a live one's never do:
 *
 * - Postgres lease (outbox.locked_until, `leaseSeconds`, short) stops two senders claiming a row;
 *   the heartbeat pushes it forward while the request is in flight. When it has lapsed the sender
 *   is dead, and the relay re-enqueues the row (relay.ts, "lease lapsed").
 * - An in-flight key in Redis (`<prefix>:inflight:<row>`, a few seconds, renewed by the same
 *   heartbeat) covers the moment Postgres cannot be written: a sender that holds Telegram's answer
 *   but cannot yet mark the row sent keeps the key alive from memory, and no other sender may
 *   start the row while the key exists — so the answer is never turned into a resend.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Database } from '../db/client.js';

export interface SendLeaseOptions {
  database: Database;
  connection: Redis;
  prefix: string;
  /** Postgres lease length (s) */
  leaseSeconds: number;
  /** in-flight key TTL (ms); the heartbeat runs at a third of it */
  inflightMs: number;
}

export interface SendLease {
  /** stop the heartbeat and drop the in-flight key (after the row's outcome is durable) */
  release(): Promise<void>;
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export const inflightKey = (prefix: string, outboxId: number) => `${prefix}:inflight:${outboxId}`;

/**
 * Takes the in-flight key of a row already leased in Postgres; null when another live sender
 * holds it (it has an answer it has not yet written down).
 */
export async function holdRow(opts: SendLeaseOptions, outboxId: number): Promise<SendLease | null> {
  const key = inflightKey(opts.prefix, outboxId);
  const token = randomUUID();
  const taken = await opts.connection.set(key, token, 'PX', opts.inflightMs, 'NX');
  if (taken === null) return null;
  // Renews only a lease still held: a sender that gave the row back (locked_until null) is not
  // given it again by a late beat.
  const beat = setInterval(
    () => {
      opts.connection.eval(RENEW, 1, key, token, opts.inflightMs).catch(() => {});
      opts.database.db
        .execute(sql`update outbox set locked_until = now() + make_interval(secs => ${opts.leaseSeconds}) where id = ${outboxId} and status = 'pending' and locked_until is not null`)
        .catch(() => {});
    },
    Math.max(100, Math.floor(opts.inflightMs / 3)),
  );
  beat.unref();
  return {
    async release() {
      clearInterval(beat);
      await opts.connection.eval(RELEASE, 1, key, token).catch(() => {});
    },
  };
}

/**
 * Runs a write until it succeeds (Postgres down: wait for it, backing off to `maxDelayMs`). Used
 * for the write that records Telegram's answer: giving up would mean sending the message again.
 * `stopped()` true ends the wait by throwing (the process is going down hard anyway).
 */
export async function untilWritten<T>(write: () => Promise<T>, opts: { maxDelayMs?: number; onRetry?: (err: unknown, attempt: number) => void; stopped?: () => boolean } = {}): Promise<T> {
  let delay = 50;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (opts.stopped?.()) throw err;
      opts.onRetry?.(err, attempt);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(opts.maxDelayMs ?? 1000, delay * 2);
    }
  }
}
