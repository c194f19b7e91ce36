/** Lifecycle's buttons (`lc`): removing a guardian link, then its reason. */
import { bigId, buttonNamespace, oneOf } from '../core/buttons.js';

const lc = buttonNamespace('lc');
export const removeLink = lc.button('rm', { student: bigId(), guardian: bigId() });
export const REASON_WIRE = { 'not-guardian': 'n', 'family-request': 'f', 'court-order': 'c' } as const;
export const removeLinkReason = lc.button('why', { student: bigId(), guardian: bigId(), reason: oneOf(REASON_WIRE) });

export const NAMESPACES = [lc.name] as const;
