// What became of each message a user's runs produced: seen (outcomes), lost to another flow on the same
// placement (which), failed (why), or still waiting. The profile page shows it under the message's step.
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";

export const MessageFate = z
  .object({
    channel: z.string(),
    placement: z.string().nullable(),
    status: z.string().describe("The touchpoint's status: ready, pending, sent, failed, suppressed, dismissed, expired"),
    outcomes: z.record(z.string(), z.number().int()).describe("Outcome type -> count (shown, clicked, dismissed, sent, failed)"),
    fate: z.enum(["seen", "sent", "lost", "failed", "suppressed", "waiting", "expired", "not_seen"]),
    lostTo: z.object({ flowId: z.string(), flowName: z.string().nullable(), nodeId: z.string() }).optional(),
    error: z.string().optional(),
    message: z.string().describe("The fate in plain words"),
  })
  .meta({ id: "MessageFate" });
export type MessageFate = z.infer<typeof MessageFate>;

type Row = { key: string; id: string; flow_id: string; channel: string; placement: string | null; status: string; error: string | null; created_at: Date; outcomes: Record<string, number> | null };

/** Fates of the touchpoints of `runIds`, by touchpoint key (= the message step's key). */
export async function messageFates(sql: Sql, profileId: string, runIds: string[]): Promise<Map<string, MessageFate>> {
  const out = new Map<string, MessageFate>();
  if (!runIds.length) return out;
  const rows = await sql.query<Row>(
    `SELECT t.key, t.id, t.flow_id, t.channel, t.placement, t.status, t.error, t.created_at,
            (SELECT jsonb_object_agg(o.type, o.n) FROM (SELECT type, count(*)::int AS n FROM outcomes WHERE touchpoint_id = t.id GROUP BY type) o) AS outcomes
       FROM touchpoints t WHERE t.run_id = ANY($1::text[])`,
    [runIds],
  );
  // In-app messages never shown: did another flow's message on the same placement get shown instead?
  const unseen = rows.filter((r) => r.channel === "in_app" && !r.outcomes?.shown && r.placement !== null && r.status !== "suppressed");
  const winners = unseen.length
    ? await sql.query<{ placement: string; flow_id: string; name: string | null; node_id: string; shown_at: Date }>(
        `SELECT t.placement, t.flow_id, f.name, t.node_id, min(o.at) AS shown_at
           FROM touchpoints t JOIN outcomes o ON o.touchpoint_id = t.id AND o.type = 'shown' LEFT JOIN flows f ON f.id = t.flow_id
          WHERE t.profile_id = $1 AND t.channel = 'in_app' AND t.placement = ANY($2::text[])
          GROUP BY t.id, t.placement, t.flow_id, f.name, t.node_id`,
        [profileId, [...new Set(unseen.map((r) => r.placement!))]],
      )
    : [];
  for (const r of rows) {
    const outcomes = r.outcomes ?? {};
    let fate: MessageFate["fate"];
    let message: string;
    let lostTo: MessageFate["lostTo"];
    const where = r.placement ? ` in “${r.placement}”` : "";
    if (r.status === "suppressed") {
      fate = "suppressed";
      message = "Not delivered: held back (holdout, a frequency cap, or received before a version change).";
    } else if (r.status === "failed") {
      fate = "failed";
      message = `Failed: ${r.error ?? "the delivery did not succeed"}.`;
    } else if (r.channel !== "in_app") {
      fate = r.status === "sent" ? "sent" : "waiting";
      message = r.status === "sent" ? `Sent by ${r.channel === "email" ? "email" : "webhook"}.` : "Waiting to be delivered.";
    } else if (outcomes.shown) {
      fate = "seen";
      const extra = [outcomes.clicked ? `clicked ${outcomes.clicked}×` : "", outcomes.dismissed ? "dismissed" : ""].filter(Boolean).join(", ");
      message = `Seen by the user${where} (shown ${outcomes.shown}×${extra ? `, ${extra}` : ""}).`;
    } else {
      const other = winners.find((w) => w.placement === r.placement && w.flow_id !== r.flow_id && w.shown_at.getTime() >= r.created_at.getTime());
      if (other) {
        fate = "lost";
        lostTo = { flowId: other.flow_id, flowName: other.name, nodeId: other.node_id };
        message = `Not seen: the placement “${r.placement}” showed “${other.name ?? other.flow_id}” instead.`;
      } else if (r.status === "expired" || r.status === "dismissed") {
        fate = "expired";
        message = r.status === "expired" ? "Not seen: withdrawn when the user converted." : "Dismissed without being shown.";
      } else if (r.status === "pending") {
        fate = "waiting";
        message = "Held by a policy; shown once it is released.";
      } else {
        fate = "not_seen";
        message = `Not seen yet: ready${where}, but no app has shown it.`;
      }
    }
    out.set(r.key, { channel: r.channel, placement: r.placement, status: r.status, outcomes, fate, ...(lostTo ? { lostTo } : {}), ...(r.error ? { error: r.error } : {}), message });
  }
  return out;
}
