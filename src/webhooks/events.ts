/**
 * Events for webhooks, written by the capability that makes the change, inside its transaction:
 * one delivery row per active webhook that subscribes to the event and whose token's scope holds
 * the school (one INSERT … SELECT; with no webhook it inserts nothing). The body is fixed here,
 * so every attempt sends the same signed bytes.
 *
 * Payloads are thin on purpose: what happened, where and when, with codes and ids only — no
 * names, no phones, no counts (a count under 5 would need the API's suppression); the receiver
 * reads the figures through /api/v1 with its token, whose scope and level then apply.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../core/db/client.js';

export const WEBHOOK_EVENTS = ['attendance.submitted', 'school.adopted', 'records.signed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface EventInput {
  event: WebhookEvent;
  schoolId: number;
  /** unique per event (with the webhook): a retried transaction writes one delivery */
  key: string;
  data: Record<string, string | number | boolean | null>;
  /** the event happens only when this holds (evaluated in the same statement) */
  onlyIf?: SQL;
}

export async function emitEvent(ex: Executor, e: EventInput): Promise<void> {
  await ex.execute(eventInsert(e));
}

/** The INSERT of this event's deliveries, not run: a part of a larger statement (the attendance submit's). */
export function eventInsert(e: EventInput): SQL {
  return sql`
    insert into webhook_deliveries (webhook_id, event, event_key, body)
    select w.id, ${e.event}, ${e.key},
           jsonb_build_object('id', ${e.key}::text, 'event', ${e.event}::text,
                              'occurredAt', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                              'school', jsonb_build_object('code', s.code, 'province', p.code),
                              'data', ${JSON.stringify(e.data)}::jsonb)::text
      from webhooks w
      join api_tokens t on t.id = w.token_id and t.revoked_at is null
      join schools s on s.id = ${e.schoolId}
      join provinces p on p.id = s.province_id
     where w.active and w.removed_at is null and ${e.event} = any(w.events)
       and (t.scope_kind = 'nation' or (t.scope_kind = 'school' and t.scope_code = s.code) or (t.scope_kind = 'province' and t.scope_code = p.code))
       ${e.onlyIf ? sql`and ${e.onlyIf}` : sql``}
    on conflict (webhook_id, event_key) do nothing`;
}
