-- The term publications whose signers (the class's subject and homeroom teachers) were told that
-- the records wait for their signatures: the records job tells each publication once.
CREATE TABLE "records_publication_notices" (
	"publication_id" integer PRIMARY KEY NOT NULL REFERENCES "score_publications"("id") ON DELETE CASCADE,
	"school_id" integer NOT NULL REFERENCES "schools"("id"),
	"told" integer NOT NULL,
	"noticed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Publications made before this release are not news: their teachers have seen them in /sign.
INSERT INTO "records_publication_notices" ("publication_id", "school_id", "told")
SELECT "id", "school_id", 0 FROM "score_publications" WHERE "period" IN ('t1', 't2', 'y');
