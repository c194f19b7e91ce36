CREATE TYPE "public"."question_author" AS ENUM('parent', 'staff');--> statement-breakpoint
CREATE TYPE "public"."question_kind" AS ENUM('text', 'voice', 'photo');--> statement-breakpoint
CREATE TYPE "public"."question_status" AS ENUM('open', 'answered');--> statement-breakpoint
CREATE TABLE "class_teachers" (
	"class_id" integer NOT NULL,
	"staff_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"added_by" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "class_teachers_class_id_staff_id_pk" PRIMARY KEY("class_id","staff_id")
);
--> statement-breakpoint
CREATE TABLE "question_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"thread_id" bigint NOT NULL,
	"school_id" integer NOT NULL,
	"author" "question_author" NOT NULL,
	"author_user_id" bigint NOT NULL,
	"kind" "question_kind" NOT NULL,
	"body" text,
	"file_id" text,
	"urgent" boolean DEFAULT false NOT NULL,
	"response_seconds" integer,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "question_messages_content_ck" CHECK ("question_messages"."body" is not null or "question_messages"."file_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "question_settings" (
	"school_id" integer PRIMARY KEY NOT NULL,
	"answer_within_hours" smallint DEFAULT 24 NOT NULL,
	"max_per_hour" smallint DEFAULT 5 NOT NULL,
	"max_per_day" smallint DEFAULT 20 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "question_threads" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"student_id" bigint NOT NULL,
	"class_id" integer,
	"guardian_id" bigint NOT NULL,
	"parent_user_id" bigint NOT NULL,
	"staff_id" integer NOT NULL,
	"status" "question_status" DEFAULT 'open' NOT NULL,
	"urgent" boolean DEFAULT false NOT NULL,
	"round" smallint DEFAULT 1 NOT NULL,
	"awaiting_since" timestamp with time zone,
	"due_at" timestamp with time zone,
	"escalated_round" smallint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_message_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_quiet_hours" (
	"staff_id" integer PRIMARY KEY NOT NULL,
	"starts_at" text NOT NULL,
	"ends_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "class_teachers" ADD CONSTRAINT "class_teachers_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_teachers" ADD CONSTRAINT "class_teachers_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_teachers" ADD CONSTRAINT "class_teachers_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_messages" ADD CONSTRAINT "question_messages_thread_id_question_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."question_threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_settings" ADD CONSTRAINT "question_settings_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_threads" ADD CONSTRAINT "question_threads_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_threads" ADD CONSTRAINT "question_threads_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_threads" ADD CONSTRAINT "question_threads_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_threads" ADD CONSTRAINT "question_threads_guardian_id_guardians_id_fk" FOREIGN KEY ("guardian_id") REFERENCES "public"."guardians"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_threads" ADD CONSTRAINT "question_threads_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_quiet_hours" ADD CONSTRAINT "staff_quiet_hours_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "class_teachers_staff_idx" ON "class_teachers" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "question_messages_thread_idx" ON "question_messages" USING btree ("thread_id","id");--> statement-breakpoint
CREATE INDEX "question_messages_author_idx" ON "question_messages" USING btree ("author_user_id","created_at");--> statement-breakpoint
CREATE INDEX "question_threads_staff_idx" ON "question_threads" USING btree ("staff_id","status");--> statement-breakpoint
CREATE INDEX "question_threads_parent_idx" ON "question_threads" USING btree ("parent_user_id","last_message_at");--> statement-breakpoint
CREATE INDEX "question_threads_school_idx" ON "question_threads" USING btree ("school_id","status");--> statement-breakpoint
CREATE INDEX "question_threads_due_idx" ON "question_threads" USING btree ("due_at") WHERE "question_threads"."status" = 'open';