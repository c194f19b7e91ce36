ALTER TABLE "outbox" ADD COLUMN "capability" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "entity" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "entity_id" bigint;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "student_id" integer;--> statement-breakpoint
CREATE INDEX "outbox_entity_idx" ON "outbox" USING btree ("entity","entity_id") WHERE "outbox"."entity" is not null;