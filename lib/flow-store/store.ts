// Flows and their immutable published versions: the draft the editor edits, publish, pause, resume,
// restore. Shape errors refuse a write (nothing stored); graph problems are stored with the draft.
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { checkFlow, graphProblems } from "@/lib/flow/validate";
import { Graph, SCHEMA_VERSION, Settings, type FlowDocument, type FlowStatus, type Problem } from "@/lib/flow/schema";
import { upgradeDocument } from "@/lib/flow/upgrade";
import { ApiError, notFound, unprocessable } from "@/lib/http/errors";
import { copyCasesToVersion } from "@/lib/cases/copy";

type FlowRow = {
  id: string;
  name: string;
  description: string | null;
  status: FlowStatus;
  draft: unknown;
  version: number;
  active_version_id: string | null;
  created_at: Date;
  updated_at: Date;
  published_at: Date | null;
};

const FLOW_COLUMNS = `id, name, description, status, draft, version, active_version_id, created_at, updated_at, published_at`;

/** Stable JSON (sorted keys) to tell whether the draft differs from the live version. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

function parseStored(draft: unknown): { graph: Graph; settings: Settings } {
  const doc = upgradeDocument(draft);
  const checked = checkFlow(doc.graph, doc.settings);
  if (checked.ok) return { graph: checked.graph, settings: checked.settings };
  // A stored draft always passed the shape check; fall back to an empty one rather than failing a read.
  return { graph: { nodes: [], edges: [] }, settings: Settings.parse({}) };
}

async function toDocument(sql: Sql, row: FlowRow): Promise<FlowDocument & { activeVersionId: string | null }> {
  const { graph, settings } = parseStored(row.draft);
  let hasUnpublishedChanges = true;
  if (row.active_version_id) {
    const v = await sql.query<{ graph: unknown; settings: unknown }>(`SELECT graph, settings FROM flow_versions WHERE id = $1`, [row.active_version_id]);
    if (v[0]) hasUnpublishedChanges = stableJson({ graph: v[0].graph, settings: v[0].settings }) !== stableJson({ graph, settings });
  }
  return {
    id: row.id,
    name: row.name,
    ...(row.description ? { description: row.description } : {}),
    status: row.status,
    version: row.version,
    graph,
    settings,
    problems: graphProblems(graph, settings),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    publishedAt: row.published_at?.toISOString() ?? null,
    hasUnpublishedChanges,
    activeVersionId: row.active_version_id,
  };
}

function shapeError(details: unknown[]) {
  return unprocessable("The flow cannot be stored: its graph or settings have the wrong shape", details, "invalid_flow");
}

export async function listFlows(db: Db) {
  const rows = await db.sql.query<{ id: string; name: string; status: FlowStatus; version: number; updated_at: Date; created_at: Date; description: string | null }>(
    `SELECT id, name, status, version, updated_at, created_at, description FROM flows ORDER BY updated_at DESC`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, status: r.status, version: r.version, updatedAt: r.updated_at.toISOString(), createdAt: r.created_at.toISOString(), description: r.description }));
}

export async function createFlow(db: Db, input: { name: string; graph?: unknown; settings?: unknown; description?: string }) {
  const checked = checkFlow(input.graph, input.settings);
  if (!checked.ok) throw shapeError(checked.details);
  const draft = { schemaVersion: SCHEMA_VERSION, graph: checked.graph, settings: checked.settings };
  const rows = await db.sql.query<FlowRow>(
    `INSERT INTO flows (name, description, draft, priority) VALUES ($1, $2, $3, $4) RETURNING ${FLOW_COLUMNS}`,
    [input.name, input.description ?? null, JSON.stringify(draft), checked.settings.priority],
  );
  return toDocument(db.sql, rows[0]);
}

export async function getFlow(db: Db, id: string) {
  const rows = await db.sql.query<FlowRow>(`SELECT ${FLOW_COLUMNS} FROM flows WHERE id = $1`, [id]);
  if (!rows[0]) throw notFound("Flow");
  return toDocument(db.sql, rows[0]);
}

export async function updateFlow(db: Db, id: string, input: { name?: string; graph?: unknown; settings?: unknown; description?: string }) {
  return db.tx(async (sql) => {
    const rows = await sql.query<FlowRow>(`SELECT ${FLOW_COLUMNS} FROM flows WHERE id = $1 FOR UPDATE`, [id]);
    const row = rows[0];
    if (!row) throw notFound("Flow");
    const current = parseStored(row.draft);
    const checked = checkFlow(input.graph === undefined ? current.graph : input.graph, input.settings === undefined ? current.settings : input.settings);
    if (!checked.ok) throw shapeError(checked.details);
    const draft = { schemaVersion: SCHEMA_VERSION, graph: checked.graph, settings: checked.settings };
    const updated = await sql.query<FlowRow>(
      `UPDATE flows SET name = $2, description = $3, draft = $4, priority = $5, updated_at = now() WHERE id = $1 RETURNING ${FLOW_COLUMNS}`,
      [id, input.name ?? row.name, input.description ?? row.description, JSON.stringify(draft), checked.settings.priority],
    );
    return toDocument(sql, updated[0]);
  });
}

export async function deleteFlow(db: Db, id: string) {
  const rows = await db.sql.query(`DELETE FROM flows WHERE id = $1 RETURNING id`, [id]);
  if (!rows[0]) throw notFound("Flow");
}

/** Called inside publish's transaction once the new version is live (e.g. to migrate runs onto it). */
export type OnPublished = (sql: Sql, v: { previousVersionId: string | null; versionId: string; version: number }) => Promise<void>;

export async function publishFlow(db: Db, id: string, publishedBy?: string, onPublished?: OnPublished) {
  return db.tx(async (sql) => {
    const rows = await sql.query<FlowRow>(`SELECT ${FLOW_COLUMNS} FROM flows WHERE id = $1 FOR UPDATE`, [id]);
    const row = rows[0];
    if (!row) throw notFound("Flow");
    const { graph, settings } = parseStored(row.draft);
    const problems: Problem[] = graphProblems(graph, settings);
    if (problems.length) {
      throw new ApiError(422, "flow_has_problems", `The flow cannot be published: ${problems.length} problem${problems.length === 1 ? "" : "s"} to fix first`, problems);
    }
    const version = row.version + 1;
    const v = await sql.query<{ id: string }>(
      `INSERT INTO flow_versions (flow_id, version, schema_version, graph, settings, published_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [id, version, SCHEMA_VERSION, JSON.stringify(graph), JSON.stringify(settings), publishedBy ?? null],
    );
    await sql.query(
      `UPDATE flows SET status = 'active', version = $2, active_version_id = $3, published_at = now(), updated_at = now() WHERE id = $1`,
      [id, version, v[0].id],
    );
    await copyCasesToVersion(sql, id, version);
    if (onPublished) await onPublished(sql, { previousVersionId: row.active_version_id, versionId: v[0].id, version });
    return { id, status: "active" as const, version, versionId: v[0].id };
  });
}

export async function setFlowStatus(db: Db, id: string, status: "paused" | "active") {
  const rows = await db.sql.query<{ id: string; status: FlowStatus; version: number }>(
    status === "active"
      ? `UPDATE flows SET status = 'active', updated_at = now() WHERE id = $1 AND version > 0 RETURNING id, status, version`
      : `UPDATE flows SET status = 'paused', updated_at = now() WHERE id = $1 AND version > 0 RETURNING id, status, version`,
    [id],
  );
  if (!rows[0]) {
    const exists = await db.sql.query(`SELECT 1 FROM flows WHERE id = $1`, [id]);
    if (!exists[0]) throw notFound("Flow");
    throw new ApiError(409, "not_published", "The flow has never been published; publish it first");
  }
  return { id, status: rows[0].status, version: rows[0].version };
}

export async function listVersions(db: Db, flowId: string) {
  const exists = await db.sql.query(`SELECT 1 FROM flows WHERE id = $1`, [flowId]);
  if (!exists[0]) throw notFound("Flow");
  const rows = await db.sql.query<{ id: string; version: number; created_at: Date; published_by: string | null }>(
    `SELECT id, version, created_at, published_by FROM flow_versions WHERE flow_id = $1 ORDER BY version DESC`,
    [flowId],
  );
  return rows.map((r) => ({ id: r.id, version: r.version, publishedAt: r.created_at.toISOString(), publishedBy: r.published_by }));
}

export async function getVersion(db: Db, flowId: string, version: number) {
  const rows = await db.sql.query<{ id: string; version: number; graph: unknown; settings: unknown; created_at: Date; published_by: string | null; schema_version: number }>(
    `SELECT id, version, graph, settings, created_at, published_by, schema_version FROM flow_versions WHERE flow_id = $1 AND version = $2`,
    [flowId, version],
  );
  const r = rows[0];
  if (!r) throw notFound("Flow version");
  const { graph, settings } = parseStored({ schemaVersion: r.schema_version, graph: r.graph, settings: r.settings });
  return { id: r.id, flowId, version: r.version, graph, settings, publishedAt: r.created_at.toISOString(), publishedBy: r.published_by };
}

/** Makes a published version the draft again (roll back); the live version is unchanged until publish. */
export async function restoreVersion(db: Db, flowId: string, version: number) {
  const v = await getVersion(db, flowId, version);
  return updateFlow(db, flowId, { graph: v.graph, settings: v.settings });
}
