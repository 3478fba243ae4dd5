// Publish keeps the draft's test cases with the version it creates (called inside publish's transaction).
import type { Sql } from "@/lib/db/sql";

/** Inside publish's transaction: the published version keeps the cases the draft had. */
export async function copyCasesToVersion(sql: Sql, flowId: string, version: number) {
  await sql.query(
    `INSERT INTO flow_test_suites (flow_id, version, cases, updated_by)
     SELECT flow_id, $2, cases, updated_by FROM flow_test_suites WHERE flow_id = $1 AND version = 0
     ON CONFLICT (flow_id, version) DO NOTHING`,
    [flowId, version],
  );
}
