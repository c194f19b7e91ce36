/** `api-token add|list|revoke`: the ministry's systems get read tokens from an administrator. */
import { CliUsageError, requireOption, type CliCommand } from '../core/cli.js';
import { issueToken, listTokens, parseScope, revokeToken, scopeText, TokenInputError } from './tokens.js';

const addCli: CliCommand = {
  name: 'api-token add',
  usage: '--scope school:CODE|province:CODE|nation --level aggregate|student [--name NAME]',
  summary: 'a read token for /api/v1 (printed once; only its hash is kept). aggregate: counts, cells under 5 suppressed;\nstudent: per-student attendance events too (personal data: issue only under a data-sharing agreement)',
  options: { scope: { type: 'string' }, level: { type: 'string' }, name: { type: 'string' } },
  async run(ctx, { values }) {
    const level = requireOption(values, 'level');
    if (level !== 'aggregate' && level !== 'student') throw new CliUsageError('--level must be aggregate or student');
    const scope = await parseScope(ctx.database.db, requireOption(values, 'scope')).catch((err) => {
      throw err instanceof TokenInputError ? new CliUsageError(err.message) : err;
    });
    const name = typeof values.name === 'string' && values.name.trim() ? values.name.trim() : scopeText(scope);
    const r = await issueToken(ctx.database.db, { name, scope, level }, 'cli');
    if (level === 'student') {
      ctx.out.error('WARNING: a student-level token reads every attendance mark of every student in its scope (names excepted, codes included).');
      ctx.out.error('Issue it only to a system covered by a data-sharing agreement, and revoke it when that ends.');
    }
    ctx.out.line(`Token ${r.id} (${scopeText(scope)}, ${level}) — shown once, keep it secret:`);
    ctx.out.line(r.token);
    return true;
  },
};

const listCli: CliCommand = {
  name: 'api-token list',
  usage: '',
  summary: 'the API tokens (id, scope, level, issued, revoked); never the tokens themselves',
  async run(ctx) {
    for (const t of await listTokens(ctx.database.db)) {
      ctx.out.line(`${t.id}\t${t.scopeKind === 'nation' ? 'nation' : `${t.scopeKind}:${t.scopeCode}`}\t${t.level}\t${t.name}\tissued ${t.createdAt.toISOString()}${t.revokedAt ? `\trevoked ${t.revokedAt.toISOString()}` : ''}`);
    }
    return true;
  },
};

const revokeCli: CliCommand = {
  name: 'api-token revoke',
  usage: '--id ID',
  summary: 'stops a token at once',
  options: { id: { type: 'string' } },
  async run(ctx, { values }) {
    const id = Number(requireOption(values, 'id'));
    if (!Number.isInteger(id) || id < 1) throw new CliUsageError('--id must be a token id (api-token list)');
    if (!(await revokeToken(ctx.database.db, id, 'cli'))) {
      ctx.out.error(`no active token ${id}`);
      return false;
    }
    ctx.out.line(`Token ${id} revoked.`);
    return true;
  },
};

export const apiCli: readonly CliCommand[] = [addCli, listCli, revokeCli];
