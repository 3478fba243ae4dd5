// The home page: every flow with entered, converted and a daily conversion sparkline, event volume
// over time, and alerts (see alerts.ts for the rules). Reads only rollups and the flows table.
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";
import { Alert, channelAlert, failedDeliveriesAlert, failureAlert, volumeAlert } from "./alerts";
import { emailChannel } from "@/lib/runtime/email";
import { isoDay } from "./counters";

export const Overview = z
  .object({
    days: z.number().int(),
    flows: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        status: z.string(),
        version: z.number().int(),
        entered: z.number().int(),
        converted: z.number().int(),
        conversionRate: z.number(),
        sparkline: z.array(z.object({ day: z.string(), entered: z.number().int(), converted: z.number().int(), rate: z.number().nullable() })),
      }),
    ),
    events: z.object({
      total: z.number().int(),
      last24h: z.number().int(),
      daily: z.array(z.object({ day: z.string(), count: z.number().int() })),
      hourly: z.array(z.object({ hour: z.string(), count: z.number().int() })),
    }),
    alerts: z.array(Alert),
    channels: z.object({ email: z.object({ configured: z.boolean() }) }).describe("Whether each channel that needs set-up can deliver (email: SMTP configured)"),
  })
  .meta({ id: "Overview" });
export type Overview = z.infer<typeof Overview>;

const DAY = 86_400_000;
const HOUR = 3_600_000;

export async function getOverview(sql: Sql, opts: { days?: number; now?: Date; emailConfigured?: boolean } = {}): Promise<Overview> {
  const emailConfigured = opts.emailConfigured ?? emailChannel().configured;
  const days = Math.min(Math.max(opts.days ?? 30, 1), 365);
  const now = opts.now ?? new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const firstDay = today - (days - 1) * DAY;
  const dayList = Array.from({ length: days }, (_, i) => isoDay(new Date(firstDay + i * DAY)));
  const volumeFrom = Math.min(firstDay, Math.floor(now.getTime() / HOUR) * HOUR - 9 * 24 * HOUR);

  const [flows, counters, volume, failures, emailFlows] = await Promise.all([
    sql.query<{ id: string; name: string; status: string; version: number }>(`SELECT id, name, status, version FROM flows ORDER BY (status = 'active') DESC, updated_at DESC`),
    sql.query<{ flow_id: string; day: string; metric: string; n: number }>(
      `SELECT flow_id, day::text AS day, metric, sum(n)::bigint AS n FROM result_counters
        WHERE day >= $1::date AND metric IN ('entered', 'converted') GROUP BY flow_id, result_counters.day, metric`,
      [dayList[0]],
    ),
    sql.query<{ hour: Date; n: number }>(`SELECT hour, sum(n)::bigint AS n FROM event_volume WHERE hour >= $1 GROUP BY hour ORDER BY hour`, [new Date(volumeFrom)]),
    sql.query<{ flow_id: string; node_id: string; today: boolean; type: string; n: number }>(
      `SELECT flow_id, dim1 AS node_id, day = $1::date AS today, dim2 AS type, sum(n)::bigint AS n FROM result_counters
        WHERE metric = 'outcome_at' AND dim2 IN ('sent', 'failed') AND day >= $1::date - 7 AND day <= $1::date
        GROUP BY 1, 2, 3, 4`,
      [isoDay(new Date(today))],
    ),
    // Only asked when email cannot go out: the active versions' email steps.
    emailConfigured
      ? Promise.resolve([])
      : sql.query<{ id: string; name: string; nodes: string[] }>(
          `SELECT f.id, f.name, array_agg(n->>'id' ORDER BY n->>'id') AS nodes
             FROM flows f JOIN flow_versions v ON v.id = f.active_version_id, jsonb_array_elements(v.graph->'nodes') n
            WHERE f.status = 'active' AND n->>'type' = 'message' AND n->'data'->>'channel' = 'email'
            GROUP BY f.id, f.name`,
        ),
  ]);

  const perFlow = new Map<string, Map<string, { entered: number; converted: number }>>();
  for (const r of counters) {
    const byDay = perFlow.get(r.flow_id) ?? perFlow.set(r.flow_id, new Map()).get(r.flow_id)!;
    const d = byDay.get(r.day) ?? byDay.set(r.day, { entered: 0, converted: 0 }).get(r.day)!;
    if (r.metric === "entered") d.entered += Number(r.n);
    else d.converted += Number(r.n);
  }

  const hourly = new Map<number, number>();
  for (const r of volume) hourly.set(new Date(r.hour).getTime(), Number(r.n));
  const daily = new Map(dayList.map((d) => [d, 0]));
  for (const [h, n] of hourly) {
    const d = isoDay(new Date(h));
    if (daily.has(d)) daily.set(d, daily.get(d)! + n);
  }
  const nowHour = Math.floor(now.getTime() / HOUR) * HOUR;
  let last24h = 0;
  for (let h = 0; h < 24; h++) last24h += hourly.get(nowHour - h * HOUR) ?? 0;
  const hourlyList = Array.from({ length: 7 * 24 }, (_, i) => nowHour - (7 * 24 - 1 - i) * HOUR).map((h) => ({ hour: new Date(h).toISOString(), count: hourly.get(h) ?? 0 }));

  const alerts: Alert[] = [];
  const va = volumeAlert(hourly, now.getTime());
  if (va) alerts.push(va);
  const names = new Map(flows.map((f) => [f.id, f.name]));
  const byNode = new Map<string, { flowId: string; nodeId: string; today: { sent: number; failed: number }; baseline: { sent: number; failed: number } }>();
  for (const r of failures) {
    const k = `${r.flow_id}\u0000${r.node_id}`;
    const e = byNode.get(k) ?? byNode.set(k, { flowId: r.flow_id, nodeId: r.node_id, today: { sent: 0, failed: 0 }, baseline: { sent: 0, failed: 0 } }).get(k)!;
    const bucket = r.today ? e.today : e.baseline;
    if (r.type === "sent") bucket.sent += Number(r.n);
    else bucket.failed += Number(r.n);
  }
  for (const e of byNode.values()) {
    if (!names.has(e.flowId)) continue;
    const a = failureAlert({ ...e, flowName: names.get(e.flowId)! }) ?? failedDeliveriesAlert({ ...e, flowName: names.get(e.flowId)! });
    if (a) alerts.push(a);
  }
  for (const f of emailFlows) alerts.push(channelAlert({ flowId: f.id, flowName: f.name, nodeIds: f.nodes }));
  alerts.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));

  return {
    days,
    flows: flows.map((f) => {
      const byDay = perFlow.get(f.id) ?? new Map();
      const sparkline = dayList.map((day) => {
        const d = byDay.get(day) ?? { entered: 0, converted: 0 };
        return { day, entered: d.entered, converted: d.converted, rate: d.entered > 0 ? d.converted / d.entered : null };
      });
      const entered = sparkline.reduce((s, d) => s + d.entered, 0);
      const converted = sparkline.reduce((s, d) => s + d.converted, 0);
      return { id: f.id, name: f.name, status: f.status, version: f.version, entered, converted, conversionRate: entered > 0 ? converted / entered : 0, sparkline };
    }),
    events: { total: [...daily.values()].reduce((a, b) => a + b, 0), last24h, daily: [...daily].map(([day, count]) => ({ day, count })), hourly: hourlyList },
    alerts,
    channels: { email: { configured: emailConfigured } },
  };
}
