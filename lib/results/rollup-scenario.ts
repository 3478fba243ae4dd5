// A seeded stream of mixed writes shaped like the executor's (multi-row run upserts, step and
// outcome inserts, status and conversion updates, variant assignment, erasures), used by the tests
// that prove the trigger-kept rollups equal a count from scratch.
import type { Db } from "@/lib/db/client";
import { mulberry32 } from "@/lib/stats";
import { insertSteps, type StepRow } from "./steps";

export async function seedFlow(db: Db, name = "Rollup flow") {
  const graph = {
    nodes: [
      { id: "t1", type: "trigger", data: { on: { type: "event", event: "Viewed" } } },
      { id: "s1", type: "split", data: { branches: [{ id: "a", weight: 50, label: "Control" }, { id: "b", weight: 50 }] } },
      { id: "w1", type: "wait", data: { for: "PT1H" } },
      { id: "m1", type: "message", data: { channel: "in_app", placement: "home", content: "Hi" } },
    ],
    edges: [
      { id: "e1", source: "t1", target: "s1" },
      { id: "e2", source: "s1", target: "w1", sourceHandle: "a" },
      { id: "e3", source: "s1", target: "m1", sourceHandle: "b" },
      { id: "e4", source: "w1", target: "m1" },
    ],
  };
  const [flow] = await db.sql.query<{ id: string }>(`INSERT INTO flows (name, draft, status, version) VALUES ($1, $2, 'active', 1) RETURNING id`, [
    name,
    JSON.stringify({ schemaVersion: 1, graph, settings: {} }),
  ]);
  const [version] = await db.sql.query<{ id: string }>(`INSERT INTO flow_versions (flow_id, version, graph, settings) VALUES ($1, 1, $2, '{}') RETURNING id`, [flow.id, JSON.stringify(graph)]);
  await db.sql.query(`UPDATE flows SET active_version_id = $2 WHERE id = $1`, [flow.id, version.id]);
  return { flowId: flow.id, versionId: version.id };
}

type RunRow = { id: string; profileId: string; status: string; holdout: boolean; variants: Record<string, string>; enteredAt: Date; convertedAt: Date | null; visits: number };

/** Runs `ops` random operations against the flow; timestamps spread over `days` UTC days from `start`. */
export async function mixedWrites(db: Db, flowId: string, versionId: string, opts: { seed: number; ops: number; start: Date; days: number }) {
  const rnd = mulberry32(opts.seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const runs: RunRow[] = [];
  const touchpoints: { id: string; runId: string | null }[] = [];
  let seq = 0;
  const profile = async (sql: Db["sql"]) => {
    const [p] = await sql.query<{ id: string }>(`INSERT INTO profiles (user_id) VALUES ($1) RETURNING id`, [`u-${opts.seed}-${seq++}`]);
    return p.id;
  };
  const upsertRuns = async (sql: Db["sql"], rows: RunRow[]) => {
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.id, flowId, versionId, r.profileId, r.status, r.holdout, JSON.stringify({ variants: r.variants }), r.enteredAt, r.convertedAt, r.status === "completed" || r.status === "exited" ? r.enteredAt : null);
      const b = i * 10;
      return `($${b + 1}, $${b + 2}, $${b + 3}, 1, $${b + 4}, 1, $${b + 5}, 'n', $${b + 6}, $${b + 7}::jsonb, $${b + 8}, $${b + 9}, $${b + 10})`;
    });
    await sql.query(
      `INSERT INTO runs (id, flow_id, flow_version_id, version, profile_id, entry, status, node_id, holdout, state, entered_at, converted_at, ended_at)
       VALUES ${tuples.join(", ")}
       ON CONFLICT (profile_id, id) DO UPDATE SET status = EXCLUDED.status, state = EXCLUDED.state, converted_at = EXCLUDED.converted_at, ended_at = EXCLUDED.ended_at, updated_at = now()`,
      values,
    );
  };
  for (let op = 0; op < opts.ops; op++) {
    const r = rnd();
    await db.tx(async (sql) => {
      if (r < 0.3 || runs.length < 3) {
        // Entry: one or two new runs with their first steps, in one statement each, like the executor.
        const count = rnd() < 0.3 ? 2 : 1;
        const fresh: RunRow[] = [];
        for (let i = 0; i < count; i++) {
          fresh.push({
            id: `r-${opts.seed}-${seq++}`,
            profileId: await profile(sql),
            status: pick(["active", "waiting", "completed"]),
            holdout: rnd() < 0.2,
            variants: rnd() < 0.7 ? { s1: pick(["a", "b"]) } : {},
            enteredAt: new Date(opts.start.getTime() + rnd() * opts.days * 86_400_000),
            convertedAt: null,
            visits: 0,
          });
        }
        await upsertRuns(sql, fresh);
        runs.push(...fresh);
        const stepRows: StepRow[] = [];
        for (const run of fresh) {
          for (const node of ["t1", "s1"]) stepRows.push({ run_id: run.id, flow_id: flowId, node_id: node, result: "next", key: `${run.id}:${node}:1`, profile_id: run.profileId });
        }
        await insertSteps(sql, stepRows);
      } else if (r < 0.5) {
        // A step at a later node; sometimes a revisit (a cycle through a wait) or a non-entering step.
        const run = pick(runs);
        const node = pick(["w1", "m1", "m1"]);
        run.visits++;
        const entered = rnd() < 0.85;
        await insertSteps(sql, [{ run_id: run.id, flow_id: flowId, node_id: node, result: "next", key: `${run.id}:${node}:${run.visits}`, entered, profile_id: run.profileId }]);
        // Retried write: the same key again must not count twice.
        if (rnd() < 0.2) {
          await insertSteps(sql, [{ run_id: run.id, flow_id: flowId, node_id: node, result: "next", key: `${run.id}:${node}:${run.visits}`, profile_id: run.profileId }]);
        }
      } else if (r < 0.7) {
        // Status change, conversion, variant assignment, in one multi-row upsert.
        const batch = [pick(runs), pick(runs)].filter((x, i, a) => a.indexOf(x) === i);
        for (const run of batch) {
          run.status = pick(["active", "waiting", "completed", "exited"]);
          if (rnd() < 0.4) run.convertedAt = new Date(run.enteredAt.getTime() + rnd() * 5 * 86_400_000);
          if (rnd() < 0.2) run.variants = { s1: pick(["a", "b"]) };
        }
        await upsertRuns(sql, batch);
      } else if (r < 0.9) {
        // A touchpoint and its outcomes; a few with no run.
        const run = rnd() < 0.9 ? pick(runs) : null;
        const [tp] = await sql.query<{ id: string; profile_id: string }>(
          `INSERT INTO touchpoints (key, run_id, flow_id, node_id, profile_id, channel) VALUES ($1, $2, $3, 'm1', $4, 'in_app') RETURNING id, profile_id`,
          [`tp-${opts.seed}-${seq++}`, run?.id ?? null, flowId, run?.profileId ?? (await profile(sql))],
        );
        touchpoints.push({ id: tp.id, runId: run?.id ?? null });
        const types = ["shown", ...(rnd() < 0.5 ? ["clicked"] : []), ...(rnd() < 0.2 ? ["dismissed"] : [])];
        const at = new Date((run?.enteredAt.getTime() ?? opts.start.getTime()) + rnd() * 86_400_000);
        await sql.query(
          `INSERT INTO outcomes (touchpoint_id, flow_id, node_id, type, at, profile_id) SELECT $1, $2, 'm1', t, $4, $5 FROM unnest($3::text[]) t`,
          [tp.id, flowId, types, at, tp.profile_id],
        );
      } else if (r < 0.94) {
        // Erase a user: the profile and, by cascade, its runs, steps, touchpoints and outcomes.
        const run = pick(runs);
        await sql.query(`DELETE FROM profiles WHERE id = $1`, [run.profileId]);
        for (let i = runs.length - 1; i >= 0; i--) if (runs[i].profileId === run.profileId) runs.splice(i, 1);
      } else if (r < 0.97 && touchpoints.length) {
        const tp = pick(touchpoints);
        await sql.query(`DELETE FROM outcomes WHERE id IN (SELECT id FROM outcomes WHERE touchpoint_id = $1 LIMIT 1)`, [tp.id]);
      } else {
        const run = pick(runs);
        await sql.query(`DELETE FROM steps WHERE id IN (SELECT id FROM steps WHERE run_id = $1 ORDER BY id DESC LIMIT 1)`, [run.id]);
      }
    });
  }
  return { runs: runs.length };
}
