/**
 * The checks the capability list must pass before anything starts (and in a test): one owner per
 * callback namespace, command, flow, queue and CLI command; a handler and a payload schema for
 * every queue; km and en texts for every command, home button and help line; only known roles;
 * exactly one fallback.
 */
import { isAppRole, type AppRole } from './auth/roles.js';
import type { Capability } from './capability.js';
import { LOCALES, localeKeys } from './i18n/index.js';

export class CapabilityListError extends Error {
  constructor(readonly problems: string[]) {
    super(`The capability list is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function capabilityProblems(list: readonly Capability[], keys: Record<string, ReadonlySet<string>> = loadKeys()): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  /** `what` may be claimed once across the list */
  const claim = (what: string, by: string) => {
    const owner = owners.get(what);
    if (owner !== undefined) problems.push(`${what} is claimed by both ${owner} and ${by}`);
    else owners.set(what, by);
  };
  const texts = (key: string, where: string) => {
    for (const locale of LOCALES) if (!keys[locale]?.has(key)) problems.push(`${where}: text "${key}" is missing in locales/${locale}.ftl`);
  };
  const roles = (list: readonly AppRole[] | 'everyone', where: string) => {
    if (list === 'everyone') return;
    if (list.length === 0) problems.push(`${where}: no role may use it`);
    for (const r of list) if (!isAppRole(r)) problems.push(`${where}: unknown role "${r}"`);
  };

  let fallbacks = 0;
  for (const c of list) {
    if (!/^[a-z][a-z0-9-]*$/.test(c.id)) problems.push(`capability id "${c.id}" is not lowercase-with-dashes`);
    claim(`capability "${c.id}"`, c.id);
    for (const ns of c.callbackNamespaces ?? []) claim(`callback namespace "${ns}"`, c.id);
    for (const cmd of c.commands ?? []) {
      const where = `${c.id}: /${cmd.command}`;
      if (!/^[a-z0-9_]{1,32}$/.test(cmd.command)) problems.push(`${where}: Telegram commands are 1-32 of a-z 0-9 _`);
      claim(`command /${cmd.command}`, c.id);
      texts(cmd.descriptionKey, where);
      roles(cmd.roles, where);
    }
    for (const b of c.homeButtons ?? []) {
      const where = `${c.id}: home button ${b.id}`;
      claim(`home button "${b.id}"`, c.id);
      texts(b.labelKey, where);
      roles(b.roles, where);
      const ns = b.data.split(/[:/]/)[0]!;
      if (!(c.callbackNamespaces ?? []).includes(ns)) problems.push(`${where}: its data "${b.data}" is not in the capability's callback namespaces`);
    }
    for (const h of c.helpLines ?? []) {
      const where = `${c.id}: help line ${h.key}`;
      texts(h.key, where);
      roles(h.roles, where);
    }
    for (const f of c.flows ?? []) claim(`flow "${f.id}"`, c.id);
    for (const q of c.queues ?? []) {
      const where = `${c.id}: queue ${q.name}`;
      claim(`queue "${q.name}"`, c.id);
      if (typeof q.run !== 'function') problems.push(`${where} has no job handler`);
      if (!q.payload || typeof q.payload.safeParse !== 'function') problems.push(`${where} has no payload schema`);
      if (!(Number.isInteger(q.concurrency) && q.concurrency >= 1)) problems.push(`${where}: concurrency must be a whole number ≥ 1`);
      if (!/^[a-z][a-z0-9-]*$/.test(q.name)) problems.push(`${where}: queue names are lowercase-with-dashes (BullMQ ids may not hold ':')`);
    }
    for (const cmd of c.cli ?? []) claim(`CLI command "${cmd.name}"`, c.id);
    if (c.fallback) fallbacks++;
  }
  if (fallbacks !== 1) problems.push(`exactly one capability must have a fallback (found ${fallbacks})`);
  return problems;
}

/** Throws with every problem when the list is not valid. */
export function checkCapabilities(list: readonly Capability[]): void {
  const problems = capabilityProblems(list);
  if (problems.length > 0) throw new CapabilityListError(problems);
}

function loadKeys(): Record<string, ReadonlySet<string>> {
  return Object.fromEntries(LOCALES.map((l) => [l, localeKeys(l)]));
}
