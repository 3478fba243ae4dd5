// GET/PUT /api/v1/settings/holdout: the workspace's global control group (docs/api.md §7).
import { route } from "@/lib/http/route";
import { clearSettingsCache, GlobalControl, loadSettings, saveGlobalControl } from "@/lib/ingest/settings";
import { audit } from "@/lib/audit";

export const GET = route({ name: "settings.holdout.get", access: "viewer" }, async ({ db }) => {
  clearSettingsCache();
  return (await loadSettings(db.sql)).globalControl;
});

export const PUT = route({ name: "settings.holdout.put", access: "editor", body: GlobalControl }, async ({ db, body, principal }) => {
  const value = await saveGlobalControl(db.sql, body);
  await audit(db, principal.actor, "settings.holdout.update", undefined, value);
  return value;
});
