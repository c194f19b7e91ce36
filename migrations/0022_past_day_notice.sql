ALTER TABLE "attendance_settings" ADD COLUMN "past_day_notice" text DEFAULT 'plain' NOT NULL;--> statement-breakpoint
ALTER TABLE "attendance_settings" ADD CONSTRAINT "attendance_settings_past_day_notice_check" CHECK ("past_day_notice" in ('plain', 'none'));
