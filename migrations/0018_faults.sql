CREATE TABLE "promised_jobs" (
	"job_id" text PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"name" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "update_inbox" (
	"bot_id" bigint NOT NULL,
	"update_id" bigint NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"handled_at" timestamp with time zone,
	CONSTRAINT "update_inbox_bot_id_update_id_pk" PRIMARY KEY("bot_id","update_id")
);
--> statement-breakpoint
CREATE INDEX "promised_jobs_undone_idx" ON "promised_jobs" USING btree ("created_at") WHERE done_at is null;--> statement-breakpoint
CREATE INDEX "update_inbox_unhandled_idx" ON "update_inbox" USING btree ("bot_id","update_id") WHERE handled_at is null;