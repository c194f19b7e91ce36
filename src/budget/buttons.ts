/**
 * Budget's buttons (`bg`): /budget's workbook and chart, the expense flow's choices, and the
 * principal's decisions on one expense. Every press is parsed here and checked by the service.
 */
import { buttonNamespace, flag, id, oneOf } from '../core/buttons.js';

const bg = buttonNamespace('bg');
export const budgetHome = bg.button('home');
export const budgetWorkbook = bg.button('xls');
export const budgetProvinceWorkbook = bg.button('pxls');
export const expenseStart = bg.button('new');
export const expenseCancel = bg.button('x');
export const expenseLine = bg.button('l', { line: id() });
export const SOURCE_WIRE = { state: 's', community: 'c', partner: 'p' } as const;
export const expenseSource = bg.button('s', { source: oneOf(SOURCE_WIRE) });
export const expenseToday = bg.button('d0');
export const expenseSave = bg.button('ok');
/** `over`: the second tap, after the warning that the line goes over its plan */
export const expenseApprove = bg.button('a', { expense: id(), over: flag() });
export const expenseDecline = bg.button('n', { expense: id() });
export const expenseReceipt = bg.button('r', { expense: id() });
export const expenseReverse = bg.button('v', { expense: id(), sure: flag() });
/** /budgetlines: save or drop the typed changes to the chart of lines and the plan */
export const chartConfirm = bg.button('cok');
export const chartCancel = bg.button('cx');

export const NAMESPACES = [bg.name] as const;
