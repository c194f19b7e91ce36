CREATE TYPE "public"."announcement_status" AS ENUM('draft', 'queued', 'done', 'cancelled', 'discarded');--> statement-breakpoint
CREATE TABLE "announcement_deliveries" (
	"announcement_id" bigint NOT NULL,
	"chat_id" bigint NOT NULL,
	"class_id" integer,
	"kind" text NOT NULL,
	CONSTRAINT "announcement_deliveries_announcement_id_chat_id_pk" PRIMARY KEY("announcement_id","chat_id")
);
--> statement-breakpoint
CREATE TABLE "announcements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"author_telegram_id" bigint NOT NULL,
	"author_staff_id" integer,
	"author_role" text NOT NULL,
	"content" jsonb NOT NULL,
	"audience" jsonb NOT NULL,
	"via_groups" boolean DEFAULT true NOT NULL,
	"urgent" boolean DEFAULT false NOT NULL,
	"send_at" timestamp with time zone,
	"status" "announcement_status" DEFAULT 'draft' NOT NULL,
	"preview_count" integer DEFAULT 0 NOT NULL,
	"recipient_count" integer,
	"silent" boolean,
	"confirmed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"reported_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "class_groups" (
	"class_id" integer PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"chat_id" bigint NOT NULL,
	"title" text,
	"linked_by" text NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "announcement_deliveries" ADD CONSTRAINT "announcement_deliveries_announcement_id_announcements_id_fk" FOREIGN KEY ("announcement_id") REFERENCES "public"."announcements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "announcements" ADD CONSTRAINT "announcements_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "announcements" ADD CONSTRAINT "announcements_author_staff_id_staff_id_fk" FOREIGN KEY ("author_staff_id") REFERENCES "public"."staff"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_groups" ADD CONSTRAINT "class_groups_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_groups" ADD CONSTRAINT "class_groups_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "announcements_school_idx" ON "announcements" USING btree ("school_id","created_at");--> statement-breakpoint
CREATE INDEX "announcements_unreported_idx" ON "announcements" USING btree ("id") WHERE "announcements"."reported_at" is null and "announcements"."status" in ('queued', 'cancelled');--> statement-breakpoint
CREATE UNIQUE INDEX "class_groups_chat_uq" ON "class_groups" USING btree ("chat_id");--> statement-breakpoint
CREATE INDEX "class_groups_school_idx" ON "class_groups" USING btree ("school_id");