// Segment-compatible message shapes (docs/api.md §4): the zod schemas every ingestion endpoint validates
// with, the size limits, and the normalisation of a message into what the pipeline stores.
import { randomUUID } from "node:crypto";
import { z } from "zod";

export const MESSAGE_LIMIT = 32 * 1024;
export const BATCH_LIMIT = 500 * 1024;

export const MESSAGE_TYPES = ["track", "identify", "page", "screen", "group", "alias"] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

// Segment accepts numeric ids and stores them as strings; so do we.
const Id = z.union([z.string().min(1).max(256), z.number().finite()]).transform((v) => String(v));
// Not z.record: it drops a "__proto__" key, and user data may use any key. The object is kept as
// parsed (JSON.parse makes every key an own property); readers treat it as a dictionary.
const isDict = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const Dict = z.custom<Record<string, unknown>>(isDict, { message: "Expected an object" }).meta({ type: "object", additionalProperties: {} });

const EARLIEST = Date.parse("0001-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");
const IsoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, "Expected an ISO 8601 date-time")
  .refine((s) => Number.isFinite(Date.parse(s)), "Expected an ISO 8601 date-time")
  // PostgreSQL has no year 0 (and JavaScript's Date writes years past 9999 in a form it does not read).
  .refine((s) => Date.parse(s) >= EARLIEST && Date.parse(s) <= LATEST, "Expected a date-time between the years 0001 and 9999");

const common = {
  userId: Id.nullish(),
  anonymousId: Id.nullish(),
  timestamp: IsoTime.nullish(),
  messageId: z.string().min(1).max(256).nullish(),
  context: Dict.nullish(),
  integrations: Dict.nullish(),
};

const needsId = <T extends { userId?: string | null; anonymousId?: string | null }>(m: T, ctx: z.RefinementCtx) => {
  if (!m.userId && !m.anonymousId) {
    ctx.addIssue({ code: "custom", path: ["userId"], message: "Every message needs a userId or an anonymousId" });
  }
};

export const TrackMessage = z
  .object({ ...common, event: z.string().min(1).max(256), properties: Dict.nullish() })
  .loose()
  .superRefine(needsId)
  .meta({ id: "TrackMessage" });

export const IdentifyMessage = z
  .object({ ...common, traits: Dict.nullish() })
  .loose()
  .superRefine(needsId)
  .meta({ id: "IdentifyMessage" });

export const PageMessage = z
  .object({ ...common, name: z.string().max(256).nullish(), category: z.string().max(256).nullish(), properties: Dict.nullish() })
  .loose()
  .superRefine(needsId)
  .meta({ id: "PageMessage" });

export const ScreenMessage = z
  .object({ ...common, name: z.string().max(256).nullish(), category: z.string().max(256).nullish(), properties: Dict.nullish() })
  .loose()
  .superRefine(needsId)
  .meta({ id: "ScreenMessage" });

export const GroupMessage = z
  .object({ ...common, groupId: Id, traits: Dict.nullish() })
  .loose()
  .superRefine(needsId)
  .meta({ id: "GroupMessage" });

export const AliasMessage = z
  .object({ ...common, previousId: Id, userId: Id })
  .loose()
  .meta({ id: "AliasMessage" });

const SCHEMAS = { track: TrackMessage, identify: IdentifyMessage, page: PageMessage, screen: ScreenMessage, group: GroupMessage, alias: AliasMessage } as const;

export const BatchBody = z
  .object({
    batch: z.array(z.object({ type: z.enum(MESSAGE_TYPES) }).loose()).max(10_000),
    context: Dict.nullish(),
    integrations: Dict.nullish(),
  })
  .loose()
  .meta({ id: "BatchBody" });

export const IngestResult = z.object({ success: z.literal(true) }).meta({ id: "IngestResult" });
export const BatchResult = z.object({ success: z.literal(true), accepted: z.number().int() }).meta({ id: "BatchResult" });

/** A message ready for the pipeline: ids resolved to strings, page folded into an event. */
export type Message = {
  type: MessageType;
  userId: string | null;
  anonymousId: string | null;
  /** alias only: the id being joined to userId. */
  previousId: string | null;
  /** The stored event name: the track event, "Page Viewed", "Screen Viewed", "Identify", "Group" or "Alias". */
  name: string;
  properties: Record<string, unknown>;
  /** identify: the person's traits; group: the group's traits. */
  traits: Record<string, unknown> | null;
  /** group only: the group (account) the person belongs to. */
  groupId?: string;
  context: Record<string, unknown>;
  timestamp: Date;
  messageId: string;
  /** Index within the request (arrival order). */
  index: number;
};

export type Problem = { path: string; message: string; code?: string };
export type ParseFailure = { ok: false; status: 400 | 413; message: string; details: Problem[] };
export type ParseResult = { ok: true; messages: Message[] } | ParseFailure;

const PAGE_FIELDS = ["path", "url", "title", "referrer", "search"] as const;

function normalise(type: MessageType, data: Record<string, unknown>, index: number, receivedAt: Date, batchContext?: Record<string, unknown> | null): Message {
  const str = (v: unknown) => (v === undefined || v === null || v === "" ? null : String(v));
  const context = { ...(batchContext ?? {}), ...((data.context as Record<string, unknown> | null) ?? {}) };
  const timestamp = typeof data.timestamp === "string" ? new Date(data.timestamp) : receivedAt;
  const messageId = str(data.messageId) ?? `pw-${randomUUID()}`;
  const base = { type, userId: str(data.userId), anonymousId: str(data.anonymousId), previousId: null, context, timestamp, messageId, index, traits: null };
  switch (type) {
    case "track":
      return { ...base, name: String(data.event), properties: (data.properties as Record<string, unknown>) ?? {} };
    case "page": {
      // Stored as "Page Viewed" with name/path/url as given: from the properties, else from context.page.
      const properties: Record<string, unknown> = { ...((data.properties as Record<string, unknown>) ?? {}) };
      if (data.name != null && properties.name === undefined) properties.name = data.name;
      if (data.category != null && properties.category === undefined) properties.category = data.category;
      const page = (context.page as Record<string, unknown> | undefined) ?? {};
      for (const f of PAGE_FIELDS) if (properties[f] === undefined && page[f] !== undefined) properties[f] = page[f];
      return { ...base, name: "Page Viewed", properties };
    }
    case "screen": {
      // A mobile screen view, stored as "Screen Viewed" with its name and category in the properties.
      const properties: Record<string, unknown> = { ...((data.properties as Record<string, unknown>) ?? {}) };
      if (data.name != null && properties.name === undefined) properties.name = data.name;
      if (data.category != null && properties.category === undefined) properties.category = data.category;
      return { ...base, name: "Screen Viewed", properties };
    }
    case "identify":
      return { ...base, name: "Identify", properties: {}, traits: (data.traits as Record<string, unknown>) ?? {} };
    case "group": {
      const traits = (data.traits as Record<string, unknown>) ?? {};
      const groupId = String(data.groupId);
      return { ...base, name: "Group", properties: { groupId, traits }, traits, groupId };
    }
    case "alias":
      return { ...base, name: "Alias", properties: { previousId: str(data.previousId) }, previousId: str(data.previousId), anonymousId: null };
  }
}

function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
}

function validateOne(type: MessageType, raw: unknown, prefix: string): { ok: true; data: Record<string, unknown> } | { ok: false; details: Problem[] } {
  const parsed = SCHEMAS[type].safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data as Record<string, unknown> };
  return {
    ok: false,
    details: parsed.error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join("."), message: i.message, code: i.code })),
  };
}

const notObject = (path: string): ParseFailure => ({ ok: false, status: 400, message: "The message must be a JSON object", details: [{ path, message: "Expected an object" }] });

/** One message of a single-message endpoint (track, identify, page, screen, group, alias). */
export function parseMessage(type: MessageType, raw: unknown, receivedAt: Date): ParseResult {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return notObject("");
  if (byteLength(raw) > MESSAGE_LIMIT) return { ok: false, status: 413, message: `A message may be at most ${MESSAGE_LIMIT} bytes`, details: [] };
  const r = validateOne(type, raw, "");
  if (!r.ok) return { ok: false, status: 400, message: `The message is invalid: ${describe(r.details)}`, details: r.details };
  return { ok: true, messages: [normalise(type, r.data, 0, receivedAt)] };
}

/** A whole batch, validated before anything is stored: the first problems name their index. */
export function parseBatch(raw: unknown, receivedAt: Date): ParseResult {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return notObject("");
  const body = BatchBody.safeParse(raw);
  if (!body.success) {
    const details = body.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message, code: i.code }));
    return { ok: false, status: 400, message: `The batch is invalid: ${describe(details)}`, details };
  }
  const items = (raw as { batch: unknown[] }).batch;
  const details: Problem[] = [];
  const messages: Message[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Record<string, unknown>;
    if (byteLength(item) > MESSAGE_LIMIT) {
      return { ok: false, status: 413, message: `Message batch.${i} is larger than ${MESSAGE_LIMIT} bytes`, details: [{ path: `batch.${i}`, message: "Message too large" }] };
    }
    const type = item.type as MessageType;
    const r = validateOne(type, item, `batch.${i}`);
    if (!r.ok) details.push(...r.details);
    else if (!details.length) messages.push(normalise(type, r.data, i, receivedAt, body.data.context));
  }
  if (details.length) return { ok: false, status: 400, message: `The batch was not stored; invalid messages: ${describe(details)}`, details };
  return { ok: true, messages };
}

function describe(details: Problem[]): string {
  return details
    .slice(0, 3)
    .map((d) => `${d.path || "(body)"}: ${d.message}`)
    .join("; ");
}
