/**
 * One pino logger. Logs carry ids (telegram user id, school id, entity ids), never phone numbers
 * or names: the redact list is a second line of defence for fields that must never appear.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: [
        'phone',
        '*.phone',
        'phone_number',
        '*.phone_number',
        '*.*.phone_number',
        'first_name',
        '*.first_name',
        '*.*.first_name',
        'last_name',
        '*.last_name',
        '*.*.last_name',
        'username',
        '*.username',
        '*.*.username',
        'name',
        '*.name',
        'text',
        '*.text',
        'token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}

export const logger = createLogger();

/**
 * An error as it may be logged: name, code and the first line of the message, with query
 * parameters cut off (a failed query's message lists them, and they can be phones or names).
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: typeof err === 'string' ? err.split('\n')[0]!.slice(0, 300) : typeof err };
  const cause = (err as { cause?: unknown }).cause;
  const firstLine = err.message.split('\n')[0]!.replace(/\s*params:.*$/s, '').slice(0, 500);
  const stack = err.stack?.split('\n').filter((l) => l.trimStart().startsWith('at ')).slice(0, 8).join('\n');
  return {
    name: err.name,
    ...((err as { code?: unknown }).code !== undefined ? { code: (err as { code?: unknown }).code } : {}),
    message: firstLine,
    ...(stack ? { stack } : {}),
    ...(cause instanceof Error ? { cause: { name: cause.name, code: (cause as { code?: unknown }).code, message: cause.message.split('\n')[0]!.slice(0, 300) } } : {}),
  };
}
