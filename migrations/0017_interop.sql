CREATE TABLE "school_registry" (
	"school_id" integer PRIMARY KEY NOT NULL,
	"district" text,
	"commune" text,
	"level" text NOT NULL,
	"latitude" double precision,
	"longitude" double precision,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "school_registry" ADD CONSTRAINT "school_registry_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"hash" text NOT NULL,
	"scope_kind" text NOT NULL,
	"scope_code" text,
	"level" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE INDEX "api_tokens_scope_idx" ON "api_tokens" USING btree ("scope_kind","scope_code");--> statement-breakpoint
-- Cambodia's 25 provinces with the national gazetteer's codes (src/registry/provinces.ts).
INSERT INTO "provinces" ("code", "name_km", "name_en") VALUES
('01', 'បន្ទាយមានជ័យ', 'Banteay Meanchey'),
('02', 'បាត់ដំបង', 'Battambang'),
('03', 'កំពង់ចាម', 'Kampong Cham'),
('04', 'កំពង់ឆ្នាំង', 'Kampong Chhnang'),
('05', 'កំពង់ស្ពឺ', 'Kampong Speu'),
('06', 'កំពង់ធំ', 'Kampong Thom'),
('07', 'កំពត', 'Kampot'),
('08', 'កណ្ដាល', 'Kandal'),
('09', 'កោះកុង', 'Koh Kong'),
('10', 'ក្រចេះ', 'Kratie'),
('11', 'មណ្ឌលគិរី', 'Mondul Kiri'),
('12', 'ភ្នំពេញ', 'Phnom Penh'),
('13', 'ព្រះវិហារ', 'Preah Vihear'),
('14', 'ព្រៃវែង', 'Prey Veng'),
('15', 'ពោធិ៍សាត់', 'Pursat'),
('16', 'រតនគិរី', 'Ratanak Kiri'),
('17', 'សៀមរាប', 'Siem Reap'),
('18', 'ព្រះសីហនុ', 'Preah Sihanouk'),
('19', 'ស្ទឹងត្រែង', 'Stung Treng'),
('20', 'ស្វាយរៀង', 'Svay Rieng'),
('21', 'តាកែវ', 'Takeo'),
('22', 'ឧត្ដរមានជ័យ', 'Oddar Meanchey'),
('23', 'កែប', 'Kep'),
('24', 'ប៉ៃលិន', 'Pailin'),
('25', 'ត្បូងឃ្មុំ', 'Tboung Khmum')
ON CONFLICT ("code") DO UPDATE SET "name_km" = excluded."name_km", "name_en" = excluded."name_en";
