-- Catalog items and the recommendation state kept incrementally at ingestion (docs/api.md §9).

-- CreateTable
CREATE TABLE "catalog_items" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT,
    "image" TEXT,
    "price" DOUBLE PRECISION,
    "category" TEXT,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_items_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "catalog_items_category_idx" ON "catalog_items"("category");

-- CreateTable: what one person did with each item (views, last view, purchase)
CREATE TABLE "profile_items" (
    "profile_id" TEXT NOT NULL,
    "item_id" TEXT NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,
    "last_viewed_at" TIMESTAMPTZ(3),
    "purchased_at" TIMESTAMPTZ(3),
    "last_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "profile_items_pkey" PRIMARY KEY ("profile_id","item_id")
);

-- CreateIndex
CREATE INDEX "profile_items_profile_id_last_at_idx" ON "profile_items"("profile_id", "last_at" DESC);

-- AddForeignKey
ALTER TABLE "profile_items" ADD CONSTRAINT "profile_items_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "profiles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable: views and purchases per item and day (the popularity window sums these)
CREATE TABLE "item_daily" (
    "item_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,
    "purchases" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "item_daily_pkey" PRIMARY KEY ("item_id","day")
);

-- CreateIndex
CREATE INDEX "item_daily_day_idx" ON "item_daily"("day");

-- CreateTable: item-to-item co-occurrence (viewed by one person within the session window)
CREATE TABLE "item_pairs" (
    "item_id" TEXT NOT NULL,
    "other_id" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "item_pairs_pkey" PRIMARY KEY ("item_id","other_id")
);

-- CreateIndex
CREATE INDEX "item_pairs_item_id_count_idx" ON "item_pairs"("item_id", "count" DESC);

-- AlterTable: an import is of profiles (the default) or of catalog items
ALTER TABLE "imports" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'profiles';

-- A day's counts leave the popularity window once: marked here when subtracted from item_totals.
ALTER TABLE "item_daily" ADD COLUMN "expired" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable: each item's views and purchases over the popularity window (daily rows added at
-- ingestion, subtracted by maintenance when they leave the window): `popular` reads the top by score.
CREATE TABLE "item_totals" (
    "item_id" TEXT NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,
    "purchases" INTEGER NOT NULL DEFAULT 0,
    "score" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "item_totals_pkey" PRIMARY KEY ("item_id")
);

-- CreateIndex
CREATE INDEX "item_totals_score_idx" ON "item_totals"("score" DESC);
