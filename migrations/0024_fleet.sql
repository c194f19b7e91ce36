CREATE TABLE "arrival_digest_items" (
	"day" date NOT NULL,
	"shift" "shift" NOT NULL,
	"guardian_tg" bigint NOT NULL,
	"student_id" bigint NOT NULL,
	"digest_key" text NOT NULL,
	"name" text NOT NULL,
	"time" text NOT NULL,
	"late" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "arrival_digest_items_pk" PRIMARY KEY("day","shift","student_id","guardian_tg")
);
--> statement-breakpoint
CREATE INDEX "arrival_digest_items_key_idx" ON "arrival_digest_items" USING btree ("digest_key");--> statement-breakpoint
CREATE INDEX "arrival_digest_items_family_idx" ON "arrival_digest_items" USING btree ("guardian_tg","day","shift");--> statement-breakpoint
CREATE TABLE "bots" (
	"id" bigint PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bots_username_unique" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "schools" ADD COLUMN "bot_id" bigint REFERENCES "bots"("id");--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "bot_id" bigint;--> statement-breakpoint
CREATE TABLE "paid_broadcast_days" (
	"day" date PRIMARY KEY NOT NULL,
	"messages" integer DEFAULT 0 NOT NULL
);
