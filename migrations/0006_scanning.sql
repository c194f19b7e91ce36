ALTER TYPE "public"."invite_kind" ADD VALUE 'gatekeeper' BEFORE 'parent';--> statement-breakpoint
ALTER TYPE "public"."staff_role" ADD VALUE 'gatekeeper';--> statement-breakpoint
CREATE TABLE "checkins" (
	"student_id" bigint NOT NULL,
	"day" date NOT NULL,
	"shift" "shift" NOT NULL,
	"school_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"arrived_at" timestamp with time zone NOT NULL,
	"arrived_time" text NOT NULL,
	"late" boolean NOT NULL,
	"arrived_by" integer NOT NULL,
	"arrived_via" text NOT NULL,
	"departed_at" timestamp with time zone,
	"departed_by" integer,
	"last_scan_at" timestamp with time zone NOT NULL,
	CONSTRAINT "checkins_student_id_day_shift_pk" PRIMARY KEY("student_id","day","shift")
) PARTITION BY RANGE ("day");
--> statement-breakpoint
-- Hand-written (drizzle-kit does not generate partitioning): monthly partitions of checkins, as
-- for attendance. checkins_partition(d) creates the month holding d; the worker calls it for
-- this month and the next every night; the DEFAULT partition catches anything else.
CREATE OR REPLACE FUNCTION checkins_partition(d date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  start_day date := date_trunc('month', d)::date;
  name text := 'checkins_' || to_char(start_day, 'YYYY_MM');
BEGIN
  IF to_regclass(name) IS NULL THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF checkins FOR VALUES FROM (%L) TO (%L)', name, start_day, (start_day + interval '1 month')::date);
  END IF;
  RETURN name;
END $$;
--> statement-breakpoint
CREATE TABLE "checkins_default" PARTITION OF "checkins" DEFAULT;
--> statement-breakpoint
SELECT checkins_partition(current_date);
--> statement-breakpoint
SELECT checkins_partition((current_date + interval '1 month')::date);
--> statement-breakpoint
CREATE TABLE "cutoff_runs" (
	"class_id" integer NOT NULL,
	"day" date NOT NULL,
	"shift" "shift" NOT NULL,
	"school_id" integer NOT NULL,
	"proposed" bigint[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cutoff_runs_class_id_day_shift_pk" PRIMARY KEY("class_id","day","shift")
);
--> statement-breakpoint
CREATE TABLE "scan_settings" (
	"school_id" integer PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"late_after" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cutoff_at" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"alert_mode" text DEFAULT 'confirm' NOT NULL,
	"cooldown_seconds" integer DEFAULT 300 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "telegram_accounts" ADD COLUMN "arrival_notices" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "cutoff_runs" ADD CONSTRAINT "cutoff_runs_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_settings" ADD CONSTRAINT "scan_settings_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "checkins_class_day_idx" ON "checkins" USING btree ("class_id","day","shift");--> statement-breakpoint
CREATE INDEX "cutoff_runs_school_day_idx" ON "cutoff_runs" USING btree ("school_id","day");