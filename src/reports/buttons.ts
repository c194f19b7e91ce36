/** Reports' buttons: the home menu's entry and the period chooser of /report. */
import { buttonNamespace } from '../core/buttons.js';

const rp = buttonNamespace('rp');
export const reportHome = rp.button('home');
export const PERIOD_WORDS = ['today', 'yesterday', 'week', 'month', 'lastmonth'] as const;
export type PeriodWord = (typeof PERIOD_WORDS)[number];
/** One button per period word (`rp:today`, …). */
export const periodButtons: Readonly<Record<PeriodWord, ReturnType<typeof rp.button>>> = Object.fromEntries(
  PERIOD_WORDS.map((w) => [w, rp.button(w)]),
) as Record<PeriodWord, ReturnType<typeof rp.button>>;

export const NAMESPACES = [rp.name] as const;
