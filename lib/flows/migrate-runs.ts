// Run migration (live edits; not a schema migration): moving the users inside a flow onto the version
// being published. The dry run for the publish dialog (what would move where, what they would not
// receive again) and the move itself, done in publish's transaction with the same pure planner
// (lib/engine/run-migration.ts), so the dry run's counts are what applying does.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { compileFlow, type CompiledFlow, type Run } from "@/lib/engine";
import type { Graph } from "@/lib/flow/schema";
import { badRequest, unprocessable, zodToDetails } from "@/lib/http/errors";
import { completeMapping, mappingProblems, planMigration, type MigrationPlan, type NodeMapping } from "@/lib/engine/run-migration";
import { Applier, outboxOf, runFromRow, type RunRow } from "@/lib/runtime/apply";
import { getFlow, getVersion, publishFlow, type OnPublished } from "./store";
import { ExpectedToChange } from "@/lib/cases/store";

export const NodeMappingSchema = z
  .record(z.string(), z.string().nullable())
  .describe("Old node id → new node id, or null to keep users at that node on their version. Unlisted nodes map to the node with the same id and type.")
  .meta({ id: "NodeMapping" });

export const MigrationRequest = z
  .object({ mapping: NodeMappingSchema.default({}), dryRun: z.boolean().optional().describe("Plan only: publish nothing, move nobody") })
  .meta({ id: "MigrationRequest" });
export type MigrationRequest = z.infer<typeof MigrationRequest>;

/** The optional body of POST /flows/:id/publish. No body (or no `migration`) keeps users on their version. */
export const PublishBody = z.object({ migration: MigrationRequest.optional(), expectedToChange: ExpectedToChange.optional() }).meta({ id: "PublishRequest" });
export type PublishBody = z.infer<typeof PublishBody>;

const NodeInfo = z.object({ id: z.string(), type: z.string(), label: z.string() });
const Count = z.object({ nodeId: z.string(), users: z.number().int() });

export const MigrationPlanResult = z
  .object({
    fromVersion: z.number().int(),
    toVersion: z.number().int(),
    total: z.number().int().describe("Users waiting in the live version"),
    moved: z.number().int(),
    kept: z.number().int().describe("Stay on their version"),
    moves: z.array(z.object({ from: z.string(), to: z.string().nullable(), users: z.number().int(), notReceivedAgain: z.array(Count) })),
    notReceivedAgain: z.array(Count).describe("Messages of the new version that moved users already received and will not receive again"),
    mapping: NodeMappingSchema,
    oldNodes: z.array(NodeInfo),
    newNodes: z.array(NodeInfo),
  })
  .meta({ id: "MigrationPlan" });
export type MigrationPlanResult = z.infer<typeof MigrationPlanResult>;

function nodeInfo(graph: Graph) {
  return graph.nodes.map((n) => {
    let label: string = n.type;
    if (n.type === "message") label = n.data.channel === "in_app" ? `in-app · ${n.data.placement}` : n.data.channel === "email" ? `email · ${n.data.subject}` : `webhook · ${n.data.url}`;
    else if (n.type === "wait") label = "for" in n.data ? `wait ${n.data.for}` : `wait until ${n.data.until.event}`;
    else if (n.type === "trigger") label = `trigger · ${n.data.on.type === "event" || n.data.on.type === "behavior" ? n.data.on.event : n.data.on.type}`;
    return { id: n.id, type: n.type, label: label.slice(0, 80) };
  });
}

/** Waiting runs on one version, locked when `lock` (publish), in the engine's shape. */
async function waitingRuns(sql: Sql, flowId: string, versionId: string, lock: boolean): Promise<Run[]> {
  const rows = await sql.query<RunRow>(
    `SELECT id, profile_id, entry, flow_version_id, version, state FROM runs WHERE flow_id = $1 AND flow_version_id = $2 AND status IN ('active', 'waiting') ORDER BY id${lock ? " FOR UPDATE" : ""}`,
    [flowId, versionId],
  );
  return rows.map(runFromRow).filter((r): r is Run => r !== null);
}

function compile(flowId: string, name: string, versionId: string, version: number, graph: Graph, settings: unknown): CompiledFlow {
  return compileFlow({ flowId, flowName: name, versionId, version, graph, settings: settings as never });
}

function checkMapping(oldGraph: Graph, newGraph: Graph, mapping: NodeMapping) {
  const problems = mappingProblems(oldGraph, newGraph, mapping);
  if (problems.length) throw unprocessable("The migration mapping names nodes that do not exist or cannot take users", problems, "invalid_mapping");
}

/** The dry run for publishing the current draft with `mapping`. Nothing is written. */
export async function migrationPlan(db: Db, flowId: string, mapping: NodeMapping = {}, now = Date.now()): Promise<MigrationPlanResult> {
  const flow = await getFlow(db, flowId);
  const newInfo = nodeInfo(flow.graph);
  if (!flow.activeVersionId) {
    return { fromVersion: 0, toVersion: 1, total: 0, moved: 0, kept: 0, moves: [], notReceivedAgain: [], mapping: {}, oldNodes: [], newNodes: newInfo };
  }
  const live = await getVersion(db, flowId, flow.version);
  checkMapping(live.graph, flow.graph, mapping);
  const full = completeMapping(live.graph, flow.graph, mapping);
  const from = compile(flowId, flow.name, live.id, live.version, live.graph, live.settings);
  const to = compile(flowId, flow.name, "draft", flow.version + 1, flow.graph, flow.settings);
  const plan = planMigration(await waitingRuns(db.sql, flowId, live.id, false), from, to, full, now);
  return { ...summary(plan), mapping: full, oldNodes: nodeInfo(live.graph), newNodes: newInfo };
}

function summary(plan: MigrationPlan): MigrationPlan {
  return { fromVersion: plan.fromVersion, toVersion: plan.toVersion, total: plan.total, moved: plan.moved, kept: plan.kept, moves: plan.moves, notReceivedAgain: plan.notReceivedAgain };
}

/** Checks a mapping against the live version and the draft before publishing (422 on unknown nodes). */
export async function checkDraftMapping(db: Db, flowId: string, mapping: NodeMapping): Promise<void> {
  const flow = await getFlow(db, flowId);
  if (!flow.activeVersionId) return;
  const live = await getVersion(db, flowId, flow.version);
  checkMapping(live.graph, flow.graph, mapping);
}

/**
 * Moves the waiting runs of version `fromVersionId` to `toVersionId` by `mapping`, inside the caller's
 * transaction (publish). Each moved run keeps its id; its old timer is cancelled and a new one
 * scheduled; a "migrated" step records where it came from. Returns the plan that was applied.
 */
export async function migrateRuns(sql: Sql, flowId: string, fromVersionId: string, toVersionId: string, mapping: NodeMapping, now = Date.now()): Promise<MigrationPlan> {
  const versions = await sql.query<{ id: string; version: number; graph: Graph; settings: unknown; name: string }>(
    `SELECT v.id, v.version, v.graph, v.settings, f.name FROM flow_versions v JOIN flows f ON f.id = v.flow_id WHERE v.id = ANY($1::text[]) AND v.flow_id = $2`,
    [[fromVersionId, toVersionId], flowId],
  );
  const oldV = versions.find((v) => v.id === fromVersionId);
  const newV = versions.find((v) => v.id === toVersionId);
  if (!oldV || !newV) throw new Error("migrateRuns: unknown version");
  checkMapping(oldV.graph, newV.graph, mapping);
  const full = completeMapping(oldV.graph, newV.graph, mapping);
  const from = compile(flowId, oldV.name, oldV.id, oldV.version, oldV.graph, oldV.settings);
  const to = compile(flowId, newV.name, newV.id, newV.version, newV.graph, newV.settings);
  const runs = await waitingRuns(sql, flowId, fromVersionId, true);
  const plan = planMigration(runs, from, to, full, now);

  const byProfile = new Map<string, Applier>();
  const movedIds: string[] = [];
  for (const r of plan.results) {
    if (!r.moved) continue;
    let applier = byProfile.get(r.run.profileId);
    if (!applier) byProfile.set(r.run.profileId, (applier = new Applier(sql, { id: r.run.profileId, userId: null, traits: {}, summary: {}, lastSeen: new Date(now) })));
    applier.apply(r.run, r.effects);
    movedIds.push(r.run.id);
  }
  // Every Applier shares the transaction's outbox: one write per table for all moved runs.
  await outboxOf(sql).flush();
  if (movedIds.length) {
    await sql.query(`UPDATE runs SET flow_version_id = $2, version = $3, updated_at = now() WHERE id = ANY($1::text[])`, [movedIds, toVersionId, newV.version]);
  }
  return summary(plan);
}

/** The publish body from raw text: empty means none (publish exactly as without a body). */
export function parsePublishBody(text: string): PublishBody {
  if (text.trim() === "") return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`, [], "invalid_json");
  }
  const parsed = PublishBody.safeParse(raw);
  if (!parsed.success) throw badRequest("The request has fields of the wrong shape", zodToDetails(parsed.error));
  return parsed.data;
}

/**
 * Publishes the draft; with a migration, moves the live version's waiting users in the same transaction.
 * `check` runs first inside that transaction (the flow row locked): throwing refuses the publish.
 */
export async function publishWithMigration(db: Db, flowId: string, actor: string, migration: MigrationRequest | undefined, check?: OnPublished) {
  if (migration) await checkDraftMapping(db, flowId, migration.mapping);
  let plan: MigrationPlan | null = null;
  const result = await publishFlow(
    db,
    flowId,
    actor,
    migration || check
      ? async (sql, v) => {
          if (check) await check(sql, v);
          if (migration && v.previousVersionId) plan = await migrateRuns(sql, flowId, v.previousVersionId, v.versionId, migration.mapping);
        }
      : undefined,
  );
  return { ...result, migration: plan as MigrationPlan | null };
}
