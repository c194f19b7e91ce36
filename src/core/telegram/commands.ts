/**
 * The command list each chat sees (setMyCommands with a per-chat scope, in the user's language).
 * Features declare their commands here with the roles that may use them; the list is pushed only
 * when it changes (a hash is kept on the account row).
 */
import { createHash } from 'node:crypto';
import type { BotCommand } from 'grammy/types';
import { rolesOf, type Actor, type AppRole } from '../auth/actor.js';
import { forgetCommandsHash, rememberCommandsHash } from '../../onboarding/service.js';
import type { BaseContext } from './context.js';
import { safeError } from '../logger.js';

export interface CommandSpec {
  command: string;
  /** Fluent key of the one-line description */
  descriptionKey: string;
  /** who sees it; 'everyone' includes people not linked yet */
  roles: AppRole[] | 'everyone';
  /** Fluent key of a paragraph /help shows the same roles (a capability's own help) */
  helpKey?: string;
}

const registry: CommandSpec[] = [];

export function declareCommands(...specs: CommandSpec[]): void {
  for (const s of specs) if (!registry.some((r) => r.command === s.command)) registry.push(s);
}

export function commandsFor(actor: Actor): CommandSpec[] {
  const roles = rolesOf(actor);
  return registry.filter((c) => c.roles === 'everyone' || c.roles.some((r) => roles.includes(r)));
}

export function mayUse(actor: Actor, command: string): boolean {
  return commandsFor(actor).some((c) => c.command === command);
}

/** Pushes this chat's command list if it changed. Failures are logged, never shown. */
export async function syncCommands(ctx: BaseContext): Promise<void> {
  if (ctx.chat?.type !== 'private' || !ctx.from) return;
  const commands: BotCommand[] = commandsFor(ctx.actor).map((c) => ({ command: c.command, description: ctx.t(c.descriptionKey) }));
  const hash = createHash('sha1').update(JSON.stringify(commands)).digest('hex');
  if (ctx.actor.commandsHash === hash) return; // known from the actor: no query at all
  const changed = await rememberCommandsHash(ctx.deps.database.db, ctx.from.id, hash);
  ctx.actor.commandsHash = hash;
  if (!changed) return;
  try {
    await ctx.api.setMyCommands(commands, { scope: { type: 'chat', chat_id: ctx.chat.id } });
  } catch (err) {
    // Forget the hash so the next update tries again.
    await forgetCommandsHash(ctx.deps.database.db, ctx.from.id);
    ctx.actor.commandsHash = null;
    ctx.log.warn({ err: safeError(err) }, 'setMyCommands failed');
  }
}
