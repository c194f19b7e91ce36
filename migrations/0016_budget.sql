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
