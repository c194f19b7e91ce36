CREATE TABLE "reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"kind" text NOT NULL,
	"period" text NOT NULL,
	"scope" text NOT NULL,
	"locale" text NOT NULL,
	"requested_by" text NOT NULL,
	"summary" text NOT NULL,
	"png" "bytea" NOT NULL,
	"xlsx" "bytea" NOT NULL,
	"png_file_id" text,
	"xlsx_file_id" text,
	"query_ms" integer,
	"render_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reports_period_uq" ON "reports" USING btree ("school_id","kind","period","scope","locale");--> statement-breakpoint
CREATE INDEX "reports_school_created_idx" ON "reports" USING btree ("school_id","created_at");