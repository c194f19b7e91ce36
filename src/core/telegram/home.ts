/**
 * Buttons capabilities add to the home menu (/menu), by role. The onboarding feature renders
 * them; a capability registers its own entry without touching another capability's bot code.
 */
import { rolesOf, type AppRole } from '../auth/actor.js';
import type { BotContext } from './context.js';

export interface HomeButton {
  id: string;
  labelKey: string;
  roles: AppRole[];
  run(ctx: BotContext): Promise<void>;
}

const buttons: HomeButton[] = [];

export function declareHomeButton(button: HomeButton): void {
  if (!buttons.some((b) => b.id === button.id)) buttons.push(button);
}

export function homeButtonsFor(ctx: BotContext): HomeButton[] {
  if (!ctx.actor) return [];
  const roles = rolesOf(ctx.actor);
  return buttons.filter((b) => b.roles.some((r) => roles.includes(r)));
}

/**
 * Lines capabilities add to /help under a role, so a capability documents its own commands
 * without editing another capability's texts.
 */
const helpLines: Array<{ role: AppRole; key: string }> = [];

export function declareHelpLine(role: AppRole, key: string): void {
  if (!helpLines.some((h) => h.role === role && h.key === key)) helpLines.push({ role, key });
}

export function helpLinesFor(role: AppRole): string[] {
  return helpLines.filter((h) => h.role === role).map((h) => h.key);
}
