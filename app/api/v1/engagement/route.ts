// GET/PUT /api/v1/engagement: the engagement score formula (weighted event counts within a window).
import { route } from "@/lib/http/route";
import { clearSettingsCache, EngagementSettings, loadSettings, saveEngagement } from "@/lib/ingest/settings";
import { audit } from "@/lib/audit";

export const GET = route({ name: "engagement.get", access: "viewer" }, async ({ db }) => {
  clearSettingsCache();
  return (await loadSettings(db.sql)).engagement;
});

export const PUT = route({ name: "engagement.put", access: "editor", body: EngagementSettings }, async ({ db, body, principal }) => {
  const value = await saveEngagement(db.sql, body);
  await audit(db, principal.actor, "engagement.update", undefined, value);
  return value;
});
