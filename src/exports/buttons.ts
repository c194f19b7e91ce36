/** /export's buttons: which file (the scope is the asker's own, never in the button). */
import { buttonNamespace, oneOf } from '../core/buttons.js';
import { EXPORT_KINDS } from './request.js';

const ex = buttonNamespace('ex');
export const exportKind = ex.button('k', { kind: oneOf({ oneroster: 'o', 'attendance-jsonl': 'j', 'attendance-csv': 'c' } as Record<(typeof EXPORT_KINDS)[number], string>) });
export const NAMESPACES = [ex.name] as const;
