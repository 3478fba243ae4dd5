// Inbound CRM webhooks: a source has its own secret and a mapping from payload fields (dotted paths)
// to a userId, traits and optionally an event; each delivery goes through the ingestion pipeline.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Message, Problem } from "./messages";
import { ingest } from "./pipeline";
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

export const SourceKind = z.enum(["hubspot", "salesforce", "custom"]);

/** Suggested mappings for the common CRMs' payloads. */
export const MAPPING_TEMPLATES: Record<z.infer<typeof SourceKind>, z.input<typeof SourceMapping>> = {
  // HubSpot webhooks: an array of {objectId, propertyName, propertyValue, occurredAt, eventId, ...}.
  hubspot: { userId: "objectId", dynamicTrait: { name: "propertyName", value: "propertyValue" }, timestamp: "occurredAt", messageId: "eventId" },
  // Salesforce (a Flow or Apex callout, or a REST query result): {records: [{Id, Email, FirstName, ...}]}.
  salesforce: { records: "records", userId: "Id", traits: { email: "Email", firstName: "FirstName", lastName: "LastName", title: "Title", company: "Account.Name" } },
  custom: { userId: "userId", traitsFrom: "traits" },
};

export const SourceInput = z
  .object({
    name: z.string().trim().min(1, "A source needs a name").max(200),
    kind: SourceKind.default("custom"),
    mapping: SourceMapping.optional(),
    enabled: z.boolean().default(true),
  })
  .meta({ id: "SourceInput" });

export const SourceUpdate = z
  .object({ name: z.string().trim().min(1).max(200).optional(), mapping: SourceMapping.optional(), enabled: z.boolean().optional() })
  .meta({ id: "SourceUpdate" });

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
    webhookPath: z.string(),
  })
  .meta({ id: "Source" });
export type SourceView = z.infer<typeof SourceView>;

type SourceRow = { id: string; name: string; kind: string; secret_prefix: string; mapping: unknown; enabled: boolean; received_count: number; last_received_at: Date | null; last_error: string | null; created_at: Date; secret_hash?: string };

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

const view = (r: SourceRow): SourceView => ({
  id: r.id,
  name: r.name,
  kind: SourceKind.catch("custom").parse(r.kind),
  secretPrefix: r.secret_prefix,
  mapping: SourceMapping.catch(SourceMapping.parse(MAPPING_TEMPLATES.custom)).parse(r.mapping),
  enabled: r.enabled,
  receivedCount: r.received_count,
  lastReceivedAt: r.last_received_at ? r.last_received_at.toISOString() : null,
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  webhookPath: `/api/v1/sources/${r.id}/webhook`,
});

const COLS = `id, name, kind, secret_prefix, mapping, enabled, received_count, last_received_at, last_error, created_at`;

const newSecret = () => `pw_src_${randomBytes(24).toString("base64url")}`;

export async function listSources(db: Db): Promise<SourceView[]> {
  return (await db.sql.query<SourceRow>(`SELECT ${COLS} FROM sources ORDER BY created_at`)).map(view);
}

export async function getSource(db: Db, id: string): Promise<SourceView | null> {
  const [r] = await db.sql.query<SourceRow>(`SELECT ${COLS} FROM sources WHERE id = $1`, [id]);
  return r ? view(r) : null;
}

/** Creates a source; its secret is returned once and stored hashed. */
export async function createSource(db: Db, input: z.input<typeof SourceInput>): Promise<{ source: SourceView; secret: string }> {
  const data = SourceInput.parse(input);
  const mapping = data.mapping ?? SourceMapping.parse(MAPPING_TEMPLATES[data.kind]);
  const secret = newSecret();
  const [r] = await db.sql.query<SourceRow>(
    `INSERT INTO sources (name, kind, secret_hash, secret_prefix, mapping, enabled) VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING ${COLS}`,
    [data.name, data.kind, sha256(secret), secret.slice(0, 11), JSON.stringify(mapping), data.enabled],
  );
  return { source: view(r), secret };
}

export async function updateSource(db: Db, id: string, input: z.infer<typeof SourceUpdate>): Promise<SourceView | null> {
  const [r] = await db.sql.query<SourceRow>(
    `UPDATE sources SET name = COALESCE($2, name), mapping = COALESCE($3::jsonb, mapping), enabled = COALESCE($4, enabled), updated_at = now()
      WHERE id = $1 RETURNING ${COLS}`,
    [id, input.name ?? null, input.mapping ? JSON.stringify(input.mapping) : null, input.enabled ?? null],
  );
  return r ? view(r) : null;
}

export async function rotateSourceSecret(db: Db, id: string): Promise<string | null> {
  const secret = newSecret();
  const rows = await db.sql.query(`UPDATE sources SET secret_hash = $2, secret_prefix = $3, updated_at = now() WHERE id = $1 RETURNING id`, [id, sha256(secret), secret.slice(0, 11)]);
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
  | { ok: true; records: number; accepted: number; errors: Problem[] }
  | { ok: false; status: 400 | 401 | 403 | 404; message: string; details?: Problem[] };

/** Authenticates a delivery with the source's own secret and ingests what the mapping finds in it. */
export async function receiveWebhook(db: Db, id: string, secret: string | null, payload: unknown): Promise<WebhookOutcome> {
  const [src] = await db.sql.query<SourceRow>(`SELECT ${COLS}, secret_hash FROM sources WHERE id = $1`, [id]);
  if (!src) return { ok: false, status: 404, message: "Source not found" };
  const presented = Buffer.from(sha256(secret ?? ""), "hex");
  if (!secret || !timingSafeEqual(presented, Buffer.from(src.secret_hash!, "hex"))) return { ok: false, status: 401, message: "Missing or wrong source secret" };
  if (!src.enabled) return { ok: false, status: 403, message: "This source is disabled" };
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
