CREATE TYPE "public"."attendance_status" AS ENUM('present', 'absent', 'late', 'excused');--> statement-breakpoint
CREATE TYPE "public"."excuse_reason" AS ENUM('sick', 'family', 'other');--> statement-breakpoint
CREATE TABLE "absence_alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"guardian_id" bigint NOT NULL,
	"day" date NOT NULL,
	"shift" "shift" NOT NULL,
	"student_ids" bigint[] NOT NULL,
	"response" text,
	"responded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerted_absences" (
	"guardian_id" bigint NOT NULL,
	"student_id" bigint NOT NULL,
	"day" date NOT NULL,
	"shift" "shift" NOT NULL,
	"alert_id" bigint NOT NULL,
	"corrected_to" text,
	CONSTRAINT "alerted_absences_guardian_id_student_id_day_shift_pk" PRIMARY KEY("guardian_id","student_id","day","shift")
);
--> statement-breakpoint
CREATE TABLE "attendance" (
	"student_id" bigint NOT NULL,
	"day" date NOT NULL,
	"shift" "shift" NOT NULL,
	"school_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"status" "attendance_status" NOT NULL,
	"arrived_at" text,
	"excuse_reason" "excuse_reason",
	"excuse_note" text,
	"source" text NOT NULL,
	"marked_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attendance_student_id_day_shift_pk" PRIMARY KEY("student_id","day","shift")
) PARTITION BY RANGE ("day");
--> statement-breakpoint
-- Hand-written (drizzle-kit does not generate partitioning): monthly partitions of attendance.
-- attendance_partition(d) creates the month holding d; the worker calls it for this month and the
-- next every day; the DEFAULT partition catches any row whose month was not created yet.
CREATE OR REPLACE FUNCTION attendance_partition(d date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  start_day date := date_trunc('month', d)::date;
  name text := format('attendance_%s', to_char(start_day, 'YYYY_MM'));
BEGIN
  IF to_regclass(name) IS NULL THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF attendance FOR VALUES FROM (%L) TO (%L)', name, start_day, (start_day + interval '1 month')::date);
  END IF;
  RETURN name;
END $$;
--> statement-breakpoint
CREATE TABLE "attendance_default" PARTITION OF "attendance" DEFAULT;
--> statement-breakpoint
SELECT attendance_partition(current_date);
--> statement-breakpoint
SELECT attendance_partition((current_date + interval '1 month')::date)
--> statement-breakpoint
CREATE TABLE "attendance_drafts" (
	"class_id" integer NOT NULL,
	"day" date NOT NULL,
	"shift" "shift" NOT NULL,
	"school_id" integer NOT NULL,
	"marks" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attendance_drafts_class_id_day_shift_pk" PRIMARY KEY("class_id","day","shift")
);
--> statement-breakpoint
CREATE TABLE "attendance_settings" (
	"school_id" integer PRIMARY KEY NOT NULL,
	"week_days" smallint[] DEFAULT '{1,2,3,4,5,6}'::smallint[] NOT NULL,
	"remind_at" jsonb DEFAULT '{"morning":"07:30","afternoon":"13:30"}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "class_submissions" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"day" date NOT NULL,
	"shift" "shift" NOT NULL,
	"via" text NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_by_staff_id" integer,
	"first_submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"counts" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "class_substitutes" (
	"class_id" integer NOT NULL,
	"day" date NOT NULL,
	"staff_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"assigned_by" text NOT NULL,
	CONSTRAINT "class_substitutes_class_id_day_staff_id_pk" PRIMARY KEY("class_id","day","staff_id")
);
--> statement-breakpoint
CREATE TABLE "school_calendar" (
	"school_id" integer NOT NULL,
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"note" text,
	CONSTRAINT "school_calendar_school_id_day_pk" PRIMARY KEY("school_id","day")
);
--> statement-breakpoint
ALTER TABLE "absence_alerts" ADD CONSTRAINT "absence_alerts_guardian_id_guardians_id_fk" FOREIGN KEY ("guardian_id") REFERENCES "public"."guardians"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_drafts" ADD CONSTRAINT "attendance_drafts_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_settings" ADD CONSTRAINT "attendance_settings_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_submissions" ADD CONSTRAINT "class_submissions_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_submissions" ADD CONSTRAINT "class_submissions_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_submissions" ADD CONSTRAINT "class_submissions_submitted_by_staff_id_staff_id_fk" FOREIGN KEY ("submitted_by_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_substitutes" ADD CONSTRAINT "class_substitutes_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_substitutes" ADD CONSTRAINT "class_substitutes_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_calendar" ADD CONSTRAINT "school_calendar_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "absence_alerts_school_day_idx" ON "absence_alerts" USING btree ("school_id","day");--> statement-breakpoint
CREATE INDEX "absence_alerts_guardian_idx" ON "absence_alerts" USING btree ("guardian_id","day");--> statement-breakpoint
CREATE INDEX "alerted_absences_student_idx" ON "alerted_absences" USING btree ("student_id","day");--> statement-breakpoint
CREATE INDEX "attendance_school_day_idx" ON "attendance" USING btree ("school_id","day","shift");--> statement-breakpoint
CREATE INDEX "attendance_class_day_idx" ON "attendance" USING btree ("class_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "class_submissions_class_day_uq" ON "class_submissions" USING btree ("class_id","day","shift");--> statement-breakpoint
CREATE INDEX "class_submissions_school_day_idx" ON "class_submissions" USING btree ("school_id","day");--> statement-breakpoint
CREATE INDEX "class_substitutes_staff_idx" ON "class_substitutes" USING btree ("staff_id","day");