/** Competitions' buttons (`cp`): the level of a new event, today, cancel. */
import { buttonNamespace, oneOf } from '../core/buttons.js';

const cp = buttonNamespace('cp');
export const LEVEL_WIRE = { school: 's', district: 'd', province: 'p', national: 'n', international: 'i' } as const;
export const eventLevel = cp.button('l', { level: oneOf(LEVEL_WIRE) });
export const eventToday = cp.button('d0');
export const eventCancel = cp.button('x');

export const NAMESPACES = [cp.name] as const;
