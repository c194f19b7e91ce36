/** Inspections' buttons (`in`): the scope, the items (toggled), done, the photo steps, closing a task, confirming a checklist edit. */
import { buttonNamespace, id, int } from '../core/buttons.js';

const ns = buttonNamespace('in');
export const inspectHome = ns.button('home');
export const inspectWhole = ns.button('w');
export const inspectRoom = ns.button('c', { cls: id() });
/** the item at this position of the checklist */
export const inspectItem = ns.button('i', { item: int(0, 99) });
export const inspectDone = ns.button('ok');
export const inspectCancel = ns.button('x');
export const taskClose = ns.button('t', { task: id() });
export const checklistConfirm = ns.button('ck');
export const checklistCancel = ns.button('ckx');

export const NAMESPACES = [ns.name] as const;
