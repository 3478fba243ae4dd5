// Steps are stored through insertSteps() alone: the one statement that inserts them also adds their
// "node" counters to the results rollups (result_counters), which a statement trigger on steps did
// before (migration 20261201060000). A (run, node) counts once, when its first entered step is stored:
// the counting part reads steps as they were before the statement (a data-modifying WITH sees the
// table's snapshot from before it), so only pairs with no entered step stored earlier count, and a
// step whose key exists already (a retried write) is neither stored nor counted.
import type { Sql } from "@/lib/db/sql";

export type StepRow = {
  profile_id: string;
  run_id: string;
  flow_id: string;
  node_id: string;
  key: string;
  result: string;
  /** ISO time; default now(). */
  at?: string;
  reason?: unknown;
  /** false for a node's second step (how a wait was left); default true. */
  entered?: boolean;
  node_type?: string | null;
};

const INSERT_STEPS = `
  WITH x AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(profile_id text, run_id text, flow_id text, node_id text, at timestamptz, result text, reason jsonb, key text, entered boolean, node_type text)
  ), ins AS (
    INSERT INTO steps (profile_id, run_id, flow_id, node_id, at, result, reason, key, entered, node_type)
    SELECT x.profile_id, x.run_id, x.flow_id, x.node_id, COALESCE(x.at, now()), x.result, COALESCE(x.reason, '{}'::jsonb), x.key, COALESCE(x.entered, true), x.node_type FROM x
    ON CONFLICT (profile_id, key) DO NOTHING
    RETURNING profile_id, run_id, node_id, entered
  ), firsts AS (
    SELECT DISTINCT profile_id, run_id, node_id FROM ins WHERE entered
  )
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT r.flow_id, results_day(r.entered_at), results_hour(r.entered_at), 'node', f.node_id, '', results_shard(), count(*)
    FROM firsts f JOIN runs r ON r.profile_id = f.profile_id AND r.id = f.run_id
   WHERE NOT EXISTS (SELECT 1 FROM steps s WHERE s.profile_id = f.profile_id AND s.run_id = f.run_id AND s.node_id = f.node_id AND s.entered)
   GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n`;

/** Stores steps (one jsonb parameter: on PGlite each bound parameter is marshalled apart) and their node counters, in one statement. */
export async function insertSteps(sql: Sql, rows: StepRow[]): Promise<void> {
  if (!rows.length) return;
  await sql.query(INSERT_STEPS, [JSON.stringify(rows)]);
}
