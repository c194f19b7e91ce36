/**
 * The read API for the ministry's EMIS: /api/v1 on the bot's HTTP server, described by
 * /api/v1/openapi.json; tokens from the CLI (`api-token add|list|revoke`).
 */
import type { Capability } from '../core/capability.js';
import { apiCli } from './cli.js';
import { apiRoute } from './http.js';

export const api: Capability = {
  id: 'api',
  http: ({ deps, config }) => [apiRoute({ database: deps.database, log: deps.log, ratePerMinute: config.API_RATE_PER_MINUTE })],
  cli: apiCli,
};
