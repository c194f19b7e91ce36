CREATE TYPE "public"."assessment_kind" AS ENUM('monthly', 'exam', 'regular', 'midterm', 'final');--> statement-breakpoint
CREATE TABLE "assessment_plans" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"rule_set_id" integer NOT NULL,
	"term2_starts_on" date NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessments" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"term" smallint NOT NULL,
	"kind" "assessment_kind" NOT NULL,
	"month" smallint,
	"code" text NOT NULL,
	"position" smallint NOT NULL,
	"due_on" date,
	CONSTRAINT "assessments_term_ck" CHECK ("assessments"."term" in (1, 2))
);
--> statement-breakpoint
CREATE TABLE "score_card_files" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"publication_id" integer NOT NULL,
	"student_id" bigint,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"file_id" text,
	"render_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "score_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"publication_id" integer,
	"assessment_id" integer NOT NULL,
	"subject_id" integer NOT NULL,
	"student_id" bigint NOT NULL,
	"old_value" numeric(6, 2),
	"old_absent" boolean NOT NULL,
	"new_value" numeric(6, 2),
	"new_absent" boolean NOT NULL,
	"reason" text NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "score_comments" (
	"student_id" bigint NOT NULL,
	"plan_id" integer NOT NULL,
	"period" text NOT NULL,
	"school_id" integer NOT NULL,
	"comment" text NOT NULL,
	"written_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "score_comments_student_id_plan_id_period_pk" PRIMARY KEY("student_id","plan_id","period")
);
--> statement-breakpoint
CREATE TABLE "score_drafts" (
	"staff_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"subject_id" integer NOT NULL,
	"assessment_id" integer NOT NULL,
	"school_id" integer NOT NULL,
	"cells" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "score_drafts_staff_id_class_id_subject_id_assessment_id_pk" PRIMARY KEY("staff_id","class_id","subject_id","assessment_id")
);
--> statement-breakpoint
CREATE TABLE "score_publications" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"plan_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"period" text NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "score_published_results" (
	"publication_id" integer NOT NULL,
	"student_id" bigint NOT NULL,
	"school_id" integer NOT NULL,
	"result" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "score_published_results_publication_id_student_id_pk" PRIMARY KEY("publication_id","student_id")
);
--> statement-breakpoint
CREATE TABLE "score_rule_sets" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer,
	"code" text NOT NULL,
	"name_km" text NOT NULL,
	"name_en" text NOT NULL,
	"rules" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "score_settings" (
	"school_id" integer PRIMARY KEY NOT NULL,
	"remind_days_before" smallint DEFAULT 2 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "score_subjects" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"grade" smallint NOT NULL,
	"code" text NOT NULL,
	"name_km" text NOT NULL,
	"name_en" text NOT NULL,
	"max_score" numeric(6, 2) NOT NULL,
	"position" smallint DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "score_subjects_max_ck" CHECK ("score_subjects"."max_score" > 0)
);
--> statement-breakpoint
CREATE TABLE "scores" (
	"assessment_id" integer NOT NULL,
	"subject_id" integer NOT NULL,
	"student_id" bigint NOT NULL,
	"school_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"value" numeric(6, 2),
	"absent" boolean DEFAULT false NOT NULL,
	"entered_by" text NOT NULL,
	"entered_by_staff_id" integer,
	"via" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scores_assessment_id_subject_id_student_id_pk" PRIMARY KEY("assessment_id","subject_id","student_id"),
	CONSTRAINT "scores_value_ck" CHECK (("scores"."absent" and "scores"."value" is null) or (not "scores"."absent" and "scores"."value" is not null and "scores"."value" >= 0))
);
--> statement-breakpoint
ALTER TABLE "assessment_plans" ADD CONSTRAINT "assessment_plans_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_plans" ADD CONSTRAINT "assessment_plans_academic_year_id_academic_years_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."academic_years"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_plans" ADD CONSTRAINT "assessment_plans_rule_set_id_score_rule_sets_id_fk" FOREIGN KEY ("rule_set_id") REFERENCES "public"."score_rule_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_plan_id_assessment_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."assessment_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_card_files" ADD CONSTRAINT "score_card_files_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_card_files" ADD CONSTRAINT "score_card_files_publication_id_score_publications_id_fk" FOREIGN KEY ("publication_id") REFERENCES "public"."score_publications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_changes" ADD CONSTRAINT "score_changes_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_changes" ADD CONSTRAINT "score_changes_publication_id_score_publications_id_fk" FOREIGN KEY ("publication_id") REFERENCES "public"."score_publications"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_comments" ADD CONSTRAINT "score_comments_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_comments" ADD CONSTRAINT "score_comments_plan_id_assessment_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."assessment_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_comments" ADD CONSTRAINT "score_comments_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_drafts" ADD CONSTRAINT "score_drafts_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_drafts" ADD CONSTRAINT "score_drafts_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_drafts" ADD CONSTRAINT "score_drafts_subject_id_score_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."score_subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_drafts" ADD CONSTRAINT "score_drafts_assessment_id_assessments_id_fk" FOREIGN KEY ("assessment_id") REFERENCES "public"."assessments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_drafts" ADD CONSTRAINT "score_drafts_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_publications" ADD CONSTRAINT "score_publications_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_publications" ADD CONSTRAINT "score_publications_plan_id_assessment_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."assessment_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_publications" ADD CONSTRAINT "score_publications_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_published_results" ADD CONSTRAINT "score_published_results_publication_id_score_publications_id_fk" FOREIGN KEY ("publication_id") REFERENCES "public"."score_publications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_published_results" ADD CONSTRAINT "score_published_results_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_published_results" ADD CONSTRAINT "score_published_results_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_rule_sets" ADD CONSTRAINT "score_rule_sets_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_settings" ADD CONSTRAINT "score_settings_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_subjects" ADD CONSTRAINT "score_subjects_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_assessment_id_assessments_id_fk" FOREIGN KEY ("assessment_id") REFERENCES "public"."assessments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_subject_id_score_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."score_subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_entered_by_staff_id_staff_id_fk" FOREIGN KEY ("entered_by_staff_id") REFERENCES "public"."staff"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assessment_plans_year_uq" ON "assessment_plans" USING btree ("academic_year_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assessments_plan_code_uq" ON "assessments" USING btree ("plan_id","code");--> statement-breakpoint
CREATE INDEX "assessments_plan_idx" ON "assessments" USING btree ("plan_id","term","position");--> statement-breakpoint
CREATE UNIQUE INDEX "score_card_files_uq" ON "score_card_files" USING btree ("publication_id",coalesce("student_id", 0),"version","kind");--> statement-breakpoint
CREATE INDEX "score_changes_student_idx" ON "score_changes" USING btree ("student_id","changed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "score_publications_class_period_uq" ON "score_publications" USING btree ("class_id","period");--> statement-breakpoint
CREATE INDEX "score_publications_school_idx" ON "score_publications" USING btree ("school_id","plan_id");--> statement-breakpoint
CREATE UNIQUE INDEX "score_rule_sets_code_uq" ON "score_rule_sets" USING btree (coalesce("school_id", 0),"code");--> statement-breakpoint
CREATE UNIQUE INDEX "score_subjects_grade_code_uq" ON "score_subjects" USING btree ("school_id","grade","code");--> statement-breakpoint
CREATE INDEX "scores_class_idx" ON "scores" USING btree ("class_id","assessment_id","subject_id");--> statement-breakpoint
CREATE INDEX "scores_student_idx" ON "scores" USING btree ("student_id");--> statement-breakpoint
-- The two shipped rule sets (src/scores/rules.ts: the same values), as data.
INSERT INTO "score_rule_sets" ("school_id", "code", "name_km", "name_en", "rules") VALUES
  (NULL, 'kh-practice', 'ការអនុវត្តនៅកម្ពុជា', 'Cambodian practice', '{"kinds":{"monthly":{"weight":1,"pooled":true},"exam":{"weight":1,"pooled":false}},"termWeights":[1,1],"scales":[{"upTo":6,"scale":10},{"upTo":12,"scale":50}],"passFraction":0.5,"letters":[{"min":0.9,"letter":"A"},{"min":0.8,"letter":"B"},{"min":0.7,"letter":"C"},{"min":0.6,"letter":"D"},{"min":0.5,"letter":"E"}],"failLetter":"F","absentAs":"zero","absenceLimits":{"unreported":20,"reported":60},"planKinds":["monthly","exam"]}'::jsonb),
  (NULL, 'vn-c22', 'សារាចរវៀតណាម ២២', 'Vietnam Circular 22', '{"kinds":{"regular":{"weight":1,"pooled":false},"midterm":{"weight":2,"pooled":false},"final":{"weight":3,"pooled":false}},"termWeights":[1,2],"scales":[{"upTo":12,"scale":10}],"passFraction":0.5,"letters":[{"min":0.8,"letter":"A"},{"min":0.65,"letter":"B"},{"min":0.5,"letter":"C"}],"failLetter":"D","absentAs":"excluded","absenceLimits":{"unreported":45,"reported":45},"planKinds":["regular","midterm","final"]}'::jsonb);
