-- The data plane's tables laid out for sharding by person (docs/scaling.md), and events partitioned by
-- time. Every table is classified in lib/db/distribution.ts; lib/db/distribution.pg.test.ts reads the
-- migrated catalog and fails when a rule below is broken.
--
-- Per-person tables are keyed by the profile id (`profiles.id`, elsewhere `profile_id`): every primary
-- key, unique index and foreign key among them includes it, so each would live whole on one shard.
-- The identity lookup (which profile does this userId / anonymousId belong to) is the one question
-- asked by another key: it gets its own table keyed by the identity, `identity_directory`.
-- messageId dedupe is per person and scope (docs/api.md §4: the same messageId for another user is
-- another message), in `event_dedupe`, not in a global unique index on events.
-- The event summary moves from one JSON document per profile to one row per profile and event name,
-- so a request rewrites only the names it touched.
-- Existing rows are kept: identities are copied into the directory, events into the partitioned
-- table (and their messageIds into event_dedupe), summaries split by name, keys backfilled.

-- ---- Profiles: a user id is unique through the directory, not through an index on profiles ----
DROP INDEX "profiles_user_id_key";
CREATE INDEX "profiles_user_id_idx" ON "profiles"("user_id");

-- ---- Identity directory (keyed by the identity value) and the person's own identities ----------
CREATE TABLE "identity_directory" (
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "profile_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "identity_directory_pkey" PRIMARY KEY ("kind","value")
);
INSERT INTO "identity_directory" ("kind", "value", "profile_id", "created_at")
SELECT "kind", "value", "profile_id", "created_at" FROM "identities";

DROP INDEX "identities_kind_value_key";
DROP INDEX "identities_profile_id_idx";
ALTER TABLE "identities" DROP CONSTRAINT "identities_pkey";
ALTER TABLE "identities" ADD CONSTRAINT "identities_pkey" PRIMARY KEY ("profile_id","id");
CREATE UNIQUE INDEX "identities_profile_id_kind_value_key" ON "identities"("profile_id", "kind", "value");

-- ---- Per-profile event summary, one row per event name -----------------------------------------
CREATE TABLE "event_summaries" (
    "profile_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "stats" JSONB NOT NULL,

    CONSTRAINT "event_summaries_pkey" PRIMARY KEY ("profile_id","name")
);
INSERT INTO "event_summaries" ("profile_id", "name", "stats")
SELECT p."id", e.key, e.value
  FROM "profiles" p,
       LATERAL jsonb_each(CASE WHEN jsonb_typeof(p."summary" -> 'events') = 'object' THEN p."summary" -> 'events' ELSE '{}'::jsonb END) e
 WHERE p."summary" ->> 'v' = '1' AND jsonb_typeof(e.value) = 'object';
ALTER TABLE "profiles" DROP COLUMN "summary";
ALTER TABLE "event_summaries" ADD CONSTRAINT "event_summaries_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "profiles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---- messageId dedupe, per person and scope ('user:<userId>' or 'anonymous:<anonymousId>') -----
CREATE TABLE "event_dedupe" (
    "profile_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_dedupe_pkey" PRIMARY KEY ("profile_id","scope","message_id")
);
CREATE INDEX "event_dedupe_received_at_idx" ON "event_dedupe"("received_at");
-- Stored messageIds stay known for every identity of their person, so a retry of an old message is
-- still answered as a duplicate whichever of the person's ids it names.
INSERT INTO "event_dedupe" ("profile_id", "scope", "message_id", "received_at")
SELECT e."profile_id", i."kind" || ':' || i."value", e."message_id", e."received_at"
  FROM "events" e JOIN "identities" i ON i."profile_id" = e."profile_id"
 WHERE e."message_id" IS NOT NULL
ON CONFLICT DO NOTHING;
ALTER TABLE "event_dedupe" ADD CONSTRAINT "event_dedupe_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "profiles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---- Events: partitioned by month of "timestamp" -----------------------------------------------
DROP TRIGGER "results_events_insert" ON "events";
ALTER TABLE "events" DROP CONSTRAINT "events_profile_id_fkey";
DROP INDEX "events_message_id_key";
DROP INDEX "events_profile_id_timestamp_idx";
DROP INDEX "events_name_timestamp_idx";
ALTER TABLE "events" DROP CONSTRAINT "events_pkey";
ALTER TABLE "events" RENAME TO "events_unpartitioned";

CREATE TABLE "events" (
    "id" BIGINT NOT NULL DEFAULT nextval('events_id_seq'),
    "profile_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "context" JSONB NOT NULL DEFAULT '{}',
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "message_id" TEXT,
    "violations" JSONB,

    CONSTRAINT "events_pkey" PRIMARY KEY ("profile_id","timestamp","id")
) PARTITION BY RANGE ("timestamp");
ALTER SEQUENCE "events_id_seq" OWNED BY "events"."id";
-- Events outside every monthly partition (a far past or far future timestamp) land here; creating
-- that month's partition later moves them.
CREATE TABLE "events_default" PARTITION OF "events" DEFAULT;
-- A profile's events by name and window, answered from the index alone (counts, existence).
CREATE INDEX "events_profile_id_name_timestamp_idx" ON "events"("profile_id", "name", "timestamp");
CREATE INDEX "events_name_timestamp_idx" ON "events"("name", "timestamp");
ALTER TABLE "events" ADD CONSTRAINT "events_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "profiles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The monthly partition that holds `ts`, named events_pYYYY_MM; bounds are UTC month starts.
CREATE FUNCTION events_partition_name(ts TIMESTAMPTZ) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT 'events_p' || to_char(ts AT TIME ZONE 'UTC', 'YYYY_MM')
$$;

-- Creates the monthly partitions covering [p_from, p_to] that do not exist yet; rows the default
-- partition took for such a month move into it. Returns how many partitions were created.
CREATE FUNCTION events_ensure_partitions(p_from TIMESTAMPTZ, p_to TIMESTAMPTZ) RETURNS INT LANGUAGE plpgsql AS $$
DECLARE
  m TIMESTAMP := date_trunc('month', p_from AT TIME ZONE 'UTC');
  lo TIMESTAMPTZ;
  hi TIMESTAMPTZ;
  part TEXT;
  made INT := 0;
BEGIN
  WHILE (m AT TIME ZONE 'UTC') <= p_to LOOP
    lo := m AT TIME ZONE 'UTC';
    hi := (m + interval '1 month') AT TIME ZONE 'UTC';
    part := events_partition_name(lo);
    IF to_regclass(part) IS NULL THEN
      IF EXISTS (SELECT 1 FROM events_default WHERE "timestamp" >= lo AND "timestamp" < hi) THEN
        EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS)', part);
        EXECUTE format('WITH moved AS (DELETE FROM events_default WHERE "timestamp" >= %L AND "timestamp" < %L RETURNING *) INSERT INTO %I SELECT * FROM moved', lo, hi, part);
        EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
      ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
      END IF;
      made := made + 1;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN made;
END $$;

-- Retention: drops every monthly partition that ends at or before p_cutoff and deletes older rows of
-- the default partition. Returns how many partitions were dropped.
CREATE FUNCTION events_drop_partitions_before(p_cutoff TIMESTAMPTZ) RETURNS INT LANGUAGE plpgsql AS $$
DECLARE
  r RECORD;
  dropped INT := 0;
BEGIN
  FOR r IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_p[0-9]{4}_[0-9]{2}$'
  LOOP
    IF ((to_timestamp(substr(r.relname, 9), 'YYYY_MM')::timestamp + interval '1 month') AT TIME ZONE 'UTC') <= p_cutoff THEN
      EXECUTE format('DROP TABLE %I', r.relname);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  DELETE FROM events_default WHERE "timestamp" < p_cutoff;
  RETURN dropped;
END $$;

-- Partitions for every month the stored events span, and for the months around now.
SELECT events_ensure_partitions(
  LEAST(COALESCE((SELECT min("timestamp") FROM "events_unpartitioned"), now()), now() - interval '1 month'),
  GREATEST(COALESCE((SELECT max("timestamp") FROM "events_unpartitioned"), now()), now() + interval '3 months'));
INSERT INTO "events" ("id", "profile_id", "type", "name", "properties", "context", "timestamp", "received_at", "message_id", "violations")
SELECT "id", "profile_id", "type", "name", "properties", "context", "timestamp", "received_at", "message_id", "violations" FROM "events_unpartitioned";
DROP TABLE "events_unpartitioned";
CREATE TRIGGER results_events_insert AFTER INSERT ON "events" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION results_events_insert();

-- ---- Runs, steps, touchpoints, outcomes: keys and references carry the profile id ---------------
ALTER TABLE "steps" DROP CONSTRAINT "steps_run_id_fkey";
ALTER TABLE "touchpoints" DROP CONSTRAINT "touchpoints_run_id_fkey";
ALTER TABLE "outcomes" DROP CONSTRAINT "outcomes_touchpoint_id_fkey";

ALTER TABLE "runs" DROP CONSTRAINT "runs_pkey";
ALTER TABLE "runs" ADD CONSTRAINT "runs_pkey" PRIMARY KEY ("profile_id","id");
-- Lookups by a run id alone (the console, rollup triggers) stay indexed; not unique.
CREATE INDEX "runs_id_idx" ON "runs"("id");

ALTER TABLE "steps" ADD COLUMN "profile_id" TEXT;
UPDATE "steps" s SET "profile_id" = r."profile_id" FROM "runs" r WHERE r."id" = s."run_id";
DELETE FROM "steps" WHERE "profile_id" IS NULL;
ALTER TABLE "steps" ALTER COLUMN "profile_id" SET NOT NULL;
ALTER TABLE "steps" DROP CONSTRAINT "steps_pkey";
ALTER TABLE "steps" ADD CONSTRAINT "steps_pkey" PRIMARY KEY ("profile_id","id");
DROP INDEX "steps_key_key";
CREATE UNIQUE INDEX "steps_profile_id_key_key" ON "steps"("profile_id", "key");
ALTER TABLE "steps" ADD CONSTRAINT "steps_profile_id_run_id_fkey" FOREIGN KEY ("profile_id", "run_id") REFERENCES "runs"("profile_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "touchpoints" DROP CONSTRAINT "touchpoints_pkey";
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_pkey" PRIMARY KEY ("profile_id","id");
CREATE INDEX "touchpoints_id_idx" ON "touchpoints"("id");
DROP INDEX "touchpoints_key_key";
CREATE UNIQUE INDEX "touchpoints_profile_id_key_key" ON "touchpoints"("profile_id", "key");
-- Deliveries queued before this migration name a touchpoint by its key alone.
CREATE INDEX "touchpoints_key_idx" ON "touchpoints"("key");
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_profile_id_run_id_fkey" FOREIGN KEY ("profile_id", "run_id") REFERENCES "runs"("profile_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "outcomes" ADD COLUMN "profile_id" TEXT;
UPDATE "outcomes" o SET "profile_id" = t."profile_id" FROM "touchpoints" t WHERE t."id" = o."touchpoint_id";
DELETE FROM "outcomes" WHERE "profile_id" IS NULL;
ALTER TABLE "outcomes" ALTER COLUMN "profile_id" SET NOT NULL;
ALTER TABLE "outcomes" DROP CONSTRAINT "outcomes_pkey";
ALTER TABLE "outcomes" ADD CONSTRAINT "outcomes_pkey" PRIMARY KEY ("profile_id","id");
ALTER TABLE "outcomes" ADD CONSTRAINT "outcomes_profile_id_touchpoint_id_fkey" FOREIGN KEY ("profile_id", "touchpoint_id") REFERENCES "touchpoints"("profile_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---- Jobs: a person's timers, inactivity checks and deliveries carry the profile id; workspace
-- jobs (imports, maintenance) use '' ----------------------------------------------------------------
ALTER TABLE "jobs" ADD COLUMN "profile_id" TEXT NOT NULL DEFAULT '';
UPDATE "jobs" j SET "profile_id" = r."profile_id" FROM "runs" r WHERE j."queue" = 'timer' AND r."id" = j."payload" ->> 'runId';
UPDATE "jobs" j SET "profile_id" = t."profile_id" FROM "touchpoints" t WHERE j."queue" = 'deliver' AND t."key" = j."payload" ->> 'key';
UPDATE "jobs" SET "profile_id" = "payload" ->> 'profileId' WHERE "queue" = 'inactivity' AND "payload" ->> 'profileId' IS NOT NULL;
ALTER TABLE "jobs" DROP CONSTRAINT "jobs_pkey";
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_pkey" PRIMARY KEY ("profile_id","id");
CREATE INDEX "jobs_id_idx" ON "jobs"("id");
DROP INDEX "jobs_key_key";
CREATE UNIQUE INDEX "jobs_profile_id_key_key" ON "jobs"("profile_id", "key");
CREATE INDEX "jobs_key_idx" ON "jobs"("key");

-- ---- Rollup triggers join a person's rows on the profile id as well -----------------------------
-- Steps and outcomes now carry the profile id, so the triggers that look up a step's run or an
-- outcome's touchpoint stay inside that person's rows (one shard on a sharded store) instead of
-- probing every run or touchpoint with that id. The lookups are per changed row (LATERAL and scalar
-- subqueries), so a plan never scans a whole table to join it with the transition table.
DROP FUNCTION results_outcome_rows(TEXT[]);
CREATE FUNCTION results_outcome_rows(p_profile TEXT, p_touchpoints TEXT[])
RETURNS TABLE (r_flow TEXT, r_day DATE, r_hour SMALLINT, r_metric TEXT, r_dim1 TEXT, r_dim2 TEXT, r_n BIGINT) LANGUAGE sql STABLE AS $$
  SELECT o.flow_id, COALESCE(results_day(r.entered_at), results_day(o.at)), COALESCE(results_hour(r.entered_at), results_hour(o.at)), 'outcome', o.node_id, o.type, count(*)
    FROM outcomes o JOIN touchpoints t ON t.profile_id = o.profile_id AND t.id = o.touchpoint_id LEFT JOIN runs r ON r.profile_id = t.profile_id AND r.id = t.run_id
    WHERE o.profile_id = p_profile AND o.touchpoint_id = ANY(p_touchpoints) GROUP BY 1, 2, 3, 4, 5, 6
  UNION ALL
  SELECT o.flow_id, results_day(o.at), results_hour(o.at), 'outcome_at', o.node_id, o.type, count(*)
    FROM outcomes o WHERE o.profile_id = p_profile AND o.touchpoint_id = ANY(p_touchpoints) GROUP BY 1, 2, 3, 4, 5, 6
$$;

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
      SELECT OLD.flow_id, results_day(OLD.entered_at), results_hour(OLD.entered_at), 'node', s.node_id, '', 1 FROM steps s WHERE s.profile_id = OLD.profile_id AND s.run_id = OLD.id AND s.entered GROUP BY s.node_id
      UNION ALL
      SELECT * FROM results_outcome_rows(OLD.profile_id, ARRAY(SELECT id FROM touchpoints WHERE profile_id = OLD.profile_id AND run_id = OLD.id))
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN OLD;
END $$;

CREATE OR REPLACE FUNCTION results_steps_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT r.flow_id, results_day(r.entered_at), results_hour(r.entered_at), 'node', f.node_id, '', results_shard(), count(*)
    FROM (SELECT DISTINCT profile_id, run_id, node_id FROM new_rows WHERE entered) f
    JOIN LATERAL (SELECT * FROM runs WHERE profile_id = f.profile_id AND id = f.run_id) r ON true
    WHERE (SELECT count(*) FROM steps s WHERE s.profile_id = f.profile_id AND s.run_id = f.run_id AND s.node_id = f.node_id AND s.entered
             AND NOT EXISTS (SELECT 1 FROM new_rows x WHERE x.profile_id = s.profile_id AND x.id = s.id)) = 0
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION results_steps_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT r.flow_id, results_day(r.entered_at), results_hour(r.entered_at), 'node', f.node_id, '', results_shard(), -count(*)
    FROM (SELECT DISTINCT profile_id, run_id, node_id FROM old_rows WHERE entered) f
    JOIN LATERAL (SELECT * FROM runs WHERE profile_id = f.profile_id AND id = f.run_id) r ON true
    WHERE (SELECT count(*) FROM steps s WHERE s.profile_id = f.profile_id AND s.run_id = f.run_id AND s.node_id = f.node_id AND s.entered) = 0
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
        FROM new_rows o
          LEFT JOIN LATERAL (SELECT * FROM touchpoints WHERE profile_id = o.profile_id AND id = o.touchpoint_id) t ON true
          LEFT JOIN LATERAL (SELECT * FROM runs WHERE profile_id = t.profile_id AND id = t.run_id) r ON true
      UNION ALL
      SELECT o.flow_id, results_day(o.at), results_hour(o.at), 'outcome_at', o.node_id, o.type, 1 FROM new_rows o
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION results_outcomes_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_hour, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), -sum(d.n)
    FROM (
      SELECT o.flow_id AS r_flow, COALESCE(results_day(r.entered_at), results_day(o.at)) AS r_day, COALESCE(results_hour(r.entered_at), results_hour(o.at)) AS r_hour, 'outcome' AS r_metric, o.node_id AS r_dim1, o.type AS r_dim2, 1 AS n
        FROM old_rows o
          JOIN LATERAL (SELECT * FROM touchpoints WHERE profile_id = o.profile_id AND id = o.touchpoint_id) t ON true
          LEFT JOIN LATERAL (SELECT * FROM runs WHERE profile_id = t.profile_id AND id = t.run_id) r ON true
        WHERE t.run_id IS NULL OR r.id IS NOT NULL
      UNION ALL
      SELECT o.flow_id, results_day(o.at), results_hour(o.at), 'outcome_at', o.node_id, o.type, 1
        FROM old_rows o
          JOIN LATERAL (SELECT * FROM touchpoints WHERE profile_id = o.profile_id AND id = o.touchpoint_id) t ON true
          LEFT JOIN LATERAL (SELECT * FROM runs WHERE profile_id = t.profile_id AND id = t.run_id) r ON true
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
  IF OLD.run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM runs WHERE profile_id = OLD.profile_id AND id = OLD.run_id) THEN
    RETURN OLD; -- its run's deletion already subtracted these outcomes
  END IF;
  INSERT INTO result_counters AS rc (flow_id, day, hour, metric, dim1, dim2, shard, n)
  SELECT d.r_flow, d.r_day, d.r_hour, d.r_metric, d.r_dim1, d.r_dim2, results_shard(), -sum(d.r_n)
    FROM results_outcome_rows(OLD.profile_id, ARRAY[OLD.id]) d
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (flow_id, day, hour, metric, dim1, dim2, shard) DO UPDATE SET n = rc.n + EXCLUDED.n;
  RETURN OLD;
END $$;
