CREATE TYPE "public"."student_status" AS ENUM('enrolled', 'left', 'transferred');--> statement-breakpoint
ALTER TABLE "students" ADD COLUMN "enrolment_status" "student_status" DEFAULT 'enrolled' NOT NULL;--> statement-breakpoint
ALTER TABLE "students" ADD COLUMN "enrolment_on" date;--> statement-breakpoint
ALTER TABLE "students" ADD COLUMN "enrolment_reason" text;--> statement-breakpoint
UPDATE "students" SET "enrolment_status" = 'left', "enrolment_reason" = 'inactive-before-0012' WHERE NOT "active";--> statement-breakpoint
ALTER TABLE "guardians" ADD COLUMN "unlinked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "unlinked_at" timestamp with time zone;
