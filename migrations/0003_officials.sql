CREATE TABLE "officials" (
	"id" serial PRIMARY KEY NOT NULL,
	"phone" text NOT NULL,
	"name" text NOT NULL,
	"province_id" integer,
	"telegram_user_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "officials_phone_unique" UNIQUE("phone")
);
--> statement-breakpoint
ALTER TABLE "officials" ADD CONSTRAINT "officials_province_id_provinces_id_fk" FOREIGN KEY ("province_id") REFERENCES "public"."provinces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "officials_telegram_idx" ON "officials" USING btree ("telegram_user_id");