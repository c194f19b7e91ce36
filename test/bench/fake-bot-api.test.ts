/**
 * The benchmark's fake Bot API enforces what it claims: 30 per rolling second overall, 3-message
 * bursts then 1/s per chat, Telegram-shaped 429s with retry_after, and counts duplicates; paid
 * broadcast messages (allow_paid_broadcast) have a window of their own when paidPerSecond is set.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Api, GrammyError } from 'grammy';
import { startFakeBotApi, type FakeBotApi } from '../../scripts/bench/fake-bot-api.js';

let fake: FakeBotApi | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function send(api: Api, chatId: number, text: string): Promise<'ok' | number> {
  try {
    await api.sendMessage(chatId, text);
    return 'ok';
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 429) return Number(err.parameters.retry_after);
    throw err;
  }
}

describe('fake Bot API', () => {
  it('accepts 30 messages in a rolling second and answers the rest with 429 retry_after', async () => {
    fake = await startFakeBotApi({ latencyMs: 0, jitterMs: 0 });
    const api = new Api('1:TEST', { apiRoot: fake.url });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => send(api, 100 + i, `hello ${i}`)));
    expect(results.filter((r) => r === 'ok')).toHaveLength(30);
    expect(results.filter((r) => r === 1)).toHaveLength(10);
    const s = fake.stats();
    expect(s.accepted).toBe(30);
    expect(s.tooManyGlobal).toBe(10);
    expect(s.maxInWindow).toBe(30);
    // other methods answer plausibly and are not limited
    expect((await api.getMe()).is_bot).toBe(true);
  });

  it('allows a burst of 3 to one chat, then about 1 per second, and counts duplicates', async () => {
    fake = await startFakeBotApi({ latencyMs: 0, jitterMs: 0 });
    const api = new Api('1:TEST', { apiRoot: fake.url });
    const burst = [];
    for (let i = 0; i < 4; i++) burst.push(await send(api, 7, `m${i}`));
    expect(burst).toEqual(['ok', 'ok', 'ok', 1]);
    expect(await send(api, 8, 'same')).toBe('ok');
    expect(await send(api, 8, 'same')).toBe('ok');
    const s = fake.stats();
    expect(s.tooManyPerChat).toBe(1);
    expect(s.duplicates).toBe(1);
    expect(s.duplicatedKeys).toBe(1);
    expect(s.accepted).toBe(5);
  });

  it('judges paid broadcast messages in a window of their own (paidPerSecond), apart from the 30/s', async () => {
    fake = await startFakeBotApi({ latencyMs: 0, jitterMs: 0, paidPerSecond: 50 });
    const api = new Api('1:TEST', { apiRoot: fake.url });
    const paid = (chatId: number, text: string) => api.raw.sendMessage({ chat_id: chatId, text, allow_paid_broadcast: true }).then(() => 'ok' as const, (err: unknown) => {
      if (err instanceof GrammyError && err.error_code === 429) return Number(err.parameters.retry_after);
      throw err;
    });
    const paidResults = await Promise.all(Array.from({ length: 60 }, (_, i) => paid(500 + i, `paid ${i}`)));
    expect(paidResults.filter((r) => r === 'ok')).toHaveLength(50);
    expect(paidResults.filter((r) => r === 1)).toHaveLength(10);
    // the ordinary window is untouched by them: still 30
    const plain = await Promise.all(Array.from({ length: 35 }, (_, i) => send(api, 900 + i, `plain ${i}`)));
    expect(plain.filter((r) => r === 'ok')).toHaveLength(30);
    const s = fake.stats();
    expect(s).toMatchObject({ accepted: 80, acceptedPaid: 50, tooManyPaid: 10, tooManyGlobal: 5, maxPaidInWindow: 50, maxInWindow: 30 });
  });
});
