// GET/PUT /api/v1/tracking-plan: per event name, required properties and their types; mode reject or flag.
import { route } from "@/lib/http/route";
import { loadSettings, clearSettingsCache, saveTrackingPlan, TrackingPlan } from "@/lib/ingest/settings";
import { audit } from "@/lib/audit";

export const GET = route({ name: "tracking_plan.get", access: "viewer" }, async ({ db }) => {
  clearSettingsCache();
  return (await loadSettings(db.sql)).plan;
});

export const PUT = route({ name: "tracking_plan.put", access: "editor", body: TrackingPlan }, async ({ db, body, principal }) => {
  const plan = await saveTrackingPlan(db.sql, body);
  await audit(db, principal.actor, "tracking_plan.update", undefined, { mode: plan.mode, events: plan.events.length });
  return plan;
});
