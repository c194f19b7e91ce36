/**
 * The capabilities of the app, in start-up order (shutdown runs in reverse). The bot, the worker,
 * the HTTP server and the CLI are built by looping over this list; adding a capability is a folder
 * under src/ with an index.ts and one line here (README: "Adding a capability"). Which capability
 * gets an update does not depend on this order (see core/capability.ts).
 */
import type { Capability } from './core/capability.js';
import { schoolsCapability } from './schools/index.js';
import { roster } from './roster/index.js';
import { onboarding } from './onboarding/index.js';
import { attendance } from './attendance/index.js';
import { reports } from './reports/index.js';
import { qr } from './qr/index.js';
import { questions } from './questions/index.js';
import { announcements } from './announcements/index.js';
import { staffing } from './staffing/index.js';
import { teaching } from './teaching/index.js';
import { scores } from './scores/index.js';
import { records } from './records/index.js';
import { lifecycle } from './lifecycle/index.js';
import { budget } from './budget/index.js';
import { inspections } from './inspections/index.js';
import { competitions } from './competitions/index.js';
import { registry } from './registry/index.js';
import { api } from './api/index.js';
import { exportsCapability } from './exports/index.js';
import { capacity } from './capacity/index.js';
import { webhooksCapability } from './webhooks/index.js';

export const CAPABILITIES: readonly Capability[] = [schoolsCapability, roster, onboarding, attendance, reports, qr, questions, announcements, staffing, teaching, scores, records, lifecycle, budget, inspections, competitions, registry, api, exportsCapability, webhooksCapability, capacity];
