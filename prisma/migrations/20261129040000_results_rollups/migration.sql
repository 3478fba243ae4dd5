-- Results rollups: per flow x UTC day counters kept current by triggers on runs, steps, touchpoints
-- and outcomes, and hourly event volume kept by a trigger on events. Triggers are statement-level
-- with transition tables, so a multi-row insert costs one upsert per counter, and they work the
-- same on PostgreSQL and PGlite without depending on the executor's code.
--
-- Cohort semantics: every counter except `converted_on*` and `outcome_at` is keyed by the UTC day
-- the run ENTERED (the cohort), so a date range selects a cohort of runs and all their numbers.
-- Counters are split over 4 shards chosen per transaction, so concurrent ingestion transactions
-- rarely wait on the same counter row; readers sum the shards.

-- CreateTable
CREATE TABLE "result_counters" (
    "flow_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "metric" TEXT NOT NULL,
    "dim1" TEXT NOT NULL DEFAULT '',
    "dim2" TEXT NOT NULL DEFAULT '',
    "shard" SMALLINT NOT NULL DEFAULT 0,
    "n" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "result_counters_pkey" PRIMARY KEY ("flow_id","day","metric","dim1","dim2","shard")
);

-- CreateTable
CREATE TABLE "event_volume" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "shard" SMALLINT NOT NULL DEFAULT 0,
    "n" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "event_volume_pkey" PRIMARY KEY ("hour","shard")
);

CREATE FUNCTION results_shard() RETURNS SMALLINT LANGUAGE sql VOLATILE AS $$
  SELECT (txid_current() % 4)::smallint
$$;

CREATE FUNCTION results_day(ts TIMESTAMPTZ) RETURNS DATE LANGUAGE sql IMMUTABLE AS $$
  SELECT (ts AT TIME ZONE 'UTC')::date
$$;

-- Time-to-convert buckets: <1m, <10m, <1h, <6h, <1d, <3d, <7d, <14d, <30d, 30d+
CREATE FUNCTION results_ttc_bucket(secs DOUBLE PRECISION) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN secs < 60 THEN '0' WHEN secs < 600 THEN '1' WHEN secs < 3600 THEN '2' WHEN secs < 21600 THEN '3'
    WHEN secs < 86400 THEN '4' WHEN secs < 259200 THEN '5' WHEN secs < 604800 THEN '6' WHEN secs < 1209600 THEN '7'
    WHEN secs < 2592000 THEN '8' ELSE '9' END
$$;

-- What one run row contributes to the counters (its steps and outcomes are counted separately).
CREATE FUNCTION results_run_contrib(p_flow TEXT, p_entered TIMESTAMPTZ, p_status TEXT, p_holdout BOOLEAN, p_converted TIMESTAMPTZ, p_state JSONB)
RETURNS TABLE (r_flow TEXT, r_day DATE, r_metric TEXT, r_dim1 TEXT, r_dim2 TEXT) LANGUAGE sql IMMUTABLE AS $$
  SELECT p_flow, results_day(p_entered), 'entered', '', ''
  UNION ALL SELECT p_flow, results_day(p_entered), 'status', p_status, ''
  UNION ALL SELECT p_flow, results_day(p_entered), 'converted', '', '' WHERE p_converted IS NOT NULL
  UNION ALL SELECT p_flow, results_day(p_entered), 'holdout_entered', '', '' WHERE p_holdout
  UNION ALL SELECT p_flow, results_day(p_entered), 'holdout_converted', '', '' WHERE p_holdout AND p_converted IS NOT NULL
  UNION ALL SELECT p_flow, results_day(p_entered), 'ttc', results_ttc_bucket(extract(epoch FROM p_converted - p_entered)), '' WHERE p_converted IS NOT NULL
  UNION ALL SELECT p_flow, results_day(p_converted), CASE WHEN p_holdout THEN 'converted_on_holdout' ELSE 'converted_on' END, '', '' WHERE p_converted IS NOT NULL
  UNION ALL SELECT p_flow, results_day(p_entered), 'variant_entered', v.key, v.value
    FROM jsonb_each_text(CASE WHEN jsonb_typeof(p_state -> 'variants') = 'object' THEN p_state -> 'variants' ELSE '{}'::jsonb END) v WHERE NOT p_holdout
  UNION ALL SELECT p_flow, results_day(p_entered), 'variant_converted', v.key, v.value
    FROM jsonb_each_text(CASE WHEN jsonb_typeof(p_state -> 'variants') = 'object' THEN p_state -> 'variants' ELSE '{}'::jsonb END) v WHERE NOT p_holdout AND p_converted IS NOT NULL
$$;

-- The outcomes of a set of touchpoints, as counter rows: by the run's cohort day, and by the outcome's own day.
CREATE FUNCTION results_outcome_rows(p_touchpoints TEXT[])
RETURNS TABLE (r_flow TEXT, r_day DATE, r_metric TEXT, r_dim1 TEXT, r_dim2 TEXT, r_n BIGINT) LANGUAGE sql STABLE AS $$
  SELECT o.flow_id, COALESCE(results_day(r.entered_at), results_day(o.at)), 'outcome', o.node_id, o.type, count(*)
    FROM outcomes o JOIN touchpoints t ON t.id = o.touchpoint_id LEFT JOIN runs r ON r.id = t.run_id
    WHERE o.touchpoint_id = ANY(p_touchpoints) GROUP BY 1, 2, 3, 4, 5
  UNION ALL
  SELECT o.flow_id, results_day(o.at), 'outcome_at', o.node_id, o.type, count(*)
    FROM outcomes o WHERE o.touchpoint_id = ANY(p_touchpoints) GROUP BY 1, 2, 3, 4, 5
$$;

CREATE FUNCTION results_runs_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, metric, dim1, dim2, shard, n)
  SELECT c.r_flow, c.r_day, c.r_metric, c.r_dim1, c.r_dim2, results_shard(), count(*)
    FROM new_rows r, LATERAL results_run_contrib(r.flow_id, r.entered_at, r.status, r.holdout, r.converted_at, r.state) c
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (flow_id, day, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

-- An update retracts the old row's contribution and adds the new one; unchanged counters net to zero
-- and are not touched.
CREATE FUNCTION results_runs_update() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), sum(d.n)
    FROM (
      SELECT c.*, -1 AS n FROM old_rows r, LATERAL results_run_contrib(r.flow_id, r.entered_at, r.status, r.holdout, r.converted_at, r.state) c
      UNION ALL
      SELECT c.*, 1 AS n FROM new_rows r, LATERAL results_run_contrib(r.flow_id, r.entered_at, r.status, r.holdout, r.converted_at, r.state) c
    ) d
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.n) <> 0 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (flow_id, day, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

-- A deleted run (user erasure) takes its counters, steps and outcomes with it. BEFORE, because the
-- cascade removes its steps and touchpoints right after. A whole flow's deletion skips this: the
-- flow's counters are dropped at once (results_flows_delete).
CREATE FUNCTION results_runs_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM flows WHERE id = OLD.flow_id) THEN
    RETURN OLD;
  END IF;
  INSERT INTO result_counters AS rc (flow_id, day, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), -sum(d.n)
    FROM (
      SELECT c.*, 1::bigint AS n FROM results_run_contrib(OLD.flow_id, OLD.entered_at, OLD.status, OLD.holdout, OLD.converted_at, OLD.state) c
      UNION ALL
      SELECT OLD.flow_id, results_day(OLD.entered_at), 'node', s.node_id, '', 1 FROM steps s WHERE s.run_id = OLD.id AND s.entered GROUP BY s.node_id
      UNION ALL
      SELECT * FROM results_outcome_rows(ARRAY(SELECT id FROM touchpoints WHERE run_id = OLD.id))
    ) d
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (flow_id, day, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN OLD;
END $$;

-- A node counts each run once: only a run's first entered step at a node adds to it (waits that loop
-- back and the step that leaves a wait do not).
CREATE FUNCTION results_steps_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, metric, dim1, dim2, shard, n)
  SELECT r.flow_id, results_day(r.entered_at), 'node', f.node_id, '', results_shard(), count(*)
    FROM (SELECT DISTINCT run_id, node_id FROM new_rows WHERE entered) f
    JOIN runs r ON r.id = f.run_id
    WHERE NOT EXISTS (
      SELECT 1 FROM steps s WHERE s.run_id = f.run_id AND s.node_id = f.node_id AND s.entered
        AND NOT EXISTS (SELECT 1 FROM new_rows x WHERE x.id = s.id))
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (flow_id, day, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

-- Steps deleted on their own (not with their run): a node loses a run when its last entered step there goes.
CREATE FUNCTION results_steps_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, metric, dim1, dim2, shard, n)
  SELECT r.flow_id, results_day(r.entered_at), 'node', f.node_id, '', results_shard(), -count(*)
    FROM (SELECT DISTINCT run_id, node_id FROM old_rows WHERE entered) f
    JOIN runs r ON r.id = f.run_id
    WHERE NOT EXISTS (SELECT 1 FROM steps s WHERE s.run_id = f.run_id AND s.node_id = f.node_id AND s.entered)
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (flow_id, day, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE FUNCTION results_outcomes_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), sum(d.n)
    FROM (
      SELECT o.flow_id AS r_flow, COALESCE(results_day(r.entered_at), results_day(o.at)) AS r_day, 'outcome' AS r_metric, o.node_id AS r_dim1, o.type AS r_dim2, 1 AS n
        FROM new_rows o LEFT JOIN touchpoints t ON t.id = o.touchpoint_id LEFT JOIN runs r ON r.id = t.run_id
      UNION ALL
      SELECT o.flow_id, results_day(o.at), 'outcome_at', o.node_id, o.type, 1 FROM new_rows o
    ) d
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (flow_id, day, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

-- Outcomes deleted on their own; those going with their touchpoint or run were subtracted there.
CREATE FUNCTION results_outcomes_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), -sum(d.n)
    FROM (
      SELECT o.flow_id AS r_flow, COALESCE(results_day(r.entered_at), results_day(o.at)) AS r_day, 'outcome' AS r_metric, o.node_id AS r_dim1, o.type AS r_dim2, 1 AS n
        FROM old_rows o JOIN touchpoints t ON t.id = o.touchpoint_id LEFT JOIN runs r ON r.id = t.run_id
        WHERE t.run_id IS NULL OR r.id IS NOT NULL
      UNION ALL
      SELECT o.flow_id, results_day(o.at), 'outcome_at', o.node_id, o.type, 1
        FROM old_rows o JOIN touchpoints t ON t.id = o.touchpoint_id LEFT JOIN runs r ON r.id = t.run_id
        WHERE t.run_id IS NULL OR r.id IS NOT NULL
    ) d
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (flow_id, day, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE FUNCTION results_touchpoints_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM flows WHERE id = OLD.flow_id) THEN
    RETURN OLD;
  END IF;
  IF OLD.run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM runs WHERE id = OLD.run_id) THEN
    RETURN OLD; -- its run's deletion already subtracted these outcomes
  END IF;
  INSERT INTO result_counters AS rc (flow_id, day, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), -sum(d.r_n)
    FROM results_outcome_rows(ARRAY[OLD.id]) d
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (flow_id, day, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN OLD;
END $$;

CREATE FUNCTION results_flows_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM result_counters WHERE flow_id = OLD.id;
  RETURN NULL;
END $$;

CREATE FUNCTION results_events_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_volume AS ev (hour, shard, n)
  SELECT date_trunc('hour', e.received_at, 'UTC'), results_shard(), count(*) FROM new_rows e GROUP BY 1 ORDER BY 1
  ON CONFLICT (hour, shard) DO UPDATE SET n = ev.n + EXCLUDED.n;
  RETURN NULL;
END $$;

-- Recomputes one flow's counters (or every flow's, given NULL) from the raw rows: the backfill of
-- this migration, and a repair tool.
CREATE FUNCTION results_rebuild(p_flow TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM result_counters WHERE p_flow IS NULL OR flow_id = p_flow;
  INSERT INTO result_counters (flow_id, day, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_metric, d.r_dim1, d.r_dim2, 0, sum(d.n)
    FROM (
      SELECT c.*, 1::bigint AS n FROM runs r, LATERAL results_run_contrib(r.flow_id, r.entered_at, r.status, r.holdout, r.converted_at, r.state) c
        WHERE p_flow IS NULL OR r.flow_id = p_flow
      UNION ALL
      SELECT r.flow_id, results_day(r.entered_at), 'node', s.node_id, '', count(DISTINCT s.run_id)
        FROM steps s JOIN runs r ON r.id = s.run_id WHERE s.entered AND (p_flow IS NULL OR r.flow_id = p_flow)
        GROUP BY 1, 2, 3, 4
      UNION ALL
      SELECT o.flow_id, COALESCE(results_day(r.entered_at), results_day(o.at)), 'outcome', o.node_id, o.type, count(*)
        FROM outcomes o JOIN touchpoints t ON t.id = o.touchpoint_id LEFT JOIN runs r ON r.id = t.run_id
        WHERE p_flow IS NULL OR o.flow_id = p_flow GROUP BY 1, 2, 3, 4, 5
      UNION ALL
      SELECT o.flow_id, results_day(o.at), 'outcome_at', o.node_id, o.type, count(*)
        FROM outcomes o WHERE p_flow IS NULL OR o.flow_id = p_flow GROUP BY 1, 2, 3, 4, 5
    ) d
    GROUP BY 1, 2, 3, 4, 5;
END $$;

CREATE TRIGGER results_runs_insert AFTER INSERT ON "runs" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION results_runs_insert();
CREATE TRIGGER results_runs_update AFTER UPDATE ON "runs" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION results_runs_update();
CREATE TRIGGER results_runs_delete BEFORE DELETE ON "runs" FOR EACH ROW EXECUTE FUNCTION results_runs_delete();
CREATE TRIGGER results_steps_insert AFTER INSERT ON "steps" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION results_steps_insert();
CREATE TRIGGER results_steps_delete AFTER DELETE ON "steps" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION results_steps_delete();
CREATE TRIGGER results_outcomes_insert AFTER INSERT ON "outcomes" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION results_outcomes_insert();
CREATE TRIGGER results_outcomes_delete AFTER DELETE ON "outcomes" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION results_outcomes_delete();
CREATE TRIGGER results_touchpoints_delete BEFORE DELETE ON "touchpoints" FOR EACH ROW EXECUTE FUNCTION results_touchpoints_delete();
CREATE TRIGGER results_flows_delete AFTER DELETE ON "flows" FOR EACH ROW EXECUTE FUNCTION results_flows_delete();
CREATE TRIGGER results_events_insert AFTER INSERT ON "events" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION results_events_insert();

-- Backfill from whatever the store already holds.
SELECT results_rebuild(NULL);
INSERT INTO event_volume (hour, shard, n) SELECT date_trunc('hour', received_at, 'UTC'), 0, count(*) FROM events GROUP BY 1;
