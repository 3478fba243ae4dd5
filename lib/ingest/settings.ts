// The data area's settings (table data_settings): the engagement score formula and the tracking plan.
// The pipeline reads them on every request, so they are cached per process for a few seconds; a write
// on this process is seen at once, other processes see it within CACHE_MS.
import { z } from "zod";
import type { Sql } from "@/lib/db/sql";
import { isDuration } from "@/lib/conditions/duration";

export const CACHE_MS = 5_000;

export const EngagementSettings = z
  .object({
    enabled: z.boolean().default(true),
    /** The computed trait's name. */
    trait: z.string().min(1).max(64).default("engagement_score"),
    /** Only events within this window (ISO 8601 duration, before the time of receipt) count. */
    window: z.string().refine(isDuration, "Expected an ISO 8601 duration such as P30D").default("P30D"),
    /** Each occurrence of the event adds its weight. */
    weights: z.record(z.string().min(1).max(256), z.number().min(-1000).max(1000)).default({ "Page Viewed": 1, "Product Viewed": 2, "Order Completed": 10 }),
    /** The score never goes above this (nor below 0). */
    cap: z.number().min(1).max(1_000_000).default(100),
  })
  .meta({ id: "EngagementSettings" });
export type EngagementSettings = z.infer<typeof EngagementSettings>;

export const PropertyType = z.enum(["string", "number", "boolean", "object", "array", "any"]);
export type PropertyType = z.infer<typeof PropertyType>;

export const PlanProperty = z.object({
  name: z.string().min(1).max(256),
  type: PropertyType.default("any"),
  required: z.boolean().default(true),
});

export const PlanEvent = z.object({
  event: z.string().min(1).max(256),
  description: z.string().max(2000).optional(),
  properties: z.array(PlanProperty).max(200).default([]),
});

export const TrackingPlan = z
  .object({
    /** reject: a violating event is refused with 400; flag: it is stored with its violations listed. */
    mode: z.enum(["reject", "flag"]).default("flag"),
    events: z
      .array(PlanEvent)
      .max(1000)
      .default([])
      .refine((events) => new Set(events.map((e) => e.event)).size === events.length, "Each event may appear once in the plan"),
  })
  .meta({ id: "TrackingPlan" });
export type TrackingPlan = z.infer<typeof TrackingPlan>;

/** The workspace's global control group (docs/api.md §7): this share of all users gets no message from any flow. */
export const GlobalControl = z
  .strictObject({ percent: z.number().min(0).max(20).describe("0-20: the share of all users (deterministic per user) held out of every flow's messages") })
  .meta({ id: "GlobalControl" });
export type GlobalControl = z.infer<typeof GlobalControl>;

export type DataSettings = { engagement: EngagementSettings; plan: TrackingPlan; globalControl: GlobalControl };

const DEFAULTS = (): DataSettings => ({ engagement: EngagementSettings.parse({}), plan: TrackingPlan.parse({}), globalControl: { percent: 0 } });

// On globalThis: Next's bundle (which saves settings) and the data plane's (which ingests) share it.
const holder = globalThis as unknown as { __pathwiseDataSettings?: { at: number; value: DataSettings } | null };

/** The current settings; read from the database at most every CACHE_MS per process. */
export async function loadSettings(sql: Sql, now = Date.now()): Promise<DataSettings> {
  const cache = holder.__pathwiseDataSettings;
  if (cache && now - cache.at < CACHE_MS) return cache.value;
  const rows = await sql.query<{ key: string; value: unknown }>(`SELECT key, value FROM data_settings WHERE key IN ('engagement', 'tracking_plan', 'global_control')`);
  const value = DEFAULTS();
  for (const r of rows) {
    if (r.key === "engagement") {
      const p = EngagementSettings.safeParse(r.value);
      if (p.success) value.engagement = p.data;
    } else if (r.key === "tracking_plan") {
      const p = TrackingPlan.safeParse(r.value);
      if (p.success) value.plan = p.data;
    } else if (r.key === "global_control") {
      const p = GlobalControl.safeParse(r.value);
      if (p.success) value.globalControl = p.data;
    }
  }
  holder.__pathwiseDataSettings = { at: now, value };
  return value;
}

export function clearSettingsCache() {
  holder.__pathwiseDataSettings = null;
}

async function save(sql: Sql, key: string, value: unknown) {
  await sql.query(
    `INSERT INTO data_settings (key, value, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
  clearSettingsCache();
}

export async function saveEngagement(sql: Sql, input: z.input<typeof EngagementSettings>): Promise<EngagementSettings> {
  const value = EngagementSettings.parse(input);
  await save(sql, "engagement", value);
  return value;
}

export async function saveTrackingPlan(sql: Sql, input: z.input<typeof TrackingPlan>): Promise<TrackingPlan> {
  const value = TrackingPlan.parse(input);
  await save(sql, "tracking_plan", value);
  return value;
}

export async function saveGlobalControl(sql: Sql, input: z.input<typeof GlobalControl>): Promise<GlobalControl> {
  const value = GlobalControl.parse(input);
  await save(sql, "global_control", value);
  return value;
}
