/**
 * Budget: a school's plan per fiscal year by line and source, expenses recorded by the office
 * with a receipt photo and approved or declined by the principal (corrected by reversing
 * entries, never edited), /budget as text, chart and workbook, a monthly message to the
 * principal, the province's execution rate per school, and /budgetlines to edit the chart of
 * lines and the plan with a preview and Confirm.
 */
import type { Capability } from '../core/capability.js';
import { budgetFeature, CHART_FLOW, chartFlow, EXPENSE_FLOW, expenseFlow } from './bot.js';
import { budgetHome, NAMESPACES } from './buttons.js';
import { budgetCli } from './cli.js';
import { budgetQueue } from './jobs.js';

export const budget: Capability = {
  id: 'budget',
  callbackNamespaces: NAMESPACES,
  commands: [
    { command: 'budget', descriptionKey: 'budget-cmd-budget', roles: ['director', 'principal', 'operator'] },
    { command: 'expense', descriptionKey: 'budget-cmd-expense', roles: ['principal', 'operator'] },
    { command: 'budgetlines', descriptionKey: 'budget-cmd-budgetlines', roles: ['principal', 'operator'] },
  ],
  homeButtons: [{ id: 'budget', labelKey: 'budget-menu-budget', roles: ['principal', 'operator'], data: budgetHome.pack({}) }],
  helpLines: [
    { roles: ['principal'], key: 'budget-help-principal' },
    { roles: ['operator'], key: 'budget-help-operator' },
    { roles: ['director'], key: 'budget-help-director' },
    { roles: ['principal', 'operator'], key: 'budget-help-lines' },
  ],
  flows: [
    { id: EXPENSE_FLOW, run: expenseFlow },
    { id: CHART_FLOW, run: chartFlow },
  ],
  bot: budgetFeature,
  queues: [budgetQueue],
  cli: budgetCli,
};
