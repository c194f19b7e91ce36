/**
 * Reaching Telegram at start-up. `bot.init()` asks Telegram who the bot is (getMe); when the Bot
 * API cannot be reached, or refuses the token, the process says which of the two it is — in
 * words a newcomer can act on — and keeps trying, instead of waiting silently or exiting.
 */
import { GrammyError, HttpError, type Bot } from 'grammy';
import type { Logger } from '../logger.js';

/** Waits between attempts: quick at first, then once a minute. */
const DEFAULT_DELAYS_MS = [2_000, 5_000, 10_000, 30_000, 60_000];

export type TelegramProblem = 'unreachable' | 'token-refused' | 'other';

/** What kind of failure an error of getMe is. */
export function telegramProblem(err: unknown): TelegramProblem {
  if (err instanceof GrammyError) return err.error_code === 401 || err.error_code === 404 ? 'token-refused' : 'other';
  if (err instanceof HttpError) return 'unreachable';
  return 'other';
}

export async function connectToTelegram(
  bot: Bot<any>,
  log: Logger,
  opts: { apiRoot: string; delaysMs?: readonly number[]; sleep?: (ms: number) => Promise<void>; attemptTimeoutMs?: number },
): Promise<void> {
  const attemptTimeoutMs = opts.attemptTimeoutMs ?? 15_000;
  const delays = opts.delaysMs ?? DEFAULT_DELAYS_MS;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    const deadline = AbortSignal.timeout(attemptTimeoutMs);
    try {
      // The bot's auto-retry waits out network errors silently (doubling its pause each time);
      // a deadline per attempt turns that wait into an error we can name.
      await bot.init(deadline as unknown as Parameters<typeof bot.init>[0]);
      if (attempt > 1) log.info({ attempt }, 'Telegram reached');
      return;
    } catch (err) {
      const retryInS = Math.round(delays[Math.min(attempt - 1, delays.length - 1)]! / 1000);
      // Past the deadline the error is the abort of the retry's pause: the network failed meanwhile.
      const problem = deadline.aborted ? 'unreachable' : telegramProblem(err);
      // The token is a secret: never logged, not even in part.
      if (problem === 'token-refused') {
        log.error({ status: (err as GrammyError).error_code, attempt, retryInS }, 'Telegram refuses the bot token: check BOT_TOKEN (the token @BotFather gave you); trying again');
      } else if (problem === 'unreachable') {
        log.error({ apiRoot: opts.apiRoot, cause: String(err instanceof HttpError ? err.error : err).slice(0, 200), attempt, retryInS }, `Telegram cannot be reached at ${opts.apiRoot}: check the internet connection or TELEGRAM_API_ROOT; trying again`);
      } else {
        log.error({ err: String(err).slice(0, 200), attempt, retryInS }, 'Telegram did not answer who the bot is; trying again');
      }
      await sleep(retryInS * 1000);
    }
  }
}
