// Two readings of a flow's results that the rollups do not keep:
//   globalControlCounts  the flow's runs of users in the workspace's global control group (docs/api.md
//                        §7): holdout runs marked `control: "global"` in their state. Read from the
//                        flow's holdout runs that entered in the range (the (flow_id, entered_at) index,
//                        then a filter on a small share of rows).
//   placementHolds       the rule of lib/runtime/decide.ts made visible: a holdout holds its placement,
//                        so another flow's in-app message for the same placement is not shown to a user
//                        held out. heldFromOthers: this flow's messages held back because the user is
//                        in another flow's holdout; heldForThis: this flow's holdout users for whom
//                        another flow's message was held back.
import type { Sql } from "@/lib/db/sql";
import type { Range } from "./counters";

export async function globalControlCounts(sql: Sql, flowId: string, range: Range): Promise<{ entered: number; converted: number }> {
  const [r] = await sql.query<{ entered: number; converted: number }>(
    `SELECT count(*)::int AS entered, count(converted_at)::int AS converted FROM runs
      WHERE flow_id = $1 AND holdout AND state ->> 'control' = 'global'
        AND ($2::timestamptz IS NULL OR entered_at >= $2) AND ($3::timestamptz IS NULL OR entered_at < $3)`,
    [flowId, range.from ?? null, range.to ?? null],
  );
  return { entered: Number(r?.entered ?? 0), converted: Number(r?.converted ?? 0) };
}

export type PlacementHolds = { heldFromOthers: number; heldForThis: number };

const HELD = `h.status = 'suppressed' AND h.payload ->> 'suppressed' IN ('holdout', 'global_control')`;

export async function placementHolds(sql: Sql, flowId: string, range: Range): Promise<PlacementHolds> {
  const [r] = await sql.query<{ from_others: number; for_this: number }>(
    `SELECT
       (SELECT count(*) FROM touchpoints t
         WHERE t.flow_id = $1 AND t.channel = 'in_app' AND t.status = 'ready'
           AND ($2::timestamptz IS NULL OR t.created_at >= $2) AND ($3::timestamptz IS NULL OR t.created_at < $3)
           AND EXISTS (SELECT 1 FROM touchpoints h JOIN flows f ON f.id = h.flow_id AND f.status = 'active'
                        WHERE h.profile_id = t.profile_id AND h.placement = t.placement AND h.flow_id <> t.flow_id AND ${HELD}))::int AS from_others,
       (SELECT count(DISTINCT h.profile_id) FROM touchpoints h
         WHERE h.flow_id = $1 AND h.channel = 'in_app' AND ${HELD}
           AND ($2::timestamptz IS NULL OR h.created_at >= $2) AND ($3::timestamptz IS NULL OR h.created_at < $3)
           AND EXISTS (SELECT 1 FROM touchpoints t WHERE t.profile_id = h.profile_id AND t.placement = h.placement AND t.flow_id <> h.flow_id AND t.status = 'ready'))::int AS for_this`,
    [flowId, range.from ?? null, range.to ?? null],
  );
  return { heldFromOthers: Number(r?.from_others ?? 0), heldForThis: Number(r?.for_this ?? 0) };
}
