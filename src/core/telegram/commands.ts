/**
 * What the capability list offers each user: the command list their chat sees (setMyCommands with
 * a per-chat scope, in the user's language), the home menu's buttons and the lines of /help, all
 * by role. Built once from the list (see core/capability.ts); the command list is pushed only
 * when it changes (a hash is kept on the account row).
 */
import { createHash } from 'node:crypto';
import type { BotCommand } from 'grammy/types';
import { rolesOf, type Actor } from '../auth/actor.js';
import type { AppRole } from '../auth/roles.js';
import { forgetCommandsHash, rememberCommandsHash } from '../auth/accounts.js';
import type { Capability, CommandSpec, HomeButton } from '../capability.js';
import { safeError } from '../logger.js';
import type { BaseContext } from './context.js';

export interface Catalog {
  commandsFor(actor: Actor): CommandSpec[];
  mayUse(actor: Actor, command: string): boolean;
  homeButtonsFor(actor: Actor | undefined): HomeButton[];
  /** help keys under one role, each shown under the first of its roles the user holds */
  helpLinesFor(role: AppRole): string[];
}

export function buildCatalog(capabilities: readonly Capability[]): Catalog {
  const commands = capabilities.flatMap((c) => c.commands ?? []);
  const buttons = capabilities.flatMap((c) => c.homeButtons ?? []);
  const help = capabilities.flatMap((c) => c.helpLines ?? []);
  const commandsFor = (actor: Actor) => {
    const roles = rolesOf(actor);
    return commands.filter((c) => c.roles === 'everyone' || c.roles.some((r) => roles.includes(r)));
  };
  return {
    commandsFor,
    mayUse: (actor, command) => commandsFor(actor).some((c) => c.command === command),
    homeButtonsFor(actor) {
      if (!actor) return [];
      const roles = rolesOf(actor);
      return buttons.filter((b) => b.roles.some((r) => roles.includes(r)));
    },
    helpLinesFor: (role) => help.filter((h) => h.roles.includes(role)).map((h) => h.key),
  };
}

/** Pushes this chat's command list if it changed. Failures are logged, never shown. */
export async function syncCommands(ctx: BaseContext): Promise<void> {
  if (ctx.chat?.type !== 'private' || !ctx.from) return;
  const commands: BotCommand[] = ctx.catalog.commandsFor(ctx.actor).map((c) => ({ command: c.command, description: ctx.t(c.descriptionKey) }));
  // One hash per account: a fleet bot salts it with its id, so the list another bot set for this
  // person is not taken for its own (the default bot's hash is unchanged).
  const salt = ctx.deps.fleetBotId === undefined ? '' : `bot ${ctx.deps.fleetBotId}\n`;
  const hash = createHash('sha1').update(salt + JSON.stringify(commands)).digest('hex');
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
