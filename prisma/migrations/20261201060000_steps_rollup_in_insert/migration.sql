-- Steps' "node" rollup (result_counters, metric 'node') is added by the statement that inserts the
-- steps (lib/results/steps.ts, insertSteps: one INSERT ... RETURNING feeding one upsert of the
-- counters), no longer by a statement trigger: the trigger materialised every inserted step in a
-- transition table and ran a plpgsql function per statement. The counting is unchanged: a (run, node)
-- counts once, when its first entered step is stored; deletions still subtract through
-- results_steps_delete. results_rebuild() recomputes the counters from the raw rows as before.
DROP TRIGGER IF EXISTS results_steps_insert ON "steps";
DROP FUNCTION IF EXISTS results_steps_insert();
