// The HTTP side of the Segment-compatible endpoints, shared by track/identify/page/alias/batch:
// body limits (413), write-key auth (header, or the body's writeKey as analytics.js sends it),
// CORS for browsers, and the pipeline's outcome as CONTRACT §3 answers.
import { route, authenticate, sameOrigin, type Principal } from "@/lib/http/route";
import { ApiError, forbidden, unauthorized } from "@/lib/http/errors";
import { assertStorableText, readText } from "@/lib/http/body";
import { callerOf, enforceRateLimit } from "@/lib/http/rate-limit";
import { withFairShare } from "@/lib/http/fair-gate";
import { findKey } from "@/lib/auth/keys";
import type { Db } from "@/lib/db/client";
import { BATCH_LIMIT, MESSAGE_LIMIT, parseBatch, parseMessage, type MessageType } from "./messages";
import { ingest } from "./pipeline";
import { checkIngestIdentity } from "@/lib/auth/identity-verification";
import { CORS_HEADERS, corsPreflight } from "@/lib/http/cors";

export { CORS_HEADERS, corsPreflight };

const withCors = (err: ApiError) => new ApiError(err.status, err.code, err.message, err.details, { ...err.headers, ...CORS_HEADERS });

/** The caller; an unknown one drains its address's ingestion budget (slows key guessing): 429 when spent. */
async function who(req: Request, db: Db, body: unknown): Promise<Principal> {
  return findCaller(req, db, body).catch(async (err) => {
    await enforceRateLimit(req, "write", null);
    throw err;
  });
}

async function findCaller(req: Request, db: Db, body: unknown): Promise<Principal> {
  const hasHeader = req.headers.has("authorization");
  const p = await authenticate(req, db);
  if (p) {
    // The same CSRF rule as every other cookie-authenticated mutation: Sec-Fetch-Site, else Origin.
    if (p.kind === "session" && !sameOrigin(req)) throw forbidden("Cross-origin requests may not use the console session");
    return p;
  }
  if (hasHeader) throw unauthorized();
  // analytics.js posts with text/plain and the write key in the body (no preflight, no header).
  const writeKey = body && typeof body === "object" ? (body as { writeKey?: unknown }).writeKey : undefined;
  if (typeof writeKey === "string" && writeKey) {
    const key = await findKey(db, writeKey);
    if (key) return { kind: key.kind, keyId: key.id, name: key.name, role: key.kind === "secret" ? "admin" : null, actor: `${key.kind === "secret" ? "key" : "write-key"}:${key.name}` } as Principal;
  }
  throw unauthorized();
}

function parseJson(text: string): unknown {
  if (text.trim() === "") throw new ApiError(400, "invalid_json", "The request body is empty; send a JSON object");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, "invalid_json", `The request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** POST handler of one ingestion endpoint. */
export function ingestRoute(type: MessageType | "batch") {
  return route({ name: `ingest.${type}`, access: "public" }, async ({ req, db }) => {
    try {
      const receivedAt = new Date();
      const limit = type === "batch" ? BATCH_LIMIT : MESSAGE_LIMIT;
      const text = await readText(req, limit);
      let raw: unknown;
      try {
        raw = parseJson(text);
      } catch (err) {
        // Who is asking comes first: a stranger's malformed body is a 401, not a 400.
        await enforceRateLimit(req, "write", await who(req, db, undefined));
        throw err;
      }
      const principal = await who(req, db, raw);
      // Limits count messages, not requests: a batch of 500 costs 500 (at least 1 for a bad body).
      const size = type === "batch" && raw && typeof raw === "object" && Array.isArray((raw as { batch?: unknown }).batch) ? (raw as { batch: unknown[] }).batch.length : 1;
      await enforceRateLimit(req, "write", principal, Math.max(1, size));
      assertStorableText(text, raw);
      const parsed = type === "batch" ? parseBatch(raw, receivedAt) : parseMessage(type, raw, receivedAt);
      if (!parsed.ok) throw new ApiError(parsed.status, parsed.status === 413 ? "payload_too_large" : "invalid_request", parsed.message, parsed.details);
      const verified = await checkIngestIdentity(db.sql, principal, req, type, raw);
      if (!verified.ok) throw forbidden(verified.message);
      // One key's flood waits behind itself: this instance's slots are shared fairly between callers.
      const out = await withFairShare(callerOf(req, principal), () => ingest(db, parsed.messages, { receivedAt, batch: type === "batch" }));
      if (!out.ok) throw new ApiError(out.status, out.code, out.message, out.details);
      return Response.json(type === "batch" ? { success: true, accepted: out.accepted } : { success: true }, { headers: CORS_HEADERS });
    } catch (err) {
      throw err instanceof ApiError ? withCors(err) : err;
    }
  });
}

