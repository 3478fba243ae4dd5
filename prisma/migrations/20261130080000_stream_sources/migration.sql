-- Stream sources (RabbitMQ, NATS JetStream) and cohort syncs (Mixpanel, Amplitude) live in the
-- workspace-level "sources" table beside the CRM webhooks: non-secret settings in "config", the
-- connection URL sealed with AES-256-GCM in "credentials", counters of what was consumed and failed.
ALTER TABLE "sources" ADD COLUMN "config" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "sources" ADD COLUMN "credentials" TEXT;
ALTER TABLE "sources" ADD COLUMN "consumed_count" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "sources" ADD COLUMN "failed_count" BIGINT NOT NULL DEFAULT 0;

-- One row per running instance consuming a source: its status, the broker's last error, the lag the
-- broker reports, refreshed by a heartbeat (rows of killed instances go stale and are ignored).
CREATE TABLE "source_consumers" (
    "source_id" TEXT NOT NULL,
    "instance" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "last_error" TEXT,
    "lag" BIGINT,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "source_consumers_pkey" PRIMARY KEY ("source_id", "instance")
);

-- Messages a source could not process (bad JSON, too large, wrong shape, tracking-plan rejection),
-- kept with their reason so that a person can inspect and replay them.
CREATE TABLE "source_dead_letters" (
    "id" BIGSERIAL NOT NULL,
    "source_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '[]',
    "body" TEXT NOT NULL,
    "encoding" TEXT NOT NULL DEFAULT 'utf8',
    "size" INTEGER NOT NULL,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    "broker_id" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "replayed_at" TIMESTAMPTZ(3),

    CONSTRAINT "source_dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "source_dead_letters_source_id_id_idx" ON "source_dead_letters"("source_id", "id");

-- AddForeignKey
ALTER TABLE "source_consumers" ADD CONSTRAINT "source_consumers_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "source_dead_letters" ADD CONSTRAINT "source_dead_letters_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;
