CREATE TABLE "roster_pending_imports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"kind" text NOT NULL,
	"telegram_user_id" bigint NOT NULL,
	"file_name" text NOT NULL,
	"file_bytes" "bytea",
	"fingerprint" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "roster_pending_imports" ADD CONSTRAINT "roster_pending_imports_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "roster_pending_school_idx" ON "roster_pending_imports" USING btree ("school_id","created_at");--> statement-breakpoint
ALTER TABLE "students" ADD COLUMN "transferred_to_school_id" integer;--> statement-breakpoint
ALTER TABLE "students" ADD CONSTRAINT "students_transferred_to_school_id_schools_id_fk" FOREIGN KEY ("transferred_to_school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "students_code_idx" ON "students" USING btree ("student_code") WHERE active;
