// Inbound CRM webhooks: a source has its own secret and a mapping from payload fields (dotted paths)
// to a userId, traits and optionally an event; each delivery goes through the ingestion pipeline.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Message, Problem } from "./messages";
import { ingest } from "./pipeline";
import { isStreamKind, NatsSourceInput, RabbitSourceInput, redactUrl, StreamConfig, StreamSourceUpdate, type StreamSourceInput } from "@/lib/streams/config";
import { sourcesKey, seal } from "@/lib/streams/seal";
import { HEARTBEAT_STALE_SECONDS } from "@/lib/streams/heartbeat";
import { COHORT_KINDS, receiveCohortSync } from "@/lib/streams/cohorts";
import { dict } from "@/lib/dict";

/** A dotted path into the payload: "properties.email", "contacts.0.id"; "$" is the record itself. */
const Path = z.string().trim().min(1).max(256);

export const SourceMapping = z
  .object({
    /** Where the records are: a path to an array (or one object). Default: the payload, or each element when it is an array. */
    records: Path.optional(),
    userId: Path,
    anonymousId: Path.optional(),
    /** trait name → path. */
    traits: z.record(z.string().min(1).max(128), Path).default({}),
    /** A path to an object whose every key becomes a trait (e.g. a CRM's "properties"). */
    traitsFrom: Path.optional(),
    /** One trait whose name and value are both in the record (HubSpot's propertyName/propertyValue). */
    dynamicTrait: z.object({ name: Path, value: Path }).optional(),
    /** Also record an event per record. */
    event: z
      .object({
        name: z.string().min(1).max(256).optional(),
        nameFrom: Path.optional(),
        properties: z.record(z.string().min(1).max(128), Path).default({}),
      })
      .refine((e) => e.name || e.nameFrom, "An event needs a name or a nameFrom path")
      .optional(),
    /** A path to the record's time (ISO 8601 or epoch milliseconds). */
    timestamp: Path.optional(),
    /** A path to a delivery id, so a retried delivery is not applied twice. */
    messageId: Path.optional(),
  })
  .meta({ id: "SourceMapping" });
export type SourceMapping = z.infer<typeof SourceMapping>;

export const PreviewBody = z.object({ mapping: SourceMapping.optional(), payload: z.unknown() }).meta({ id: "SourcePreviewBody" });

/** Sources that receive webhooks: CRMs (mapped) and analytics platforms' cohort syncs. */
export const WebhookKind = z.enum(["hubspot", "salesforce", "custom", "mixpanel", "amplitude"]);
/** Every kind: webhooks, and stream sources that consume from a broker. */
export const SourceKind = z.enum(["hubspot", "salesforce", "custom", "mixpanel", "amplitude", "rabbitmq", "nats"]);
type MappedKind = "hubspot" | "salesforce" | "custom";

/** Suggested mappings for the common CRMs' payloads. */
export const MAPPING_TEMPLATES: Record<MappedKind, z.input<typeof SourceMapping>> = {
  // HubSpot webhooks: an array of {objectId, propertyName, propertyValue, occurredAt, eventId, ...}.
  hubspot: { userId: "objectId", dynamicTrait: { name: "propertyName", value: "propertyValue" }, timestamp: "occurredAt", messageId: "eventId" },
  // Salesforce (a Flow or Apex callout, or a REST query result): {records: [{Id, Email, FirstName, ...}]}.
  salesforce: { records: "records", userId: "Id", traits: { email: "Email", firstName: "FirstName", lastName: "LastName", title: "Title", company: "Account.Name" } },
  custom: { userId: "userId", traitsFrom: "traits" },
};

export const SourceInput = z
  .object({
    name: z.string().trim().min(1, "A source needs a name").max(200),
    kind: WebhookKind.default("custom"),
    mapping: SourceMapping.optional(),
    enabled: z.boolean().default(true),
  })
  .meta({ id: "SourceInput" });

/** POST /api/v1/sources: a webhook source, or a stream source (kind rabbitmq or nats). */
export const CreateSourceBody = z.union([RabbitSourceInput, NatsSourceInput, SourceInput]).meta({ id: "CreateSourceBody" });
export type CreateSourceBody = z.input<typeof SourceInput> | StreamSourceInput;

/** Picks the schema by kind, so that errors name the fields of the kind meant (a union would not). */
export function parseCreateSource(raw: unknown) {
  const kind = raw && typeof raw === "object" ? (raw as { kind?: unknown }).kind : undefined;
  if (kind === "rabbitmq") return RabbitSourceInput.safeParse(raw);
  if (kind === "nats") return NatsSourceInput.safeParse(raw);
  return SourceInput.safeParse(raw);
}

export const SourceUpdate = z
  .object({ name: z.string().trim().min(1).max(200).optional(), mapping: SourceMapping.optional(), enabled: z.boolean().optional(), ...StreamSourceUpdate.shape })
  .meta({ id: "SourceUpdate" });

export const SourceStatus = z.enum(["connected", "connecting", "paused", "error"]);
export const ConsumerView = z
  .object({ instance: z.string(), status: z.string(), lastError: z.string().nullable(), lag: z.number().nullable(), heartbeatAt: z.string() })
  .meta({ id: "SourceConsumer" });

export const SourceView = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: SourceKind,
    secretPrefix: z.string(),
    mapping: SourceMapping,
    enabled: z.boolean(),
    receivedCount: z.number().int(),
    lastReceivedAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    /** Webhook kinds: where deliveries are posted. Stream kinds: null. */
    webhookPath: z.string().nullable(),
    status: SourceStatus.describe("Stream kinds: from the consuming instances' heartbeats; webhook kinds: connected unless disabled"),
    consumed: z.number().int().describe("Messages stored (stream kinds) or deliveries received (webhook kinds)"),
    failed: z.number().int().describe("Messages kept as dead letters"),
    lag: z.number().int().nullable().describe("Messages the broker still holds for Pathwise, where it reports it"),
    config: StreamConfig.optional(),
    consumers: z.array(ConsumerView).optional().describe("Stream kinds: the instances consuming it now"),
  })
  .meta({ id: "Source" });
export type SourceView = z.infer<typeof SourceView>;

type SourceRow = {
  id: string;
  name: string;
  kind: string;
  secret_prefix: string;
  mapping: unknown;
  enabled: boolean;
  received_count: number;
  last_received_at: Date | null;
  last_error: string | null;
  created_at: Date;
  config: StreamConfig;
  consumed_count: number;
  failed_count: number;
  secret_hash?: string;
};
type ConsumerRow = { source_id: string; instance: string; status: string; last_error: string | null; lag: number | null; heartbeat_at: Date };

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** A stream source's status from its consumers' fresh heartbeats: connected if any instance is. */
function streamStatus(r: SourceRow, consumers: ConsumerRow[]): { status: z.infer<typeof SourceStatus>; lastError: string | null } {
  if (!r.enabled) return { status: "paused", lastError: null };
  const fresh = consumers.filter((c) => Date.now() - c.heartbeat_at.getTime() < HEARTBEAT_STALE_SECONDS * 1000);
  const latestError = fresh.filter((c) => c.last_error).sort((a, b) => b.heartbeat_at.getTime() - a.heartbeat_at.getTime())[0]?.last_error ?? null;
  if (fresh.some((c) => c.status === "connected")) return { status: "connected", lastError: latestError };
  if (fresh.some((c) => c.status === "error")) return { status: "error", lastError: latestError };
  return { status: "connecting", lastError: fresh.length ? latestError : "No running instance has started consuming this source yet" };
}

const view = (r: SourceRow, consumers: ConsumerRow[] = []): SourceView => {
  const kind = SourceKind.catch("custom").parse(r.kind);
  const stream = isStreamKind(kind);
  const st = stream ? streamStatus(r, consumers) : { status: r.enabled ? ("connected" as const) : ("paused" as const), lastError: r.last_error };
  const fresh = consumers.filter((c) => Date.now() - c.heartbeat_at.getTime() < HEARTBEAT_STALE_SECONDS * 1000);
  const lags = fresh.map((c) => c.lag).filter((n): n is number => n !== null);
  return {
    id: r.id,
    name: r.name,
    kind,
    secretPrefix: stream ? "" : r.secret_prefix,
    mapping: SourceMapping.catch(SourceMapping.parse(MAPPING_TEMPLATES.custom)).parse(r.mapping),
    enabled: r.enabled,
    receivedCount: r.received_count,
    lastReceivedAt: r.last_received_at ? r.last_received_at.toISOString() : null,
    lastError: st.lastError,
    createdAt: r.created_at.toISOString(),
    webhookPath: stream ? null : `/api/v1/sources/${r.id}/webhook`,
    status: st.status,
    consumed: stream ? r.consumed_count : r.received_count,
    failed: r.failed_count,
    lag: stream && lags.length ? Math.min(...lags) : null,
    ...(stream
      ? {
          config: r.config,
          consumers: fresh.map((c) => ({ instance: c.instance, status: c.status, lastError: c.last_error, lag: c.lag, heartbeatAt: c.heartbeat_at.toISOString() })),
        }
      : {}),
  };
};

const COLS = `id, name, kind, secret_prefix, mapping, enabled, received_count, last_received_at, last_error, created_at, config, consumed_count, failed_count`;

async function consumersOf(db: Db, ids: string[]): Promise<Map<string, ConsumerRow[]>> {
  const out = new Map<string, ConsumerRow[]>();
  if (!ids.length) return out;
  const rows = await db.sql.query<ConsumerRow>(`SELECT source_id, instance, status, last_error, lag, heartbeat_at FROM source_consumers WHERE source_id = ANY($1::text[]) ORDER BY instance`, [ids]);
  for (const r of rows) out.set(r.source_id, [...(out.get(r.source_id) ?? []), r]);
  return out;
}

const newSecret = () => `pw_src_${randomBytes(24).toString("base64url")}`;

export async function listSources(db: Db): Promise<SourceView[]> {
  const rows = await db.sql.query<SourceRow>(`SELECT ${COLS} FROM sources ORDER BY created_at`);
  const consumers = await consumersOf(db, rows.filter((r) => isStreamKind(r.kind)).map((r) => r.id));
  return rows.map((r) => view(r, consumers.get(r.id)));
}

export async function getSource(db: Db, id: string): Promise<SourceView | null> {
  const [r] = await db.sql.query<SourceRow>(`SELECT ${COLS} FROM sources WHERE id = $1`, [id]);
  if (!r) return null;
  return view(r, isStreamKind(r.kind) ? (await consumersOf(db, [id])).get(id) : []);
}

/** What is stored for a stream source: the URL sealed, and shown back only with its password hidden. */
async function streamSettings(db: Db, input: { url?: string; urlEnv?: string; queue?: string; stream?: string; subject?: string; prefetch?: number }, base: StreamConfig = {}) {
  const config: StreamConfig = { ...base };
  let credentials: string | null | undefined;
  if (input.url) {
    config.url = redactUrl(input.url);
    delete config.urlEnv;
    credentials = seal(await sourcesKey(db.sql), input.url);
  } else if (input.urlEnv) {
    config.urlEnv = input.urlEnv;
    delete config.url;
    credentials = null;
  }
  for (const k of ["queue", "stream", "subject", "prefetch"] as const) if (input[k] !== undefined) (config as Record<string, unknown>)[k] = input[k];
  return { config, credentials };
}

/** Creates a source. Webhook kinds: its secret is returned once and stored hashed. Stream kinds: no secret. */
export async function createSource(db: Db, input: CreateSourceBody): Promise<{ source: SourceView; secret?: string }> {
  if (input.kind === "rabbitmq" || input.kind === "nats") {
    const data = input.kind === "rabbitmq" ? RabbitSourceInput.parse(input) : NatsSourceInput.parse(input);
    const { config, credentials } = await streamSettings(db, data);
    const [r] = await db.sql.query<SourceRow>(
      `INSERT INTO sources (name, kind, secret_hash, secret_prefix, mapping, enabled, config, credentials) VALUES ($1, $2, $3, '', $4::jsonb, $5, $6::jsonb, $7) RETURNING ${COLS}`,
      [data.name, data.kind, sha256(newSecret()), JSON.stringify(SourceMapping.parse(MAPPING_TEMPLATES.custom)), data.enabled, JSON.stringify(config), credentials ?? null],
    );
    return { source: view(r) };
  }
  const data = SourceInput.parse(input);
  const mapping = data.mapping ?? SourceMapping.parse(MAPPING_TEMPLATES[data.kind in MAPPING_TEMPLATES ? (data.kind as MappedKind) : "custom"]);
  const secret = newSecret();
  const [r] = await db.sql.query<SourceRow>(
    `INSERT INTO sources (name, kind, secret_hash, secret_prefix, mapping, enabled) VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING ${COLS}`,
    [data.name, data.kind, sha256(secret), secret.slice(0, 11), JSON.stringify(mapping), data.enabled],
  );
  return { source: view(r), secret };
}

export async function updateSource(db: Db, id: string, input: z.infer<typeof SourceUpdate>): Promise<SourceView | null> {
  const [cur] = await db.sql.query<SourceRow>(`SELECT ${COLS} FROM sources WHERE id = $1`, [id]);
  if (!cur) return null;
  let config: StreamConfig | null = null;
  let credentials: string | null | undefined;
  if (isStreamKind(cur.kind)) ({ config, credentials } = await streamSettings(db, input, cur.config));
  // updated_at changes on every update: running consumers restart with the new settings.
  const [r] = await db.sql.query<SourceRow>(
    `UPDATE sources SET name = COALESCE($2, name), mapping = COALESCE($3::jsonb, mapping), enabled = COALESCE($4, enabled), config = COALESCE($5::jsonb, config),
            credentials = CASE WHEN $6::boolean THEN $7 ELSE credentials END, updated_at = clock_timestamp()
      WHERE id = $1 RETURNING ${COLS}`,
    [id, input.name ?? null, input.mapping ? JSON.stringify(input.mapping) : null, input.enabled ?? null, config ? JSON.stringify(config) : null, credentials !== undefined, credentials ?? null],
  );
  return r ? getSource(db, id) : null;
}

/** Pause (no consuming, no deliveries accepted) or resume a source. */
export async function setSourceEnabled(db: Db, id: string, enabled: boolean): Promise<SourceView | null> {
  const rows = await db.sql.query(`UPDATE sources SET enabled = $2, updated_at = clock_timestamp() WHERE id = $1 RETURNING id`, [id, enabled]);
  return rows.length ? getSource(db, id) : null;
}

export async function rotateSourceSecret(db: Db, id: string): Promise<string | null> {
  const secret = newSecret();
  const rows = await db.sql.query(`UPDATE sources SET secret_hash = $2, secret_prefix = $3, updated_at = now() WHERE id = $1 AND kind <> ALL($4::text[]) RETURNING id`, [
    id,
    sha256(secret),
    secret.slice(0, 11),
    ["rabbitmq", "nats"],
  ]);
  return rows.length ? secret : null;
}

export async function deleteSource(db: Db, id: string): Promise<boolean> {
  return (await db.sql.query(`DELETE FROM sources WHERE id = $1 RETURNING id`, [id])).length > 0;
}

/** Reads a dotted path; "$" (or "") is the value itself. */
export function readPath(value: unknown, path: string): unknown {
  if (path === "$" || path === "") return value;
  let cur = value;
  for (const part of path.replace(/^\$\./, "").split(".")) {
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function toDate(v: unknown): Date | null {
  if (typeof v === "number" && Number.isFinite(v)) return new Date(v);
  if (typeof v === "string" && v) {
    const d = /^\d+$/.test(v) ? new Date(Number(v)) : new Date(v);
    return Number.isFinite(d.getTime()) ? d : null;
  }
  return null;
}

const idText = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : typeof v === "number" && Number.isFinite(v) ? String(v) : null);

export type MappedPayload = { messages: Message[]; errors: Problem[]; records: number };

/** Applies a mapping to a payload: identify (and track) messages per record, and per-record errors. Pure. */
export function mapPayload(mapping: SourceMapping, payload: unknown, sourceId: string, receivedAt: Date): MappedPayload {
  const at = mapping.records ? readPath(payload, mapping.records) : payload;
  const records = Array.isArray(at) ? at : at && typeof at === "object" ? [at] : [];
  const messages: Message[] = [];
  const errors: Problem[] = [];
  records.forEach((rec, i) => {
    const path = mapping.records ? `${mapping.records}.${i}` : Array.isArray(at) ? String(i) : "$";
    const userId = idText(readPath(rec, mapping.userId));
    const anonymousId = mapping.anonymousId ? idText(readPath(rec, mapping.anonymousId)) : null;
    if (!userId && !anonymousId) {
      errors.push({ path: `${path}.${mapping.userId}`, message: `No userId at "${mapping.userId}"` });
      return;
    }
    const traits: Record<string, unknown> = dict();
    if (mapping.traitsFrom) {
      const obj = readPath(rec, mapping.traitsFrom);
      if (obj && typeof obj === "object" && !Array.isArray(obj)) {
        for (const [k, v] of Object.entries(obj)) if (k !== "attributes" && v !== undefined) traits[k] = v;
      }
    }
    for (const [name, p] of Object.entries(mapping.traits)) {
      const v = readPath(rec, p);
      if (v !== undefined) traits[name] = v;
    }
    if (mapping.dynamicTrait) {
      const name = readPath(rec, mapping.dynamicTrait.name);
      if (typeof name === "string" && name) traits[name] = readPath(rec, mapping.dynamicTrait.value) ?? null;
    }
    const timestamp = (mapping.timestamp ? toDate(readPath(rec, mapping.timestamp)) : null) ?? receivedAt;
    const delivery = mapping.messageId ? idText(readPath(rec, mapping.messageId)) : null;
    const base = { userId, anonymousId, previousId: null, context: { source: { id: sourceId } }, timestamp };
    const idFor = (kind: string) => (delivery ? `src-${sourceId}-${delivery}-${kind}` : `src-${sourceId}-${crypto.randomUUID()}`);
    if (Object.keys(traits).length || !mapping.event) {
      messages.push({ ...base, type: "identify", name: "Identify", properties: {}, traits, messageId: idFor("identify"), index: messages.length });
    }
    if (mapping.event) {
      const name = mapping.event.name ?? idText(readPath(rec, mapping.event.nameFrom!));
      if (!name) {
        errors.push({ path: `${path}.${mapping.event.nameFrom}`, message: `No event name at "${mapping.event.nameFrom}"` });
        return;
      }
      const properties: Record<string, unknown> = dict();
      for (const [k, p] of Object.entries(mapping.event.properties)) {
        const v = readPath(rec, p);
        if (v !== undefined) properties[k] = v;
      }
      messages.push({ ...base, type: "track", name, properties, traits: null, messageId: idFor("track"), index: messages.length });
    }
  });
  return { messages, errors, records: records.length };
}

export type WebhookOutcome =
  | { ok: true; records: number; accepted: number; errors: Problem[]; extra?: Record<string, unknown> }
  | { ok: false; status: 400 | 401 | 403 | 404; message: string; details?: Problem[] };

/** Authenticates a delivery with the source's own secret and ingests what the mapping finds in it. */
export async function receiveWebhook(db: Db, id: string, secret: string | null, payload: unknown): Promise<WebhookOutcome> {
  const [src] = await db.sql.query<SourceRow>(`SELECT ${COLS}, secret_hash FROM sources WHERE id = $1`, [id]);
  if (!src || isStreamKind(src.kind)) return { ok: false, status: 404, message: "Source not found" };
  const presented = Buffer.from(sha256(secret ?? ""), "hex");
  if (!secret || !timingSafeEqual(presented, Buffer.from(src.secret_hash!, "hex"))) return { ok: false, status: 401, message: "Missing or wrong source secret" };
  if (!src.enabled) return { ok: false, status: 403, message: "This source is disabled" };
  if ((COHORT_KINDS as readonly string[]).includes(src.kind)) return receiveCohortSync(db, { id, kind: src.kind as (typeof COHORT_KINDS)[number] }, payload);
  const mapping = view(src).mapping;
  const receivedAt = new Date();
  const mapped = mapPayload(mapping, payload, id, receivedAt);
  const note = (error: string | null) =>
    db.sql.query(`UPDATE sources SET received_count = received_count + 1, last_received_at = now(), last_error = $2 WHERE id = $1`, [id, error]);
  if (!mapped.messages.length) {
    const message = mapped.errors.length ? `No record could be mapped: ${mapped.errors[0].message}` : "The payload has no records";
    await note(message);
    return { ok: false, status: 400, message, details: mapped.errors };
  }
  const out = await ingest(db, mapped.messages, { receivedAt, batch: true });
  if (!out.ok) {
    await note(out.message);
    return { ok: false, status: 400, message: out.message, details: out.details };
  }
  await note(mapped.errors.length ? `${mapped.errors.length} record(s) skipped: ${mapped.errors[0].message}` : null);
  return { ok: true, records: mapped.records, accepted: mapped.messages.length, errors: mapped.errors };
}
