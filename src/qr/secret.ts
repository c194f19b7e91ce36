/**
 * The key that signs student cards (tokens.ts). Printed cards live for years, so the key must
 * outlive anything that might be rotated: CARD_SECRET when set (recommended), otherwise a key
 * derived from the bot token. The derived key changes when the bot token is rotated (e.g. after a
 * leak), and every card printed before would stop verifying; hence README/.env.example ask for
 * CARD_SECRET in production.
 */
import { createHmac } from 'node:crypto';

/** Domain separation: the derived key is useless as a bot token and vice versa. */
const DERIVATION_LABEL = 'sis-card-secret-v1';

export function cardSecret(config: { CARD_SECRET?: string; BOT_TOKEN: string }): Buffer {
  if (config.CARD_SECRET) return Buffer.from(config.CARD_SECRET, 'utf8');
  return createHmac('sha256', config.BOT_TOKEN).update(DERIVATION_LABEL).digest();
}
