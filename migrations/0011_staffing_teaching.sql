CREATE TYPE "public"."leave_reason" AS ENUM('sick', 'personal', 'training', 'maternity');--> statement-breakpoint
CREATE TYPE "public"."leave_status" AS ENUM('pending', 'approved', 'declined', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."lesson_reason" AS ENUM('teacher-absent', 'school-event', 'no-students', 'other');--> statement-breakpoint
CREATE TYPE "public"."lesson_status" AS ENUM('taught', 'not-taught');--> statement-breakpoint
CREATE TABLE "leave_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"staff_id" integer NOT NULL,
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"reason" "leave_reason" NOT NULL,
	"document_file_id" text,
	"status" "leave_status" DEFAULT 'pending' NOT NULL,
	"requested_by" text NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_details" (
	"staff_id" integer PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"position" text DEFAULT 'teacher' NOT NULL,
	"date_of_birth" date,
	"qualification" text,
	"training_level" text,
	"employment" text,
	"start_date" date,
	"status" text DEFAULT 'active' NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hours_reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer,
	"month" text NOT NULL,
	"scope" text NOT NULL,
	"locale" text NOT NULL,
	"summary" text NOT NULL,
	"png" "bytea",
	"xlsx" "bytea" NOT NULL,
	"png_file_id" text,
	"xlsx_file_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lesson_covers" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"leave_id" integer,
	"day" date NOT NULL,
	"class_id" integer NOT NULL,
	"period" smallint NOT NULL,
	"staff_id" integer NOT NULL,
	"assigned_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lessons" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"day" date NOT NULL,
	"shift" "shift" NOT NULL,
	"class_id" integer NOT NULL,
	"period" smallint NOT NULL,
	"starts" text NOT NULL,
	"ends" text NOT NULL,
	"subject" text NOT NULL,
	"planned_staff_id" integer,
	"staff_id" integer,
	"status" "lesson_status" DEFAULT 'taught' NOT NULL,
	"reason" "lesson_reason",
	"topic" text,
	"covered" boolean DEFAULT false NOT NULL,
	"confirm_by" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "teaching_settings" (
	"school_id" integer PRIMARY KEY NOT NULL,
	"weekly_cap" smallint DEFAULT 36 NOT NULL,
	"evening_at" text DEFAULT '19:00' NOT NULL,
	"grace_minutes" smallint DEFAULT 60 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "timetable_lessons" (
	"id" serial PRIMARY KEY NOT NULL,
	"timetable_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"shift" "shift" NOT NULL,
	"weekday" smallint NOT NULL,
	"period" smallint NOT NULL,
	"starts" text NOT NULL,
	"ends" text NOT NULL,
	"subject" text NOT NULL,
	"staff_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "timetable_pictures" (
	"timetable_id" integer NOT NULL,
	"scope" text NOT NULL,
	"locale" text NOT NULL,
	"file_id" text NOT NULL,
	CONSTRAINT "timetable_pictures_timetable_id_scope_locale_pk" PRIMARY KEY("timetable_id","scope","locale")
);
--> statement-breakpoint
CREATE TABLE "timetables" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"file_name" text NOT NULL,
	"imported_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "week_closures" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"week_start" date NOT NULL,
	"class_id" integer,
	"closed_by" text NOT NULL,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "leave_requests" ADD CONSTRAINT "leave_requests_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leave_requests" ADD CONSTRAINT "leave_requests_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_details" ADD CONSTRAINT "staff_details_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_details" ADD CONSTRAINT "staff_details_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hours_reports" ADD CONSTRAINT "hours_reports_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_covers" ADD CONSTRAINT "lesson_covers_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_covers" ADD CONSTRAINT "lesson_covers_leave_id_leave_requests_id_fk" FOREIGN KEY ("leave_id") REFERENCES "public"."leave_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_covers" ADD CONSTRAINT "lesson_covers_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_covers" ADD CONSTRAINT "lesson_covers_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons" ADD CONSTRAINT "lessons_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons" ADD CONSTRAINT "lessons_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons" ADD CONSTRAINT "lessons_planned_staff_id_staff_id_fk" FOREIGN KEY ("planned_staff_id") REFERENCES "public"."staff"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons" ADD CONSTRAINT "lessons_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teaching_settings" ADD CONSTRAINT "teaching_settings_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timetable_lessons" ADD CONSTRAINT "timetable_lessons_timetable_id_timetables_id_fk" FOREIGN KEY ("timetable_id") REFERENCES "public"."timetables"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timetable_lessons" ADD CONSTRAINT "timetable_lessons_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timetable_lessons" ADD CONSTRAINT "timetable_lessons_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timetable_lessons" ADD CONSTRAINT "timetable_lessons_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timetable_pictures" ADD CONSTRAINT "timetable_pictures_timetable_id_timetables_id_fk" FOREIGN KEY ("timetable_id") REFERENCES "public"."timetables"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timetables" ADD CONSTRAINT "timetables_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "week_closures" ADD CONSTRAINT "week_closures_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "week_closures" ADD CONSTRAINT "week_closures_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leave_requests_school_idx" ON "leave_requests" USING btree ("school_id","from_day");--> statement-breakpoint
CREATE INDEX "leave_requests_staff_idx" ON "leave_requests" USING btree ("staff_id","from_day");--> statement-breakpoint
CREATE INDEX "staff_details_school_idx" ON "staff_details" USING btree ("school_id","position");--> statement-breakpoint
CREATE INDEX "hours_reports_school_idx" ON "hours_reports" USING btree ("school_id","month");--> statement-breakpoint
CREATE UNIQUE INDEX "lesson_covers_slot_uq" ON "lesson_covers" USING btree ("class_id","day","period");--> statement-breakpoint
CREATE INDEX "lesson_covers_staff_idx" ON "lesson_covers" USING btree ("staff_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "lessons_slot_uq" ON "lessons" USING btree ("class_id","day","period");--> statement-breakpoint
CREATE INDEX "lessons_school_day_idx" ON "lessons" USING btree ("school_id","day","shift");--> statement-breakpoint
CREATE INDEX "lessons_staff_day_idx" ON "lessons" USING btree ("staff_id","day");--> statement-breakpoint
CREATE INDEX "lessons_planned_day_idx" ON "lessons" USING btree ("planned_staff_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "timetable_lessons_slot_uq" ON "timetable_lessons" USING btree ("timetable_id","class_id","weekday","period");--> statement-breakpoint
CREATE INDEX "timetable_lessons_staff_idx" ON "timetable_lessons" USING btree ("timetable_id","staff_id","weekday");--> statement-breakpoint
CREATE INDEX "timetable_lessons_day_idx" ON "timetable_lessons" USING btree ("timetable_id","weekday","shift");--> statement-breakpoint
CREATE INDEX "timetables_school_idx" ON "timetables" USING btree ("school_id","valid_from");--> statement-breakpoint
CREATE UNIQUE INDEX "week_closures_class_uq" ON "week_closures" USING btree ("class_id","week_start") WHERE "week_closures"."class_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "week_closures_school_uq" ON "week_closures" USING btree ("school_id","week_start") WHERE "week_closures"."class_id" is null;--> statement-breakpoint
CREATE INDEX "week_closures_school_idx" ON "week_closures" USING btree ("school_id","week_start");