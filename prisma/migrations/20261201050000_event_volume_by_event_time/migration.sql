-- Event volume (Home's chart and volume alerts) counts events in the hour they happened, not the hour
-- they were received: a history replayed with past timestamps (an import of old events, the demo)
-- lands on its own days instead of spiking the day it was sent.
CREATE OR REPLACE FUNCTION results_events_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_volume AS ev (hour, shard, n)
  SELECT date_trunc('hour', e."timestamp", 'UTC'), results_shard(), count(*) FROM new_rows e GROUP BY 1 ORDER BY 1
  ON CONFLICT (hour, shard) DO UPDATE SET n = ev.n + EXCLUDED.n;
  RETURN NULL;
END $$;

-- Recount what is stored by event time.
DELETE FROM event_volume;
INSERT INTO event_volume (hour, shard, n) SELECT date_trunc('hour', "timestamp", 'UTC'), 0, count(*) FROM events GROUP BY 1;
