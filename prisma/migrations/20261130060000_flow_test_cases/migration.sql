-- CreateTable
CREATE TABLE "flow_test_suites" (
    "flow_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "cases" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,

    CONSTRAINT "flow_test_suites_pkey" PRIMARY KEY ("flow_id","version")
);

-- AddForeignKey
ALTER TABLE "flow_test_suites" ADD CONSTRAINT "flow_test_suites_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE;
