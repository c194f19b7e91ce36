CREATE TYPE "public"."record_status" AS ENUM('open', 'locked', 'superseded', 'revoked');--> statement-breakpoint
CREATE TYPE "public"."record_signature_role" AS ENUM('teacher', 'homeroom', 'principal', 'institution');--> statement-breakpoint
CREATE TABLE "record_copies" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"version_id" bigint NOT NULL,
	"school_id" integer NOT NULL,
	"issued_by" text NOT NULL,
	"issued_for" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "record_copies_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "record_id_codes" (
	"student_id" bigint PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"id_code" text NOT NULL,
	"set_by" text NOT NULL,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_imports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"student_id" bigint,
	"issuer_school_code" text NOT NULL,
	"canonical" text NOT NULL,
	"hash" text NOT NULL,
	"signatures" jsonb NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_keys" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"staff_id" integer,
	"key_id" text NOT NULL,
	"public_key" text NOT NULL,
	"sealed_private_key" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "record_keys_key_id_unique" UNIQUE("key_id")
);
--> statement-breakpoint
CREATE TABLE "record_signatures" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"version_id" bigint NOT NULL,
	"school_id" integer NOT NULL,
	"role" "record_signature_role" NOT NULL,
	"scope" text NOT NULL,
	"key_id" text NOT NULL,
	"signer_name" text NOT NULL,
	"staff_id" integer,
	"signature" text NOT NULL,
	"signed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_versions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"school_id" integer NOT NULL,
	"student_id" bigint NOT NULL,
	"class_id" integer NOT NULL,
	"year" text NOT NULL,
	"term" text NOT NULL,
	"version" smallint NOT NULL,
	"canonical" text NOT NULL,
	"hash" text NOT NULL,
	"status" "record_status" DEFAULT 'open' NOT NULL,
	"superseded_by" bigint,
	"unlock_reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "record_copies" ADD CONSTRAINT "record_copies_version_id_record_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."record_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_copies" ADD CONSTRAINT "record_copies_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_id_codes" ADD CONSTRAINT "record_id_codes_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_id_codes" ADD CONSTRAINT "record_id_codes_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_imports" ADD CONSTRAINT "record_imports_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_imports" ADD CONSTRAINT "record_imports_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_keys" ADD CONSTRAINT "record_keys_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_keys" ADD CONSTRAINT "record_keys_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_signatures" ADD CONSTRAINT "record_signatures_version_id_record_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."record_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_signatures" ADD CONSTRAINT "record_signatures_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_versions" ADD CONSTRAINT "record_versions_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_versions" ADD CONSTRAINT "record_versions_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "record_copies_version_idx" ON "record_copies" USING btree ("version_id");--> statement-breakpoint
CREATE UNIQUE INDEX "record_imports_uq" ON "record_imports" USING btree ("school_id","hash");--> statement-breakpoint
CREATE UNIQUE INDEX "record_keys_owner_uq" ON "record_keys" USING btree ("school_id",coalesce("staff_id", 0)) WHERE "record_keys"."revoked_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "record_signatures_uq" ON "record_signatures" USING btree ("version_id","role","scope");--> statement-breakpoint
CREATE UNIQUE INDEX "record_versions_uq" ON "record_versions" USING btree ("student_id","year","term","version");--> statement-breakpoint
CREATE INDEX "record_versions_class_idx" ON "record_versions" USING btree ("school_id","class_id","term","status");--> statement-breakpoint
-- Records are kept permanently: versions and signatures are never deleted, and what a version
-- says (its canonical text and hash) never changes; only its status moves on.
CREATE FUNCTION records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'academic records are append-only (% on %)', TG_OP, TG_TABLE_NAME;
  END IF;
  IF TG_TABLE_NAME = 'record_versions' AND (NEW.canonical IS DISTINCT FROM OLD.canonical OR NEW.hash IS DISTINCT FROM OLD.hash OR NEW.student_id IS DISTINCT FROM OLD.student_id OR NEW.school_id IS DISTINCT FROM OLD.school_id) THEN
    RAISE EXCEPTION 'a record version cannot be changed; make a new version';
  END IF;
  IF TG_TABLE_NAME = 'record_signatures' THEN
    RAISE EXCEPTION 'signatures cannot be changed';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER record_versions_append_only BEFORE UPDATE OR DELETE ON "record_versions" FOR EACH ROW EXECUTE FUNCTION records_append_only();--> statement-breakpoint
CREATE TRIGGER record_signatures_append_only BEFORE UPDATE OR DELETE ON "record_signatures" FOR EACH ROW EXECUTE FUNCTION records_append_only();
