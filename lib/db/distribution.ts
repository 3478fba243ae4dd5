// How each table would be placed on a sharded PostgreSQL (Citus): the one classification that the
// catalog test (distribution.pg.test.ts), the hot-query test, the Citus script
// (scripts/citus-distribute.ts) and the shard simulation (bench/shards.ts) all read.
//
// - distributed: sharded by `column` (hash). Per-person tables use the profile id (profiles.id,
//   elsewhere profile_id) and are co-located: one person's rows of every such table sit on one shard.
//   Every primary key, unique index and foreign key among them includes that column.
// - reference: small, read everywhere, written rarely: copied to every node (flows, keys, settings).
// - local: stays on the coordinator (console accounts, rollups, audit): never joined with sharded
//   tables on the data plane.
// A table missing here fails the catalog test: a new table must be placed before it ships.

export type Placement =
  | { kind: "distributed"; column: string; colocateWith?: string; why?: string }
  | { kind: "reference"; why?: string }
  | { kind: "local"; why: string };

/** The anchor of the per-person co-location group. */
export const PERSON_ANCHOR = "profiles";

export const TABLES: Record<string, Placement> = {
  // ---- per person, sharded by the profile id, co-located with profiles ----
  profiles: { kind: "distributed", column: "id" },
  identities: { kind: "distributed", column: "profile_id", colocateWith: PERSON_ANCHOR },
  events: { kind: "distributed", column: "profile_id", colocateWith: PERSON_ANCHOR },
  event_summaries: { kind: "distributed", column: "profile_id", colocateWith: PERSON_ANCHOR },
  event_dedupe: { kind: "distributed", column: "profile_id", colocateWith: PERSON_ANCHOR },
  runs: { kind: "distributed", column: "profile_id", colocateWith: PERSON_ANCHOR },
  steps: { kind: "distributed", column: "profile_id", colocateWith: PERSON_ANCHOR },
  touchpoints: { kind: "distributed", column: "profile_id", colocateWith: PERSON_ANCHOR },
  outcomes: { kind: "distributed", column: "profile_id", colocateWith: PERSON_ANCHOR },
  send_counters: { kind: "distributed", column: "profile_id", colocateWith: PERSON_ANCHOR },
  group_members: { kind: "distributed", column: "profile_id", colocateWith: PERSON_ANCHOR, why: "the groups a person belongs to; the group's traits are read by id from groups" },
  profile_items: { kind: "distributed", column: "profile_id", colocateWith: PERSON_ANCHOR, why: "what a person viewed and bought, per item: recently_viewed, purchases left out" },
  jobs: {
    kind: "distributed",
    column: "profile_id",
    colocateWith: PERSON_ANCHOR,
    why: "a person's timers, inactivity checks and deliveries live beside the person; workspace jobs use profile_id ''",
  },
  // ---- sharded by another key ----
  identity_directory: {
    kind: "distributed",
    column: "value",
    why: "answers 'which profile is this userId / anonymousId' by the id itself: one shard per lookup, whichever shard the profile is on",
  },
  groups: {
    kind: "distributed",
    column: "id",
    why: "a group's (account's) traits, kept once per group: read and written by the group id, one shard per group; never joined with a person's rows",
  },
  item_daily: { kind: "distributed", column: "item_id", why: "an item's views and purchases per day, written and summed by item; never joined with a person's rows" },
  item_totals: { kind: "distributed", column: "item_id", why: "an item's counts over the popularity window, written by item; popular reads the top by score" },
  item_pairs: { kind: "distributed", column: "item_id", why: "item-to-item co-occurrence, read by the item it starts from" },
  // ---- copied to every node ----
  flows: { kind: "reference" },
  flow_versions: { kind: "reference" },
  flow_test_suites: { kind: "reference", why: "a flow's test cases by flow and version: flow-level, no person's rows" },
  api_keys: { kind: "reference" },
  system_settings: { kind: "reference" },
  data_settings: { kind: "reference" },
  workspace_settings: { kind: "reference", why: "policies: caps, quiet hours" },
  sources: { kind: "reference" },
  catalog_items: { kind: "reference", why: "the catalog: read by every recommendation, written by upserts and imports" },
  // ---- stream sources' operations: keyed by source, never joined with a person's rows ----
  source_consumers: { kind: "local", why: "heartbeats of the instances consuming stream sources: status for the console" },
  source_dead_letters: { kind: "local", why: "messages a source could not process, kept by source for a person to inspect and replay" },
  // ---- coordinator only ----
  accounts: { kind: "local", why: "console accounts: control plane only" },
  sessions: { kind: "local", why: "console sessions: control plane only" },
  audit_log: { kind: "local", why: "append-only control-plane log" },
  imports: { kind: "local", why: "uploaded files, read by one worker at a time" },
  result_counters: { kind: "local", why: "rollups by flow, read by the console (see docs/scaling.md for their Citus form)" },
  event_volume: { kind: "local", why: "hourly counts for the console" },
  _prisma_migrations: { kind: "local", why: "migration bookkeeping" },
};

export function placementOf(table: string): Placement | undefined {
  return Object.prototype.hasOwnProperty.call(TABLES, table) ? TABLES[table] : undefined;
}

/** The distribution column of a distributed table, else null. */
export function distributionColumn(table: string): string | null {
  const p = placementOf(table);
  return p && p.kind === "distributed" ? p.column : null;
}

/** Distributed tables in the person co-location group (the profile id is their key). */
export function personTables(): string[] {
  return Object.entries(TABLES)
    .filter(([name, p]) => p.kind === "distributed" && (name === PERSON_ANCHOR || p.colocateWith === PERSON_ANCHOR))
    .map(([name]) => name);
}

/**
 * The Citus calls that place every table as classified here: reference tables first (distributed
 * tables hold foreign keys to them), then the person anchor, then the co-located tables in the order
 * TABLES lists them (a referenced table before the tables that reference it), then the tables sharded
 * by another key. Local tables stay on the coordinator and get no call.
 */
export function citusStatements(): string[] {
  const out: string[] = [];
  const entries = Object.entries(TABLES);
  for (const [name, p] of entries) if (p.kind === "reference") out.push(`SELECT create_reference_table('${name}');`);
  const anchor = TABLES[PERSON_ANCHOR];
  if (anchor.kind === "distributed") out.push(`SELECT create_distributed_table('${PERSON_ANCHOR}', '${anchor.column}');`);
  for (const [name, p] of entries) {
    if (p.kind !== "distributed" || name === PERSON_ANCHOR || p.colocateWith !== PERSON_ANCHOR) continue;
    out.push(`SELECT create_distributed_table('${name}', '${p.column}', colocate_with => '${PERSON_ANCHOR}');`);
  }
  for (const [name, p] of entries) {
    if (p.kind !== "distributed" || name === PERSON_ANCHOR || p.colocateWith === PERSON_ANCHOR) continue;
    out.push(`SELECT create_distributed_table('${name}', '${p.column}', colocate_with => 'none');`);
  }
  return out;
}
