/** Roster's buttons (`rs`): confirming or cancelling a roster file checked in the chat. */
import { bigId, buttonNamespace } from '../core/buttons.js';

const rs = buttonNamespace('rs');
export const confirmFile = rs.button('ok', { pending: bigId() });
export const cancelFile = rs.button('no', { pending: bigId() });

export const NAMESPACES = [rs.name] as const;
