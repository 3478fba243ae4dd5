-- AlterTable
ALTER TABLE "steps" ADD COLUMN     "entered" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "node_type" TEXT;

-- AlterTable
ALTER TABLE "touchpoints" ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- CreateTable
CREATE TABLE "system_settings" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "system_settings_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "touchpoints_run_id_idx" ON "touchpoints"("run_id");
