/** Questions' buttons (`q`): threads, replies, the compose prompt and the home menu's entries. */
import { buttonNamespace } from '../core/buttons.js';

const q = buttonNamespace('q');
export const askHome = q.button('ask');
export const questionsHome = q.button('list');

export const NAMESPACES = [q.name] as const;
