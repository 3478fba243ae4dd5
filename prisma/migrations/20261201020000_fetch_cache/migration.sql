-- Answers of fetch nodes kept for the node's cacheFor, shared by every instance: one row per rendered
-- request (method, URL, headers, body), found by a hash of it. A warm row answers without a call;
-- expired rows are overwritten by the next call and purged by the maintenance job.
CREATE TABLE "fetch_cache" (
    "key" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "answer" JSONB NOT NULL,
    "stored_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "fetch_cache_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "fetch_cache_expires_at_idx" ON "fetch_cache"("expires_at");
