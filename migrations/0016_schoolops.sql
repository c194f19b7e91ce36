CREATE TYPE "public"."budget_currency" AS ENUM('KHR', 'USD');--> statement-breakpoint
CREATE TYPE "public"."budget_source" AS ENUM('state', 'community', 'partner');--> statement-breakpoint
CREATE TYPE "public"."expense_status" AS ENUM('pending', 'approved', 'declined');--> statement-breakpoint
CREATE TABLE "budget_lines" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL REFERENCES "schools"("id"),
	"code" text NOT NULL,
	"name_km" text NOT NULL,
	"name_en" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"position" integer DEFAULT 0 NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "budget_lines_school_code_uq" ON "budget_lines" USING btree ("school_id","code");--> statement-breakpoint
CREATE TABLE "budget_plans" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL REFERENCES "schools"("id"),
	"fiscal_year" integer NOT NULL,
	"line_id" integer NOT NULL REFERENCES "budget_lines"("id"),
	"source" "budget_source" NOT NULL,
	"amount_riel" bigint NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "budget_plans_uq" ON "budget_plans" USING btree ("school_id","fiscal_year","line_id","source");--> statement-breakpoint
CREATE TABLE "budget_expenses" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL REFERENCES "schools"("id"),
	"fiscal_year" integer NOT NULL,
	"line_id" integer NOT NULL REFERENCES "budget_lines"("id"),
	"source" "budget_source" NOT NULL,
	"currency" "budget_currency" NOT NULL,
	"amount" bigint NOT NULL,
	"rate_riel" integer,
	"amount_riel" bigint NOT NULL,
	"spent_on" date NOT NULL,
	"supplier" text NOT NULL,
	"purpose" text NOT NULL,
	"receipt_file_id" text,
	"status" "expense_status" DEFAULT 'pending' NOT NULL,
	"reverses_id" integer,
	"recorded_by" text NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_expenses_rate_ck" CHECK (("currency" = 'USD') = ("rate_riel" is not null))
);--> statement-breakpoint
CREATE INDEX "budget_expenses_school_idx" ON "budget_expenses" USING btree ("school_id","fiscal_year","status");--> statement-breakpoint
CREATE UNIQUE INDEX "budget_expenses_reverses_uq" ON "budget_expenses" USING btree ("reverses_id") WHERE "budget_expenses"."reverses_id" is not null;--> statement-breakpoint
-- Accounts are kept, not rewritten: an approved or declined expense is never changed or deleted.
CREATE FUNCTION budget_expense_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'pending' THEN
    RAISE EXCEPTION 'budget expense % is %: it is not changed (record a reversing entry)', OLD.id, OLD.status;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER budget_expense_frozen BEFORE UPDATE OR DELETE ON "budget_expenses" FOR EACH ROW EXECUTE FUNCTION budget_expense_frozen();
--> statement-breakpoint
CREATE TABLE "inspection_checklists" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer REFERENCES "schools"("id"),
	"province_id" integer REFERENCES "provinces"("id"),
	"items" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inspection_checklists_scope_ck" CHECK (("school_id" is null) <> ("province_id" is null))
);--> statement-breakpoint
CREATE UNIQUE INDEX "inspection_checklists_school_uq" ON "inspection_checklists" USING btree ("school_id") WHERE "inspection_checklists"."school_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "inspection_checklists_province_uq" ON "inspection_checklists" USING btree ("province_id") WHERE "inspection_checklists"."province_id" is not null;--> statement-breakpoint
CREATE TABLE "inspections" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL REFERENCES "schools"("id"),
	"class_id" integer REFERENCES "classes"("id"),
	"day" date NOT NULL,
	"inspector" text NOT NULL,
	"inspector_kind" text NOT NULL,
	"results" jsonb NOT NULL,
	"score" integer NOT NULL,
	"max_score" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "inspections_school_idx" ON "inspections" USING btree ("school_id","day");--> statement-breakpoint
CREATE TABLE "inspection_tasks" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL REFERENCES "schools"("id"),
	"inspection_id" integer NOT NULL REFERENCES "inspections"("id"),
	"item_code" text NOT NULL,
	"label_km" text NOT NULL,
	"label_en" text NOT NULL,
	"photo_file_id" text NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"closed_photo_file_id" text,
	"closed_by" text,
	"closed_at" timestamp with time zone
);--> statement-breakpoint
CREATE INDEX "inspection_tasks_open_idx" ON "inspection_tasks" USING btree ("school_id","status","due_on");
--> statement-breakpoint
CREATE TYPE "public"."competition_level" AS ENUM('school', 'district', 'province', 'national', 'international');--> statement-breakpoint
CREATE TYPE "public"."competition_medal" AS ENUM('gold', 'silver', 'bronze', 'none');--> statement-breakpoint
CREATE TABLE "competition_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL REFERENCES "schools"("id"),
	"name" text NOT NULL,
	"subject" text NOT NULL,
	"level" "competition_level" NOT NULL,
	"day" date NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "competition_events_school_idx" ON "competition_events" USING btree ("school_id","day");--> statement-breakpoint
CREATE TABLE "competition_results" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" integer NOT NULL REFERENCES "competition_events"("id"),
	"school_id" integer NOT NULL REFERENCES "schools"("id"),
	"student_id" integer NOT NULL REFERENCES "students"("id"),
	"team" text,
	"rank" integer,
	"medal" "competition_medal" DEFAULT 'none' NOT NULL,
	"score" integer,
	"created_by" text NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "competition_results_uq" ON "competition_results" USING btree ("event_id","student_id");--> statement-breakpoint
CREATE INDEX "competition_results_student_idx" ON "competition_results" USING btree ("student_id");
