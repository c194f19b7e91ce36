CREATE TABLE "card_files" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"kind" text NOT NULL,
	"scope" text NOT NULL,
	"content_key" text NOT NULL,
	"file_name" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"file_id" text,
	"requested_by" text NOT NULL,
	"render_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "card_files" ADD CONSTRAINT "card_files_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "card_files_content_uq" ON "card_files" USING btree ("school_id","content_key");--> statement-breakpoint
CREATE INDEX "card_files_school_scope_idx" ON "card_files" USING btree ("school_id","scope","created_at");