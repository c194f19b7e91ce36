/** Staffing's buttons (`sf`): /staff's workbook and import, and a record's status. */
import { buttonNamespace, id, oneOf } from '../core/buttons.js';

const sf = buttonNamespace('sf');
export const staffHome = sf.button('home');
export const staffWorkbook = sf.button('xls');
export const staffImport = sf.button('imp');
export const staffCancel = sf.button('x');
export const STATUS_WIRE = { active: 'a', 'on-leave': 'l', transferred: 't', retired: 'r' } as const;
export const staffStatus = sf.button('st', { staff: id(), status: oneOf(STATUS_WIRE) });

export const NAMESPACES = [sf.name] as const;
