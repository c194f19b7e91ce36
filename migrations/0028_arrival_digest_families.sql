-- A family's arrival-digest counter per day and shift: every scan statement that writes a digest
-- for the family bumps it, so one that started before another's commit (and could not see that
-- one's digest) finds out and runs again (src/qr/scan.ts).
CREATE TABLE IF NOT EXISTS "arrival_digest_families" (
	"guardian_tg" bigint NOT NULL,
	"day" date NOT NULL,
	"shift" "shift" NOT NULL,
	"seq" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "arrival_digest_families_pk" PRIMARY KEY("guardian_tg","day","shift")
);
