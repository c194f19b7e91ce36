/**
 * `webhook add|list|remove|enable|deliveries|owner|seal`: an administrator subscribes a token's
 * receiver to events, sees what was delivered, names who is told when it is disabled, and seals
 * the secrets stored before they were sealed.
 */
import { CliUsageError, requireOption, type CliCommand, type CliContext } from '../core/cli.js';
import { normalizePhone } from '../roster/phone.js';
import { WEBHOOK_EVENTS } from './events.js';
import { sealLegacySecrets, webhookSecretKey } from './secret.js';
import { addWebhook, deliveryLog, enableWebhook, listWebhooks, parseEvents, removeWebhook, setTokenOwner, WebhookInputError } from './service.js';

function idOf(values: Record<string, string | boolean | undefined>, name: string): number {
  const id = Number(requireOption(values, name));
  if (!Number.isInteger(id) || id < 1) throw new CliUsageError(`--${name} must be a number`);
  return id;
}

/**
 * The key the worker opens secrets with. Without RECORDS_KEY it is derived from BOT_TOKEN, and the
 * CLI's placeholder token would seal secrets the worker cannot open: refused instead.
 */
function secretKeyOf(ctx: CliContext): Buffer {
  if (!ctx.config.RECORDS_KEY && !ctx.env.BOT_TOKEN?.trim()) {
    throw new CliUsageError('webhook secrets are sealed under a key derived from RECORDS_KEY (or, when it is unset, from BOT_TOKEN): set RECORDS_KEY (recommended) or BOT_TOKEN exactly as the worker has them');
  }
  return webhookSecretKey(ctx.config);
}

const addCli: CliCommand = {
  name: 'webhook add',
  usage: `--token ID --url https://… --events ${WEBHOOK_EVENTS.join(',')}`,
  summary:
    "a receiver of the token's events (in the token's scope); prints the signing secret once (it is stored sealed:\nneeds RECORDS_KEY, or BOT_TOKEN, as the worker has them). https to a public address only (WEBHOOKS_ALLOW_PRIVATE=1 lets development use a local receiver)",
  options: { token: { type: 'string' }, url: { type: 'string' }, events: { type: 'string' } },
  async run(ctx, { values }) {
    const tokenId = idOf(values, 'token');
    const secretKey = secretKeyOf(ctx);
    try {
      const events = parseEvents(requireOption(values, 'events'));
      const r = await addWebhook(ctx.database.db, { tokenId, url: requireOption(values, 'url'), events, allowPrivate: ctx.config.WEBHOOKS_ALLOW_PRIVATE, secretKey }, 'cli');
      ctx.out.line(`Webhook ${r.id} → ${r.url} (${events.join(', ')}).`);
      ctx.out.line('Signing secret — shown once, give it to the receiver (it checks X-SIS-Signature with it):');
      ctx.out.line(r.secret);
      return true;
    } catch (err) {
      if (!(err instanceof WebhookInputError)) throw err;
      ctx.out.error(err.message);
      return false;
    }
  },
};

const listCli: CliCommand = {
  name: 'webhook list',
  usage: '[--token ID]',
  summary: 'the webhooks: id, token, URL, events, state (disabled: why, and whether an owner was told), deliveries;\na secret still stored in plaintext (from before sealing) is named (webhook seal)',
  options: { token: { type: 'string' } },
  async run(ctx, { values }) {
    const tokenId = values.token === undefined ? undefined : idOf(values, 'token');
    for (const w of await listWebhooks(ctx.database.db, tokenId)) {
      const state = w.active
        ? `active${w.consecutiveFailures > 0 ? ` (${w.consecutiveFailures} failed in a row)` : ''}`
        : `DISABLED ${w.disabledAt?.toISOString() ?? ''}: ${w.disabledReason ?? ''}; ${w.owner ? 'owner told on Telegram' : 'no owner on the token: nobody was told'} (webhook enable --id ${w.id})`;
      ctx.out.line(`${w.id}\ttoken ${w.tokenId}\t${w.url}\t${w.events.join(',')}\t${state}\tdelivered ${w.delivered}, pending ${w.pending}, failed ${w.failed}${w.secretSealed ? '' : '\tsecret in plaintext (webhook seal)'}`);
    }
    return true;
  },
};

const removeCli: CliCommand = {
  name: 'webhook remove',
  usage: '--id ID',
  summary: 'stops a webhook; its pending deliveries are cancelled',
  options: { id: { type: 'string' } },
  async run(ctx, { values }) {
    const id = idOf(values, 'id');
    if (!(await removeWebhook(ctx.database.db, id, 'cli'))) {
      ctx.out.error(`no webhook ${id}`);
      return false;
    }
    ctx.out.line(`Webhook ${id} removed.`);
    return true;
  },
};

const enableCli: CliCommand = {
  name: 'webhook enable',
  usage: '--id ID',
  summary: 'turns a disabled webhook on again (its waiting deliveries go out)',
  options: { id: { type: 'string' } },
  async run(ctx, { values }) {
    const id = idOf(values, 'id');
    if (!(await enableWebhook(ctx.database.db, id, 'cli'))) {
      ctx.out.error(`no webhook ${id}`);
      return false;
    }
    ctx.out.line(`Webhook ${id} enabled.`);
    return true;
  },
};

const deliveriesCli: CliCommand = {
  name: 'webhook deliveries',
  usage: '--id ID [--limit N]',
  summary: "a webhook's delivery log, newest first: event, status, attempts, response code, last error",
  options: { id: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx, { values }) {
    const id = idOf(values, 'id');
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliUsageError('--limit must be 1-1000');
    for (const d of await deliveryLog(ctx.database.db, id, limit)) {
      const when = d.status === 'delivered' ? `delivered ${d.deliveredAt?.toISOString()}` : d.status === 'pending' ? `next attempt ${d.nextAttemptAt.toISOString()}` : d.status;
      ctx.out.line(`${d.id}\t${d.event}\t${d.status}\tattempts ${d.attempts}\tcode ${d.responseCode ?? '-'}\t${d.lastError ?? ''}\t${d.createdAt.toISOString()}\t${when}`);
    }
    return true;
  },
};

const ownerCli: CliCommand = {
  name: 'webhook owner',
  usage: '--token ID --phone PHONE|--none',
  summary: "who is told on Telegram when one of the token's webhooks is disabled (an official or staff member linked with that phone)",
  options: { token: { type: 'string' }, phone: { type: 'string' }, none: { type: 'boolean' } },
  async run(ctx, { values }) {
    const tokenId = idOf(values, 'token');
    let phone: string | null = null;
    if (values.none !== true) {
      const p = normalizePhone(requireOption(values, 'phone'));
      if (!p.ok) throw new CliUsageError('--phone is not a Cambodian phone number');
      phone = p.e164;
    }
    const r = await setTokenOwner(ctx.database.db, tokenId, phone, 'cli');
    if (!r.ok) {
      ctx.out.error(r.reason === 'no-token' ? `no API token ${tokenId}` : 'nobody linked on Telegram has that phone (they link by sharing it with the bot first)');
      return false;
    }
    ctx.out.line(r.telegramUserId === null ? `Token ${tokenId} has no owner now.` : `Token ${tokenId}'s owner is Telegram user ${r.telegramUserId}.`);
    return true;
  },
};

const sealCli: CliCommand = {
  name: 'webhook seal',
  usage: '',
  summary: 'seals every signing secret still stored in plaintext (rows from before sealing; removed webhooks too) and prints how many;\nneeds RECORDS_KEY, or BOT_TOKEN, as the worker has them. The worker also seals one at its first delivery',
  async run(ctx) {
    const sealed = await sealLegacySecrets(ctx.database.db, secretKeyOf(ctx), 'cli');
    ctx.out.line(sealed === 0 ? 'No webhook secret in plaintext: nothing to seal.' : `Sealed ${sealed} webhook secret${sealed === 1 ? '' : 's'}.`);
    return true;
  },
};

export const webhooksCli: readonly CliCommand[] = [addCli, listCli, removeCli, enableCli, deliveriesCli, ownerCli, sealCli];
