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
