// A per-process cache of the live flows and of compiled flow versions. Versions are immutable, so a
// compiled version is kept until evicted; the list of live flows is re-read only when a cheap stamp of
// the flows table (row count and newest updated_at) changes, so a publish, pause or delete takes effect
// for the very next event in every process.
import type { Sql } from "@/lib/db/sql";
import { compileFlow, type CompiledFlow } from "@/lib/engine";
import { upgradeDocument } from "@/lib/flow/upgrade";
import type { Graph, SettingsInput } from "@/lib/flow/schema";

export type LiveFlow = {
  id: string;
  name: string;
  status: "active" | "paused";
  priority: number;
  activeVersionId: string;
};

type Cache = {
  stamp: string | null;
  flows: Map<string, LiveFlow>;
  versions: Map<string, CompiledFlow>;
};

const MAX_VERSIONS = 1000;
const holder = globalThis as unknown as { __pathwiseFlowCache?: Cache };

function cache(): Cache {
  holder.__pathwiseFlowCache ??= { stamp: null, flows: new Map(), versions: new Map() };
  return holder.__pathwiseFlowCache;
}

/** Every published flow that is active or paused, keyed by id. */
export async function liveFlows(sql: Sql): Promise<Map<string, LiveFlow>> {
  const c = cache();
  const [s] = await sql.query<{ n: number; at: Date | null }>(`SELECT count(*)::int AS n, max(updated_at) AS at FROM flows`);
  const stamp = `${s.n}:${s.at ? s.at.getTime() : 0}`;
  if (stamp === c.stamp) return c.flows;
  const rows = await sql.query<{ id: string; name: string; status: "active" | "paused"; priority: number; active_version_id: string }>(
    `SELECT id, name, status, priority, active_version_id FROM flows WHERE status IN ('active', 'paused') AND active_version_id IS NOT NULL`,
  );
  const flows = new Map<string, LiveFlow>();
  for (const r of rows) flows.set(r.id, { id: r.id, name: r.name, status: r.status, priority: r.priority, activeVersionId: r.active_version_id });
  c.flows = flows;
  c.stamp = stamp;
  return flows;
}

/** The compiled form of one published version (loaded by id: a run stays on the version it entered). */
export async function compiledVersion(sql: Sql, versionId: string, flowName?: string): Promise<CompiledFlow | null> {
  const c = cache();
  const hit = c.versions.get(versionId);
  if (hit && (flowName === undefined || hit.flowName === flowName)) return hit;
  const rows = await sql.query<{ id: string; flow_id: string; version: number; schema_version: number; graph: unknown; settings: unknown; name: string }>(
    `SELECT v.id, v.flow_id, v.version, v.schema_version, v.graph, v.settings, f.name
       FROM flow_versions v JOIN flows f ON f.id = v.flow_id WHERE v.id = $1`,
    [versionId],
  );
  const r = rows[0];
  if (!r) return null;
  const doc = upgradeDocument({ schemaVersion: r.schema_version, graph: r.graph, settings: r.settings });
  const compiled = compileFlow({
    flowId: r.flow_id,
    flowName: r.name,
    versionId: r.id,
    version: r.version,
    graph: doc.graph as Graph,
    settings: doc.settings as SettingsInput,
  });
  if (c.versions.size >= MAX_VERSIONS) c.versions.delete(c.versions.keys().next().value as string);
  c.versions.set(versionId, compiled);
  return compiled;
}

/** Forgets everything (tests that reuse one process across databases). */
export function clearFlowCache() {
  holder.__pathwiseFlowCache = undefined;
}
