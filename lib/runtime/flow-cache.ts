// A per-process cache of the live flows and of compiled flow versions. Versions are immutable, so a
// compiled version is kept until evicted; the list of live flows is re-read only when a cheap stamp of
// the flows table (row count and newest updated_at) changes, so a publish, pause or delete takes effect
// for the very next event in every process.
import type { Sql } from "@/lib/db/sql";
import { compileFlow, type CompiledFlow } from "@/lib/engine";
import { upgradeDocument } from "@/lib/flow/upgrade";
import type { Graph, SettingsInput } from "@/lib/flow/schema";
import { recommendationsNamed } from "@/lib/liquid/render";
import { STRATEGIES } from "@/lib/catalog/schema";

export type LiveFlow = {
  id: string;
  name: string;
  status: "active" | "paused";
  priority: number;
  activeVersionId: string;
};

/**
 * What the live flows listen to, so an event no flow cares about costs no query: built over every
 * published version of every active flow (runs stay on older versions), rebuilt when the stamp changes.
 */
export type FlowIndex = {
  flows: Map<string, LiveFlow>;
  active: LiveFlow[];
  /** Event names that may let a user in (event and behavior triggers), convert a run (goal) or end a
   *  wait-until, in any version of an active flow. */
  names: Set<string>;
  /** Some active flow has an identify trigger. */
  identify: boolean;
  /** Some active flow has an inactivity trigger: every event reschedules its check. */
  inactivity: boolean;
  /** Some active flow has a trait trigger: a change of traits is worth a look. */
  trait: boolean;
  /** Versions (of active flows) with a goal: only their ended runs may still convert. */
  goalVersions: Set<string>;
  /** Some version of an active flow may read the person's group (group.<trait> in a condition or a
   *  template): only then does the executor load it. Any such reference spells "group", so a graph
   *  without that word cannot read it. */
  group: boolean;
};

type Cache = {
  stamp: string | null;
  flows: Map<string, LiveFlow>;
  versions: Map<string, CompiledFlow>;
  index: FlowIndex | null;
};

const MAX_VERSIONS = 1000;
const holder = globalThis as unknown as { __pathwiseFlowCache?: Cache };

function cache(): Cache {
  holder.__pathwiseFlowCache ??= { stamp: null, flows: new Map(), versions: new Map(), index: null };
  return holder.__pathwiseFlowCache;
}

/** Every published flow that is active or paused, keyed by id. */
export async function liveFlows(sql: Sql): Promise<Map<string, LiveFlow>> {
  const c = cache();
  const [s] = await sql.query<{ n: number; at: Date | null }>(`SELECT count(*)::int AS n, max(updated_at) AS at FROM flows`);
  const stamp = `${s.n}:${s.at ? s.at.getTime() : 0}`;
  if (stamp === c.stamp) return c.flows;
  const rows = await sql.query<{ id: string; name: string; status: "active" | "paused"; priority: number; active_version_id: string }>(
    `SELECT id, name, status, priority, active_version_id FROM flows WHERE status IN ('active', 'paused') AND active_version_id IS NOT NULL ORDER BY created_at, id`,
  );
  const flows = new Map<string, LiveFlow>();
  for (const r of rows) flows.set(r.id, { id: r.id, name: r.name, status: r.status, priority: r.priority, activeVersionId: r.active_version_id });
  c.flows = flows;
  c.stamp = stamp;
  c.index = null;
  return flows;
}

/** The live flows and what they listen to (one stamp query while nothing changed). */
export async function flowIndex(sql: Sql): Promise<FlowIndex> {
  const flows = await liveFlows(sql);
  const c = cache();
  if (c.index && c.index.flows === flows) return c.index;
  const active = [...flows.values()].filter((f) => f.status === "active");
  const index: FlowIndex = { flows, active, names: new Set(), identify: false, inactivity: false, trait: false, goalVersions: new Set(), group: false };
  if (active.length) {
    const rows = await sql.query<VersionRow>(
      `SELECT v.id, v.flow_id, v.version, v.schema_version, v.graph, v.settings, f.name
         FROM flow_versions v JOIN flows f ON f.id = v.flow_id WHERE v.flow_id = ANY($1::text[])`,
      [active.map((f) => f.id)],
    );
    for (const r of rows) {
      const hit = c.versions.get(r.id);
      const compiled = hit && hit.flowName === r.name ? hit : remember(compileRow(r));
      for (const t of compiled.triggers) {
        if (t.kind === "event" || t.kind === "behavior") index.names.add(t.event);
        else if (t.kind === "identify") index.identify = true;
        else if (t.kind === "inactivity") index.inactivity = true;
        else if (t.kind === "trait") index.trait = true;
      }
      if (compiled.goal) {
        index.names.add(compiled.goal.event);
        index.goalVersions.add(compiled.versionId);
      }
      for (const n of compiled.nodes.values()) if (n.type === "wait" && n.kind === "until") index.names.add(n.event);
      if (!index.group && JSON.stringify(r.graph).includes("group")) index.group = true;
    }
  }
  c.index = index;
  return index;
}

type VersionRow = { id: string; flow_id: string; version: number; schema_version: number; graph: unknown; settings: unknown; name: string };

// The recommendation lists each compiled version's templates name (docs/api.md §9): the executor
// loads those, and only those, for the people it moves through the version.
const recommendationLists = new WeakMap<CompiledFlow, { lists: readonly string[]; names: Set<string>; identify: boolean }>();

/**
 * The lists `recommendations.<list>` a version's templates read (all of them when it reads the object
 * otherwise). With `events` (the names of a person's events in this request; `identify`: the request
 * holds their first identify), only if one of them can move a run of that version (a trigger or a
 * wait-until names it): an event that cannot reach a template costs no recommendation query.
 */
export function recommendationListsOf(compiled: CompiledFlow | null | undefined, events?: { names: Set<string>; identify: boolean }): readonly string[] {
  const r = compiled ? recommendationLists.get(compiled) : undefined;
  if (!r) return [];
  if (!events || (events.identify && r.identify)) return r.lists;
  for (const n of events.names) if (r.names.has(n)) return r.lists;
  return [];
}

function compileRow(r: VersionRow): CompiledFlow {
  const doc = upgradeDocument({ schemaVersion: r.schema_version, graph: r.graph, settings: r.settings });
  const compiled = compileFlow({
    flowId: r.flow_id,
    flowName: r.name,
    versionId: r.id,
    version: r.version,
    graph: doc.graph as Graph,
    settings: doc.settings as SettingsInput,
  });
  const named = recommendationsNamed(JSON.stringify(doc.graph));
  if (named.size) {
    const names = new Set<string>();
    let identify = false;
    for (const t of compiled.triggers) {
      if (t.kind === "event" || t.kind === "behavior") names.add(t.event);
      else if (t.kind === "identify") identify = true;
    }
    for (const n of compiled.nodes.values()) if (n.type === "wait" && n.kind === "until") names.add(n.event);
    const lists = named.has("*") ? STRATEGIES : [...named].filter((n) => (STRATEGIES as readonly string[]).includes(n));
    recommendationLists.set(compiled, { lists, names, identify });
  }
  return compiled;
}

function remember(compiled: CompiledFlow): CompiledFlow {
  const c = cache();
  if (c.versions.size >= MAX_VERSIONS) c.versions.delete(c.versions.keys().next().value as string);
  c.versions.set(compiled.versionId, compiled);
  return compiled;
}

/** The compiled form of one published version (loaded by id: a run stays on the version it entered). */
export async function compiledVersion(sql: Sql, versionId: string, flowName?: string): Promise<CompiledFlow | null> {
  const c = cache();
  const hit = c.versions.get(versionId);
  if (hit && (flowName === undefined || hit.flowName === flowName)) return hit;
  const rows = await sql.query<VersionRow>(
    `SELECT v.id, v.flow_id, v.version, v.schema_version, v.graph, v.settings, f.name
       FROM flow_versions v JOIN flows f ON f.id = v.flow_id WHERE v.id = $1`,
    [versionId],
  );
  const r = rows[0];
  if (!r) return null;
  return remember(compileRow(r));
}

/** Forgets everything (tests that reuse one process across databases). */
export function clearFlowCache() {
  holder.__pathwiseFlowCache = undefined;
}
