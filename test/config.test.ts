import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const TOKEN = '123456:ABCdefGHIjklMNOpqr';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('config', () => {
  it('needs a bot token and says what one looks like', () => {
    expect(problems({})).toEqual([expect.stringMatching(/^BOT_TOKEN: BOT_TOKEN is required/)]);
    expect(problems({ BOT_TOKEN: 'nonsense' })).toEqual([expect.stringMatching(/does not look like a bot token/)]);
  });

  it('has the documented defaults: Telegram API, local Redis, Khmer, polling, embedded Postgres', () => {
    const c = loadConfig({ BOT_TOKEN: TOKEN });
    expect(c).toMatchObject({
      TELEGRAM_API_ROOT: 'https://api.telegram.org',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DEFAULT_LOCALE: 'km',
      BOT_MODE: 'polling',
      PGLITE_DIR: './data/pglite',
    });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(loadConfig({ BOT_TOKEN: TOKEN, DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('requires a URL and a secret for webhook mode, and rejects bad values by name', () => {
    expect(problems({ BOT_TOKEN: TOKEN, BOT_MODE: 'webhook' }).map((p) => p.split(':')[0])).toEqual(['WEBHOOK_URL', 'WEBHOOK_SECRET']);
    expect(problems({ BOT_TOKEN: TOKEN, BOT_MODE: 'webhook', WEBHOOK_URL: 'https://x.example/tg', WEBHOOK_SECRET: 'short' })).toEqual([
      expect.stringMatching(/^WEBHOOK_SECRET: /),
    ]);
    expect(problems({ BOT_TOKEN: TOKEN, DEFAULT_LOCALE: 'fr', DATABASE_URL: 'mysql://x', BOT_MODE: 'smoke' }).map((p) => p.split(':')[0]).sort()).toEqual([
      'BOT_MODE',
      'DATABASE_URL',
      'DEFAULT_LOCALE',
    ]);
  });
});
