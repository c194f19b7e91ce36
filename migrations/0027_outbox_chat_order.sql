-- The sender sends a chat's messages in the order they were written: it looks for an earlier
-- pending row of the same chat before each send.
CREATE INDEX IF NOT EXISTS "outbox_chat_pending_idx" ON "outbox" USING btree ("chat_id","id") WHERE "outbox"."status" = 'pending';
