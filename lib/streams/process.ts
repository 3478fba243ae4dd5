// From broker deliveries to stored events: each delivery's body is read as Segment-shaped JSON (one
// message or {batch:[…]}) and the valid ones go through the one ingestion entry together; what cannot
// be processed becomes a dead letter with its reason. A delivery is acknowledged only after the
// transaction that stored it (or its dead letter) has committed.
import { createHash } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { BATCH_LIMIT, MESSAGE_TYPES, parseBatch, parseMessage, type Message, type MessageType, type Problem } from "@/lib/ingest/messages";
import { ingest } from "@/lib/ingest/pipeline";
import { assertStorableText } from "@/lib/http/body";
import { ApiError } from "@/lib/http/errors";

export type DeadReason = "bad_json" | "too_large" | "validation" | "tracking_plan";

/** One message as the broker handed it over. */
export type Delivery = {
  body: Buffer;
  /** Stable across redeliveries (JetStream: stream sequence; RabbitMQ: the message-id property or the body's hash). */
  brokerId: string;
  ack(): void;
};

export type Parsed = { ok: true; messages: Message[]; batch: boolean } | { ok: false; reason: DeadReason; message: string; details: Problem[] };

/** Where a kept body may be inspected: whole up to this size, else its beginning. */
const KEEP_BYTES = BATCH_LIMIT;
const PREVIEW_BYTES = 64 * 1024;

/**
 * Reads one delivery. A message without a messageId gets one derived from the broker's id of the
 * delivery, so a redelivery is recognised as the same message and not stored twice.
 */
export function parseDelivery(body: Buffer, brokerId: string, receivedAt: Date): Parsed {
  if (body.length > BATCH_LIMIT) return { ok: false, reason: "too_large", message: `The message is ${body.length} bytes; at most ${BATCH_LIMIT} are accepted`, details: [] };
  const text = body.toString("utf8");
  let raw: unknown;
  try {
    if (!text.trim()) throw new Error("The message is empty");
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: "bad_json", message: `Not valid JSON: ${(err as Error).message}`, details: [] };
  }
  try {
    assertStorableText(text, raw);
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, reason: "validation", message: err.message, details: err.details as Problem[] };
    throw err;
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, reason: "validation", message: "Expected a JSON object: one Segment message or {\"batch\": [...]}", details: [{ path: "", message: "Expected an object" }] };
  }
  const obj = raw as Record<string, unknown>;
  const idFor = (i: number | null) => `${brokerId}${i === null ? "" : `#${i}`}`;
  let out;
  let batch = false;
  if (Array.isArray(obj.batch)) {
    batch = true;
    const items = obj.batch.map((m, i) => (m && typeof m === "object" && !Array.isArray(m) && (m as Record<string, unknown>).messageId == null ? { ...m, messageId: idFor(i) } : m));
    out = parseBatch({ ...obj, batch: items }, receivedAt);
  } else {
    const type = obj.type;
    if (typeof type !== "string" || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
      return { ok: false, reason: "validation", message: `"type" must be one of ${MESSAGE_TYPES.join(", ")} (or send {"batch": [...]})`, details: [{ path: "type", message: "Unknown message type" }] };
    }
    out = parseMessage(type as MessageType, obj.messageId == null ? { ...obj, messageId: idFor(null) } : obj, receivedAt);
  }
  if (!out.ok) return { ok: false, reason: out.status === 413 ? "too_large" : "validation", message: out.message, details: out.details };
  return { ok: true, messages: out.messages, batch };
}

/** The broker id of a RabbitMQ message: its message-id property, else the hash of its body. */
export function contentId(body: Buffer): string {
  return `sha256:${createHash("sha256").update(body).digest("hex").slice(0, 32)}`;
}

export type DeadLetterInput = { reason: DeadReason; message: string; details: Problem[]; body: Buffer; brokerId: string | null };

/** A body as it can be kept: text when PostgreSQL can store it, else base64; long ones cut to a preview. */
export function keepBody(body: Buffer): { body: string; encoding: "utf8" | "base64"; truncated: boolean } {
  const truncated = body.length > KEEP_BYTES;
  const part = truncated ? body.subarray(0, PREVIEW_BYTES) : body;
  const text = part.toString("utf8");
  const storable = Buffer.from(text, "utf8").equals(part) && !text.includes("\u0000");
  return storable ? { body: text, encoding: "utf8", truncated } : { body: part.toString("base64"), encoding: "base64", truncated };
}

export async function storeDeadLetters(db: Db, sourceId: string, items: DeadLetterInput[]): Promise<void> {
  if (!items.length) return;
  const rows = items.map((d) => {
    const kept = keepBody(d.body);
    return { source_id: sourceId, reason: d.reason, message: d.message.slice(0, 2000), details: d.details.slice(0, 50), ...kept, size: d.body.length, broker_id: d.brokerId };
  });
  await db.sql.query(
    `INSERT INTO source_dead_letters (source_id, reason, message, details, body, encoding, size, truncated, broker_id)
     SELECT x.source_id, x.reason, x.message, x.details, x.body, x.encoding, x.size, x.truncated, x.broker_id
       FROM jsonb_to_recordset($1::jsonb) AS x(source_id text, reason text, message text, details jsonb, body text, encoding text, size int, truncated boolean, broker_id text)`,
    [JSON.stringify(rows)],
  );
}

export type BatchOutcome = { stored: number; dead: number };

/**
 * Processes deliveries as one unit of work: the valid messages of all of them are ingested together
 * (one transaction through the shared entry); if the tracking plan rejects that whole, each delivery is
 * ingested alone so that only the offending ones become dead letters. Throws when the database fails:
 * nothing is acknowledged then, and the caller tries again later.
 */
export async function processDeliveries(db: Db, sourceId: string, deliveries: Delivery[], receivedAt = new Date()): Promise<BatchOutcome> {
  const dead: Array<{ d: Delivery; dl: DeadLetterInput }> = [];
  const good: Array<{ d: Delivery; messages: Message[] }> = [];
  for (const d of deliveries) {
    const p = parseDelivery(d.body, d.brokerId, receivedAt);
    if (p.ok) good.push({ d, messages: p.messages });
    else dead.push({ d, dl: { reason: p.reason, message: p.message, details: p.details, body: d.body, brokerId: d.brokerId } });
  }
  const acked: Delivery[] = [];
  if (good.length) {
    const all: Message[] = [];
    for (const g of good) for (const m of g.messages) all.push({ ...m, index: all.length });
    const out = await ingest(db, all, { receivedAt, batch: true });
    if (out.ok) acked.push(...good.map((g) => g.d));
    else {
      for (const g of good) {
        const one = await ingest(db, g.messages, { receivedAt, batch: true });
        if (one.ok) acked.push(g.d);
        else dead.push({ d: g.d, dl: { reason: one.code === "tracking_plan_violation" ? "tracking_plan" : "validation", message: one.message, details: one.details, body: g.d.body, brokerId: g.d.brokerId } });
      }
    }
  }
  for (const d of acked) d.ack();
  await storeDeadLetters(
    db,
    sourceId,
    dead.map((x) => x.dl),
  );
  for (const x of dead) x.d.ack();
  return { stored: acked.length, dead: dead.length };
}
