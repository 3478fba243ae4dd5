-- Results rollups by the hour: counters gain an `hour` (0-23, UTC) beside their day, so a date range
-- whose ends fall inside a day scans at most the two partial hours at its edges instead of two
-- partial days. Whole days still sum their 24 hours. The trigger functions are redefined to fill
-- the hour and the counters are rebuilt from the raw rows.

-- AlterTable
ALTER TABLE "result_counters" ADD COLUMN "hour" SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE "result_counters" DROP CONSTRAINT "result_counters_pkey";
ALTER TABLE "result_counters" ADD CONSTRAINT "result_counters_pkey" PRIMARY KEY ("flow_id","day","hour","metric","dim1","dim2","shard");

-- CreateIndex: the daily charts read a few metrics over many days without touching the others.
CREATE INDEX "result_counters_flow_id_metric_day_idx" ON "result_counters"("flow_id", "metric", "day");

CREATE FUNCTION results_hour(ts TIMESTAMPTZ) RETURNS SMALLINT LANGUAGE sql IMMUTABLE AS $$
  SELECT extract(hour FROM ts AT TIME ZONE 'UTC')::smallint
$$;

-- Their result columns change, so these two are dropped and created again.
DROP FUNCTION results_run_contrib(TEXT, TIMESTAMPTZ, TEXT, BOOLEAN, TIMESTAMPTZ, JSONB);
DROP FUNCTION results_outcome_rows(TEXT[]);

CREATE OR REPLACE FUNCTION results_run_contrib(p_flow TEXT, p_entered TIMESTAMPTZ, p_status TEXT, p_holdout BOOLEAN, p_converted TIMESTAMPTZ, p_state JSONB)
RETURNS TABLE (r_flow TEXT, r_day DATE, r_hour SMALLINT, r_metric TEXT, r_dim1 TEXT, r_dim2 TEXT) LANGUAGE sql IMMUTABLE AS $$
  SELECT p_flow, results_day(p_entered), results_hour(p_entered), 'entered', '', ''
  UNION ALL SELECT p_flow, results_day(p_entered), results_hour(p_entered), 'status', p_status, ''
  UNION ALL SELECT p_flow, results_day(p_entered), results_hour(p_entered), 'converted', '', '' WHERE p_converted IS NOT NULL
  UNION ALL SELECT p_flow, results_day(p_entered), results_hour(p_entered), 'holdout_entered', '', '' WHERE p_holdout
  UNION ALL SELECT p_flow, results_day(p_entered), results_hour(p_entered), 'holdout_converted', '', '' WHERE p_holdout AND p_converted IS NOT NULL
  UNION ALL SELECT p_flow, results_day(p_entered), results_hour(p_entered), 'ttc', results_ttc_bucket(extract(epoch FROM p_converted - p_entered)), '' WHERE p_converted IS NOT NULL
  UNION ALL SELECT p_flow, results_day(p_converted), results_hour(p_converted), CASE WHEN p_holdout THEN 'converted_on_holdout' ELSE 'converted_on' END, '', '' WHERE p_converted IS NOT NULL
  UNION ALL SELECT p_flow, results_day(p_entered), results_hour(p_entered), 'variant_entered', v.key, v.value
    FROM jsonb_each_text(CASE WHEN jsonb_typeof(p_state -> 'variants') = 'object' THEN p_state -> 'variants' ELSE '{}'::jsonb END) v WHERE NOT p_holdout
  UNION ALL SELECT p_flow, results_day(p_entered), results_hour(p_entered), 'variant_converted', v.key, v.value
    FROM jsonb_each_text(CASE WHEN jsonb_typeof(p_state -> 'variants') = 'object' THEN p_state -> 'variants' ELSE '{}'::jsonb END) v WHERE NOT p_holdout AND p_converted IS NOT NULL
$$;

-- The outcomes of a set of touchpoints, as counter rows: by the run's cohort day, and by the outcome's own day.
CREATE OR REPLACE FUNCTION results_outcome_rows(p_touchpoints TEXT[])
RETURNS TABLE (r_flow TEXT, r_day DATE, r_hour SMALLINT, r_metric TEXT, r_dim1 TEXT, r_dim2 TEXT, r_n BIGINT) LANGUAGE sql STABLE AS $$
  SELECT o.flow_id, COALESCE(results_day(r.entered_at), results_day(o.at)), COALESCE(results_hour(r.entered_at), results_hour(o.at)), 'outcome', o.node_id, o.type, count(*)
    FROM outcomes o JOIN touchpoints t ON t.id = o.touchpoint_id LEFT JOIN runs r ON r.id = t.run_id
    WHERE o.touchpoint_id = ANY(p_touchpoints) GROUP BY 1, 2, 3, 4, 5, 6
  UNION ALL
  SELECT o.flow_id, results_day(o.at), results_hour(o.at), 'outcome_at', o.node_id, o.type, count(*)
    FROM outcomes o WHERE o.touchpoint_id = ANY(p_touchpoints) GROUP BY 1, 2, 3, 4, 5, 6
$$;

CREATE OR REPLACE FUNCTION results_runs_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT c.r_flow, c.r_day, c.r_hour, c.r_metric, c.r_dim1, c.r_dim2, results_shard(), count(*)
    FROM new_rows r, LATERAL results_run_contrib(r.flow_id, r.entered_at, r.status, r.holdout, r.converted_at, r.state) c
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

-- An update retracts the old row's contribution and adds the new one; unchanged counters net to zero
-- and are not touched.
CREATE OR REPLACE FUNCTION results_runs_update() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_hour, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), sum(d.n)
    FROM (
      SELECT c.*, -1 AS n FROM old_rows r, LATERAL results_run_contrib(r.flow_id, r.entered_at, r.status, r.holdout, r.converted_at, r.state) c
      UNION ALL
      SELECT c.*, 1 AS n FROM new_rows r, LATERAL results_run_contrib(r.flow_id, r.entered_at, r.status, r.holdout, r.converted_at, r.state) c
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

-- A deleted run (user erasure) takes its counters, steps and outcomes with it. BEFORE, because the
-- cascade removes its steps and touchpoints right after. A whole flow's deletion skips this: the
-- flow's counters are dropped at once (results_flows_delete).
CREATE OR REPLACE FUNCTION results_runs_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM flows WHERE id = OLD.flow_id) THEN
    RETURN OLD;
  END IF;
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_hour, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), -sum(d.n)
    FROM (
      SELECT c.*, 1::bigint AS n FROM results_run_contrib(OLD.flow_id, OLD.entered_at, OLD.status, OLD.holdout, OLD.converted_at, OLD.state) c
      UNION ALL
      SELECT OLD.flow_id, results_day(OLD.entered_at), results_hour(OLD.entered_at), 'node', s.node_id, '', 1 FROM steps s WHERE s.run_id = OLD.id AND s.entered GROUP BY s.node_id
      UNION ALL
      SELECT * FROM results_outcome_rows(ARRAY(SELECT id FROM touchpoints WHERE run_id = OLD.id))
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN OLD;
END $$;

-- A node counts each run once: only a run's first entered step at a node adds to it (waits that loop
-- back and the step that leaves a wait do not).
CREATE OR REPLACE FUNCTION results_steps_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT r.flow_id, results_day(r.entered_at), results_hour(r.entered_at), 'node', f.node_id, '', results_shard(), count(*)
    FROM (SELECT DISTINCT run_id, node_id FROM new_rows WHERE entered) f
    JOIN runs r ON r.id = f.run_id
    WHERE NOT EXISTS (
      SELECT 1 FROM steps s WHERE s.run_id = f.run_id AND s.node_id = f.node_id AND s.entered
        AND NOT EXISTS (SELECT 1 FROM new_rows x WHERE x.id = s.id))
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

-- Steps deleted on their own (not with their run): a node loses a run when its last entered step there goes.
CREATE OR REPLACE FUNCTION results_steps_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT r.flow_id, results_day(r.entered_at), results_hour(r.entered_at), 'node', f.node_id, '', results_shard(), -count(*)
    FROM (SELECT DISTINCT run_id, node_id FROM old_rows WHERE entered) f
    JOIN runs r ON r.id = f.run_id
    WHERE NOT EXISTS (SELECT 1 FROM steps s WHERE s.run_id = f.run_id AND s.node_id = f.node_id AND s.entered)
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION results_outcomes_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_hour, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), sum(d.n)
    FROM (
      SELECT o.flow_id AS r_flow, COALESCE(results_day(r.entered_at), results_day(o.at)) AS r_day, COALESCE(results_hour(r.entered_at), results_hour(o.at)) AS r_hour, 'outcome' AS r_metric, o.node_id AS r_dim1, o.type AS r_dim2, 1 AS n
        FROM new_rows o LEFT JOIN touchpoints t ON t.id = o.touchpoint_id LEFT JOIN runs r ON r.id = t.run_id
      UNION ALL
      SELECT o.flow_id, results_day(o.at), results_hour(o.at), 'outcome_at', o.node_id, o.type, 1 FROM new_rows o
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

-- Outcomes deleted on their own; those going with their touchpoint or run were subtracted there.
CREATE OR REPLACE FUNCTION results_outcomes_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_hour, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), -sum(d.n)
    FROM (
      SELECT o.flow_id AS r_flow, COALESCE(results_day(r.entered_at), results_day(o.at)) AS r_day, COALESCE(results_hour(r.entered_at), results_hour(o.at)) AS r_hour, 'outcome' AS r_metric, o.node_id AS r_dim1, o.type AS r_dim2, 1 AS n
        FROM old_rows o JOIN touchpoints t ON t.id = o.touchpoint_id LEFT JOIN runs r ON r.id = t.run_id
        WHERE t.run_id IS NULL OR r.id IS NOT NULL
      UNION ALL
      SELECT o.flow_id, results_day(o.at), results_hour(o.at), 'outcome_at', o.node_id, o.type, 1
        FROM old_rows o JOIN touchpoints t ON t.id = o.touchpoint_id LEFT JOIN runs r ON r.id = t.run_id
        WHERE t.run_id IS NULL OR r.id IS NOT NULL
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION results_touchpoints_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM flows WHERE id = OLD.flow_id) THEN
    RETURN OLD;
  END IF;
  IF OLD.run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM runs WHERE id = OLD.run_id) THEN
    RETURN OLD; -- its run's deletion already subtracted these outcomes
  END IF;
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_hour, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), -sum(d.r_n)
    FROM results_outcome_rows(ARRAY[OLD.id]) d
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN OLD;
END $$;

CREATE OR REPLACE FUNCTION results_flows_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM result_counters WHERE flow_id = OLD.id;
  RETURN NULL;
END $$;

-- Recomputes one flow's counters (or every flow's, given NULL) from the raw rows: the backfill of
-- this migration, and a repair tool.
CREATE OR REPLACE FUNCTION results_rebuild(p_flow TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM result_counters WHERE p_flow IS NULL OR flow_id = p_flow;
  INSERT INTO result_counters (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_hour, d.r_metric, d.r_dim1, d.r_dim2, 0, sum(d.n)
    FROM (
      SELECT c.*, 1::bigint AS n FROM runs r, LATERAL results_run_contrib(r.flow_id, r.entered_at, r.status, r.holdout, r.converted_at, r.state) c
        WHERE p_flow IS NULL OR r.flow_id = p_flow
      UNION ALL
      SELECT r.flow_id, results_day(r.entered_at), results_hour(r.entered_at), 'node', s.node_id, '', count(DISTINCT s.run_id)
        FROM steps s JOIN runs r ON r.id = s.run_id WHERE s.entered AND (p_flow IS NULL OR r.flow_id = p_flow)
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
      SELECT o.flow_id, COALESCE(results_day(r.entered_at), results_day(o.at)), COALESCE(results_hour(r.entered_at), results_hour(o.at)), 'outcome', o.node_id, o.type, count(*)
        FROM outcomes o JOIN touchpoints t ON t.id = o.touchpoint_id LEFT JOIN runs r ON r.id = t.run_id
        WHERE p_flow IS NULL OR o.flow_id = p_flow GROUP BY 1, 2, 3, 4, 5, 6
      UNION ALL
      SELECT o.flow_id, results_day(o.at), results_hour(o.at), 'outcome_at', o.node_id, o.type, count(*)
        FROM outcomes o WHERE p_flow IS NULL OR o.flow_id = p_flow GROUP BY 1, 2, 3, 4, 5, 6
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6;
END $$;


SELECT results_rebuild(NULL);
