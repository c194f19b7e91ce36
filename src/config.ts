/**
 * Environment → typed config, validated once at boot. A wrong value stops the process with a
 * message that names the variable and says what is expected.
 */
import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const ConfigSchema = z
  .object({
    BOT_TOKEN: z
      .string({ error: 'BOT_TOKEN is required: the token @BotFather gave you (123456:ABC...)' })
      .trim()
      .regex(/^\d+:[A-Za-z0-9_-]{10,}$/, 'BOT_TOKEN does not look like a bot token (digits, a colon, then letters)'),
    BOT_USERNAME: optionalText,
    TELEGRAM_API_ROOT: z.url('TELEGRAM_API_ROOT must be a URL').default('https://api.telegram.org'),
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres://')
        .optional(),
    ),
    /**
     * Where reports, roll-ups and the read API read from (a replica); unset: DATABASE_URL. Writes
     * never go there, and a replica lags: only paths that can show a few seconds' old figures use it.
     */
    DATABASE_READ_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'DATABASE_READ_URL must start with postgres://')
        .optional(),
    ),
    PGLITE_DIR: z.string().default('./data/pglite'),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must start with redis://').default('redis://127.0.0.1:6379'),
    /** Redis key prefix of the queues; the braces are a Redis Cluster hash tag (all keys in one slot) */
    QUEUE_PREFIX: z.string().default('{sis}'),
    BOT_MODE: z.enum(['polling', 'webhook'], { error: 'BOT_MODE must be polling or webhook' }).default('polling'),
    WEBHOOK_URL: optionalText.pipe(z.url('WEBHOOK_URL must be a https URL').optional()),
    WEBHOOK_SECRET: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,256}$/, 'WEBHOOK_SECRET must be 16-256 characters of A-Z a-z 0-9 _ -')
        .optional(),
    ),
    PORT: z.coerce.number().int().min(1).max(65535).default(8080),
    /** Public https address of the gate-scanner Mini App (served by this process on PORT) */
    WEBAPP_URL: optionalText.pipe(z.url('WEBAPP_URL must be the https address of the scanner page').optional()),
    /**
     * Public address of this process's HTTP server (https://sis.example.org), for links printed on
     * paper: the QR code of a certified copy points at <PUBLIC_URL>/verify/<code>. Unset: the
     * origin of WEBAPP_URL, else of WEBHOOK_URL, else http://localhost:PORT.
     */
    PUBLIC_URL: optionalText.pipe(z.url('PUBLIC_URL must be the public address of the bot\'s HTTP server').optional()),
    /**
     * Folder of school certificates for certified copies: `<SCHOOL-CODE>.p12`; a school with one
     * gets its copies' PDFs digitally signed with it (records/pdf-seal.ts). Its passphrase:
     * RECORDS_P12_PASSPHRASE (one for the folder).
     */
    RECORDS_P12_DIR: optionalText,
    RECORDS_P12_PASSPHRASE: optionalText,
    DEFAULT_LOCALE: z.enum(['km', 'en'], { error: 'DEFAULT_LOCALE must be km or en' }).default('km'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Messages per second the sender may use overall (Telegram allows about 30) */
    SEND_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(30),
    /**
     * Seals the signing keys of academic records (src/records/signer.ts), and through a key
     * derived from it webhooks' signing secrets (src/webhooks/secret.ts): 32 bytes as base64 or
     * 64 hex digits. Derived from BOT_TOKEN when unset (tests, trying the bot); set it in
     * production and keep it safe: without it no stored key or secret opens, nothing can be
     * signed and no webhook delivered.
     */
    RECORDS_KEY: optionalText.pipe(
      z
        .string()
        .refine((v) => /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, 'base64').length === 32, 'RECORDS_KEY must be 32 bytes as base64 (openssl rand -base64 32) or 64 hex digits')
        .optional(),
    ),
    /** Days after which the bodies of sent and cancelled messages are cleared (counts and ids stay) */
    OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(90),
    /** How long a Mini App's initData stays valid, in seconds (Telegram signs it when the app opens) */
    WEBAPP_INITDATA_MAX_AGE_SECONDS: z.coerce.number().int().min(60).max(86400).default(3600),
    /** Calls per minute per API token (/api/v1), per process */
    API_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100000).default(600),
    /**
     * Webhooks (src/webhooks): development and tests only — lets a webhook point at a private or
     * loopback address (and use plain http there). Off by default: production receivers are public https.
     */
    WEBHOOKS_ALLOW_PRIVATE: z.enum(['0', '1', 'true', 'false']).default('0').transform((v) => v === '1' || v === 'true'),
    /** First retry delay of a failed webhook delivery (ms); each next one doubles, up to an hour */
    WEBHOOKS_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
    /** Attempts per delivery before it is given up */
    WEBHOOKS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
    /** Failed attempts in a row after which a webhook is disabled and its token's owner told */
    WEBHOOKS_DISABLE_AFTER: z.coerce.number().int().min(1).max(1000).default(20),
    /** Finished webhook deliveries (delivered, failed, cancelled) older than this many days leave the delivery log */
    WEBHOOKS_LOG_DAYS: z.coerce.number().int().min(1).max(36500).default(90),
    /** How long a receiver has to answer (ms) */
    WEBHOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** Where the worker keeps /export files until their link expires (bot and worker must share it) */
    EXPORTS_DIR: z.string().default('./data/exports'),
    /** Public address of this server for export download links (default: WEBAPP_URL's or WEBHOOK_URL's origin) */
    EXPORTS_PUBLIC_URL: optionalText.pipe(z.url('EXPORTS_PUBLIC_URL must be a URL').optional()),
    /** An export larger than this goes as a download link instead of a document (Telegram takes 50 MB) */
    EXPORTS_TELEGRAM_MAX_BYTES: z.coerce.number().int().min(1).max(2_000_000_000).default(50_000_000),
    /** How long an export's download link works (hours) */
    EXPORTS_LINK_HOURS: z.coerce.number().int().min(1).max(720).default(24),
    /** Seconds a family with several children in a shift waits for the others before its one arrival notice goes */
    ARRIVAL_DIGEST_SECONDS: z.coerce.number().int().min(0).max(1800).default(180),
    /**
     * Further bots of a fleet, beside BOT_TOKEN (the default bot): comma-separated tokens, each
     * optionally followed by @username (`123:AAA@school_a_bot,456:BBB@school_b_bot`). A school is
     * given its bot with `npm run cli -- bots assign`; each token has its own send rate.
     */
    BOT_TOKENS: optionalText.pipe(
      z
        .string()
        .regex(/^\s*\d+:[A-Za-z0-9_-]{10,}(@[A-Za-z0-9_]{5,32})?\s*(,\s*\d+:[A-Za-z0-9_-]{10,}(@[A-Za-z0-9_]{5,32})?\s*)*$/, 'BOT_TOKENS must be comma-separated bot tokens, each optionally followed by @username')
        .optional(),
    ),
    /**
     * Stars a day the deployment may spend on paid broadcast (allow_paid_broadcast, 0.1 Star a
     * message, up to 1,000 messages/s) for urgent national announcements; 0: never.
     */
    PAID_BROADCAST_STARS_PER_DAY: z.coerce.number().min(0).max(1_000_000).default(0),
    /** Signs the QR codes of student cards (src/qr/secret.ts); derived from BOT_TOKEN when unset */
    CARD_SECRET: optionalText.pipe(z.string().min(32, 'CARD_SECRET must be at least 32 characters (e.g. openssl rand -base64 32)').optional()),
  })
  .superRefine((c, ctx) => {
    if (c.BOT_MODE === 'webhook') {
      if (!c.WEBHOOK_URL) ctx.addIssue({ code: 'custom', path: ['WEBHOOK_URL'], message: 'WEBHOOK_URL is required when BOT_MODE=webhook' });
      if (!c.WEBHOOK_SECRET)
        ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'WEBHOOK_SECRET is required when BOT_MODE=webhook' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`));
  }
  return parsed.data;
}

/** Config for the admin CLI and tests, where no bot token is needed. */
export function loadConfigWithoutBot(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig({ BOT_TOKEN: '0:not-a-real-token-cli', ...env });
}
