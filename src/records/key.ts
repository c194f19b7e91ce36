/**
 * RECORDS_KEY, the key that seals every signing key at rest (and where copies link to). When unset it is derived from the
 * bot token (so the bot can be tried without setup); a deployment sets it, since a rotated bot
 * token would otherwise leave every stored key sealed under a key nobody has.
 */
import { createHmac } from 'node:crypto';

const DERIVATION_LABEL = 'sis-records-key-v1';

export function recordsKey(config: { RECORDS_KEY?: string; BOT_TOKEN: string }): Buffer {
  const v = config.RECORDS_KEY;
  if (v) return /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  return createHmac('sha256', config.BOT_TOKEN).update(DERIVATION_LABEL).digest();
}

/**
 * The public address a certified copy's QR code points at (`<base>/verify/<code>`): PUBLIC_URL,
 * else the origin of WEBAPP_URL or WEBHOOK_URL (both served by this process), else the bot's own
 * HTTP server on this machine — so a copy always carries a working link and its code.
 */
export function publicBaseUrl(config: { PUBLIC_URL?: string; WEBAPP_URL?: string; WEBHOOK_URL?: string; PORT: number }): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/+$/, '');
  for (const url of [config.WEBAPP_URL, config.WEBHOOK_URL]) if (url) return new URL(url).origin;
  return `http://localhost:${config.PORT}`;
}
