/**
 * RECORDS_KEY, the key that seals every signing key at rest. When unset it is derived from the
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
