/**
 * A fake Telegram Bot API over real HTTP, strict about Telegram's sending limits, for benchmarks.
 *
 * - URL shape `${url}/bot${token}/${method}` (grammY's default buildUrl), JSON bodies; point grammY
 *   at it with `new Api(token, { apiRoot: fake.url })`.
 * - Message-sending methods (sendMessage, sendPhoto, copyMessage, …) are rate limited; every other
 *   method answers `true` or a plausible object and is not limited.
 * - Global limit: at most `globalPerSecond` accepted messages in any rolling `windowMs` (default
 *   30 per rolling 1000 ms), judged at the moment the request *arrives* (after the inbound half of
 *   the simulated latency).
 * - Paid broadcast (`paidPerSecond` set): a message with `allow_paid_broadcast: true` is judged
 *   in a rolling window of its own (Telegram: up to 1,000 a second, beside the ordinary 30), and
 *   its 429 is counted apart; unset, paid messages count in the ordinary window like any other.
 * - Per chat: a token bucket of `perChatBurst` (3) refilled at `perChatPerSecond` (1/s); groups
 *   (negative chat ids) are refilled at `groupPerMinute` (20/min).
 * - Refusals are Telegram's: HTTP 429 `{ ok:false, error_code:429, description:'Too Many Requests:
 *   retry after N', parameters:{ retry_after:N } }`, N whole seconds ≥ 1 (until a slot frees up).
 * - Counts accepted messages, 429s (global vs per chat) and duplicates: the same chat_id + text
 *   (or, without text, the same payload) accepted more than once.
 * - Simulated network: each request waits half of `latencyMs ± jitterMs` before it is judged and
 *   the other half before the answer leaves, so both the arrival order and the answer are delayed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeBotApiOptions {
  /** accepted messages allowed in any rolling window (Telegram: ~30/s) */
  globalPerSecond?: number;
  windowMs?: number;
  /** accepted paid-broadcast messages (allow_paid_broadcast) allowed in any rolling window, apart from the others; unset: no separate window */
  paidPerSecond?: number;
  /** steady rate per private chat */
  perChatPerSecond?: number;
  /** short bursts allowed to one chat */
  perChatBurst?: number;
  /** steady rate per group (negative chat id) */
  groupPerMinute?: number;
  /** mean round trip added to each request */
  latencyMs?: number;
  /** ± uniform jitter on the round trip */
  jitterMs?: number;
  /** keep the timestamp of every accepted message (for post-hoc analysis); default true */
  recordTimes?: boolean;
  /** hears every accepted message (the fault suite checks who was answered, and how) */
  onMessage?: (method: string, payload: Record<string, unknown>, at: number) => void;
}

export interface TooManyEvent {
  /** Date.now() when the request was judged */
  at: number;
  chatId: number;
  reason: 'global' | 'chat' | 'paid';
  retryAfter: number;
}

export interface FakeBotApiStats {
  /** HTTP requests of any method */
  requests: number;
  /** message-sending requests accepted (= messages "delivered") */
  accepted: number;
  /** 429 answers sent, and their split */
  tooManyRequests: number;
  tooManyGlobal: number;
  tooManyPerChat: number;
  /** 429s of the paid-broadcast window, and paid messages accepted (paidPerSecond set) */
  tooManyPaid: number;
  acceptedPaid: number;
  /** the most paid messages accepted within any rolling window (≤ paidPerSecond by construction) */
  maxPaidInWindow: number;
  /** accepted messages that repeat an earlier accepted chat_id + text */
  duplicates: number;
  /** how many distinct chat_id + text pairs were accepted more than once */
  duplicatedKeys: number;
  /** Date.now() of the first and last accepted message (null when none) */
  firstAcceptedAt: number | null;
  lastAcceptedAt: number | null;
  /** the most ordinary (not paid) messages accepted within any rolling window (≤ globalPerSecond by construction) */
  maxInWindow: number;
  byMethod: Record<string, number>;
  tooManyEvents: TooManyEvent[];
  /** Date.now() of every accepted message, in order (when recordTimes) */
  acceptedTimes: number[];
}

export interface FakeBotApi {
  /** apiRoot for grammY, e.g. http://127.0.0.1:41234 */
  url: string;
  stats(): FakeBotApiStats;
  /** updates for getUpdates (polling): served from the requested offset, dropped once confirmed */
  pushUpdates(updates: Array<{ update_id: number } & Record<string, unknown>>): void;
  /** how many getUpdates calls returned at least one update */
  updateBatches(): number;
  stop(): Promise<void>;
}

const SENDING_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVoice',
  'sendVideo',
  'sendAudio',
  'sendAnimation',
  'sendSticker',
  'sendLocation',
  'sendContact',
  'sendPoll',
  'sendMediaGroup',
  'copyMessage',
  'forwardMessage',
]);

const BOT_USER = { id: 42, is_bot: true, first_name: 'SIS bench', username: 'sis_bench_bot' };

/** Accepted timestamps inside a rolling window: a queue with a moving head. */
class RollingWindow {
  private times: number[] = [];
  private head = 0;
  constructor(private readonly ms: number) {}
  /** how many were accepted in the window ending at `now` */
  count(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.ms) this.head++;
    if (this.head > 4096) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }
  /** when the oldest entry leaves the window */
  freeAt(): number {
    return this.times[this.head]! + this.ms;
  }
  push(now: number): void {
    this.times.push(now);
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export async function startFakeBotApi(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  const globalMax = options.globalPerSecond ?? 30;
  const windowMs = options.windowMs ?? 1000;
  const chatRate = (options.perChatPerSecond ?? 1) / 1000; // tokens per ms
  const groupRate = (options.groupPerMinute ?? 20) / 60_000;
  const burst = options.perChatBurst ?? 3;
  const latency = options.latencyMs ?? 30;
  const jitter = options.jitterMs ?? 10;
  const recordTimes = options.recordTimes ?? true;

  const window = new RollingWindow(windowMs);
  const paidMax = options.paidPerSecond;
  const paidWindow = new RollingWindow(windowMs);
  const buckets = new Map<number, Bucket>();
  const seen = new Map<string, number>();
  let nextMessageId = 1;
  const s: FakeBotApiStats = {
    requests: 0,
    accepted: 0,
    tooManyRequests: 0,
    tooManyGlobal: 0,
    tooManyPerChat: 0,
    tooManyPaid: 0,
    acceptedPaid: 0,
    maxPaidInWindow: 0,
    duplicates: 0,
    duplicatedKeys: 0,
    firstAcceptedAt: null,
    lastAcceptedAt: null,
    maxInWindow: 0,
    byMethod: {},
    tooManyEvents: [],
    acceptedTimes: [],
  };

  const halfTrip = () => Math.max(0, (latency + (Math.random() * 2 - 1) * jitter) / 2);

  type Answer = { status: number; body: unknown };
  const tooMany = (retryAfter: number): Answer => ({
    status: 429,
    body: {
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter },
    },
  });

  /** Judges one message-sending request at time `now` (synchronous: no interleaving). */
  const judgeMessage = (method: string, payload: Record<string, unknown>, now: number): Answer => {
    const chatId = Number(payload.chat_id);
    if (!Number.isFinite(chatId) || chatId === 0) {
      return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } };
    }
    // A paid broadcast message is judged in the paid window, every other one in the ordinary one.
    const paid = paidMax !== undefined && payload.allow_paid_broadcast === true;
    const w = paid ? paidWindow : window;
    const max = paid ? paidMax : globalMax;
    const inWindow = w.count(now);

    const rate = chatId < 0 ? groupRate : chatRate;
    const b = buckets.get(chatId) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + (now - b.at) * rate);
    b.at = now;
    buckets.set(chatId, b);

    if (inWindow >= max) {
      const retryAfter = Math.max(1, Math.ceil((w.freeAt() - now) / 1000));
      s.tooManyRequests++;
      if (paid) s.tooManyPaid++;
      else s.tooManyGlobal++;
      s.tooManyEvents.push({ at: now, chatId, reason: paid ? 'paid' : 'global', retryAfter });
      return tooMany(retryAfter);
    }
    if (b.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
      s.tooManyRequests++;
      s.tooManyPerChat++;
      s.tooManyEvents.push({ at: now, chatId, reason: 'chat', retryAfter });
      return tooMany(retryAfter);
    }

    b.tokens -= 1;
    options.onMessage?.(method, payload, now);
    w.push(now);
    if (paid) {
      s.acceptedPaid++;
      s.maxPaidInWindow = Math.max(s.maxPaidInWindow, inWindow + 1);
    } else s.maxInWindow = Math.max(s.maxInWindow, inWindow + 1);
    s.accepted++;
    s.firstAcceptedAt ??= now;
    s.lastAcceptedAt = now;
    if (recordTimes) s.acceptedTimes.push(now);

    const { chat_id: _ignored, ...rest } = payload;
    const key = `${chatId}\u0000${typeof payload.text === 'string' ? payload.text : JSON.stringify(rest)}`;
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count > 1) {
      s.duplicates++;
      if (count === 2) s.duplicatedKeys++;
    }

    const date = Math.floor(now / 1000);
    const chat = chatId < 0 ? { id: chatId, type: 'group', title: `Group ${-chatId}` } : { id: chatId, type: 'private', first_name: `User ${chatId}` };
    const message: Record<string, unknown> = { message_id: nextMessageId++, date, chat, from: BOT_USER };
    if (typeof payload.text === 'string') message.text = payload.text;
    if (method === 'copyMessage') return { status: 200, body: { ok: true, result: { message_id: message.message_id } } };
    if (method === 'sendMediaGroup') return { status: 200, body: { ok: true, result: [message] } };
    return { status: 200, body: { ok: true, result: message } };
  };

  let pending: Array<{ update_id: number } & Record<string, unknown>> = [];
  let batches = 0;
  const getUpdates = async (payload: Record<string, unknown>): Promise<unknown> => {
    const offset = Number(payload.offset ?? 0);
    pending = pending.filter((u) => u.update_id >= offset);
    if (pending.length === 0) await sleep(Math.min(300, Number(payload.timeout ?? 0) * 1000));
    const batch = pending.filter((u) => u.update_id >= offset).slice(0, Number(payload.limit ?? 100));
    if (batch.length > 0) batches++;
    return batch;
  };

  const otherResult = (method: string): unknown => {
    switch (method) {
      case 'getMe':
        return { ...BOT_USER, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'getWebhookInfo':
        return { url: '', has_custom_certificate: false, pending_update_count: 0 };
      case 'getChat':
        return { id: 1, type: 'private' };
      default:
        return true;
    }
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      s.requests++;
      const body = await readBody(req);
      await sleep(halfTrip());
      const match = /^\/bot[^/]+\/([A-Za-z]+)$/.exec((req.url ?? '').split('?')[0] ?? '');
      let answer: Answer;
      if (!match) {
        answer = { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
      } else {
        const method = match[1]!;
        s.byMethod[method] = (s.byMethod[method] ?? 0) + 1;
        let payload: Record<string, unknown> = {};
        if (body && (req.headers['content-type'] ?? '').includes('json')) {
          try {
            payload = JSON.parse(body) as Record<string, unknown>;
          } catch {
            payload = {};
          }
        }
        answer = SENDING_METHODS.has(method)
          ? judgeMessage(method, payload, Date.now())
          : { status: 200, body: { ok: true, result: method === 'getUpdates' ? await getUpdates(payload) : otherResult(method) } };
      }
      await sleep(halfTrip());
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` }));
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    pushUpdates: (updates) => {
      pending.push(...updates);
    },
    updateBatches: () => batches,
    stats: () => ({
      ...s,
      byMethod: { ...s.byMethod },
      tooManyEvents: [...s.tooManyEvents],
      acceptedTimes: [...s.acceptedTimes],
    }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The same fake in a child process (fake-bot-api-child.ts). `stats()` answers the last figures
 * fetched; call `refresh()` first where they must be current (`onMessage` cannot cross processes).
 */
export async function startFakeBotApiProcess(options: Omit<FakeBotApiOptions, 'onMessage'> = {}): Promise<FakeBotApi & { refresh(): Promise<void> }> {
  const { fork } = await import('node:child_process');
  const path = await import('node:path');
  const child = fork(path.join(import.meta.dirname, 'fake-bot-api-child.ts'), [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const waiting = new Map<number, (msg: { stats?: FakeBotApiStats }) => void>();
  let last: FakeBotApiStats | null = null;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fake Bot API process exited (${code})`)));
    child.on('message', (msg: { type: string; id?: number; url?: string; stats?: FakeBotApiStats }) => {
      if (msg.type === 'ready') resolve(msg.url!);
      else if (msg.id !== undefined) waiting.get(msg.id)?.(msg);
    });
  });
  const ask = (type: 'stats' | 'stop') =>
    new Promise<{ stats?: FakeBotApiStats }>((resolve) => {
      const id = nextId++;
      waiting.set(id, (msg) => {
        waiting.delete(id);
        resolve(msg);
      });
      child.send({ type, id });
    });
  const refresh = async () => {
    last = (await ask('stats')).stats ?? last;
  };
  await refresh();
  return {
    url,
    refresh,
    stats: () => last!,
    pushUpdates: () => {
      throw new Error('pushUpdates: not in the child-process fake');
    },
    updateBatches: () => 0,
    stop: async () => {
      if (child.exitCode === null) await ask('stop');
    },
  };
}
