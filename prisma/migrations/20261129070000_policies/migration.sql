-- CreateTable
CREATE TABLE "workspace_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,

    CONSTRAINT "workspace_settings_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "send_counters" (
    "profile_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "send_counters_pkey" PRIMARY KEY ("profile_id","channel","period")
);

-- CreateIndex
CREATE INDEX "send_counters_expires_at_idx" ON "send_counters"("expires_at");

-- AddForeignKey
ALTER TABLE "send_counters" ADD CONSTRAINT "send_counters_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "profiles"("id") ON DELETE CASCADE ON UPDATE CASCADE;
