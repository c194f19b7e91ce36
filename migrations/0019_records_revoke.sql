ALTER TABLE "record_versions" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "record_versions" ADD COLUMN "revoke_reason" text;--> statement-breakpoint
-- What a version says never changes, and its status only moves forward: open → locked, open or
-- locked → superseded or revoked. A locked record cannot be reopened by an UPDATE, even in SQL:
-- an unlock is a new version.
CREATE OR REPLACE FUNCTION records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'academic records are append-only (% on %)', TG_OP, TG_TABLE_NAME;
  END IF;
  IF TG_TABLE_NAME = 'record_versions' AND (NEW.canonical IS DISTINCT FROM OLD.canonical OR NEW.hash IS DISTINCT FROM OLD.hash OR NEW.student_id IS DISTINCT FROM OLD.student_id OR NEW.school_id IS DISTINCT FROM OLD.school_id) THEN
    RAISE EXCEPTION 'a record version cannot be changed; make a new version';
  END IF;
  IF TG_TABLE_NAME = 'record_versions' AND NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'open' AND NEW.status IN ('locked', 'superseded', 'revoked'))
    OR (OLD.status = 'locked' AND NEW.status IN ('superseded', 'revoked'))) THEN
    RAISE EXCEPTION 'a record version cannot go from % to %', OLD.status, NEW.status;
  END IF;
  IF TG_TABLE_NAME = 'record_signatures' THEN
    RAISE EXCEPTION 'signatures cannot be changed';
  END IF;
  RETURN NEW;
END $$;
