// The HTTP side of the Segment-compatible endpoints, shared by track/identify/page/alias/batch:
// route()'s ingestion mode does the body limit (413), the write key (header, or the body's writeKey as
// analytics.js sends it), rate limits and CORS; this checks the messages and hands them to the pipeline.
import { route } from "@/lib/http/route";
import { ApiError, forbidden } from "@/lib/http/errors";
import { BATCH_LIMIT, MESSAGE_LIMIT, parseBatch, parseMessage, type MessageType } from "./messages";
import { ingestGrouped } from "./group-commit";
import { checkIngestIdentity } from "@/lib/auth/identity-verification";
import { CORS_HEADERS, corsPreflight } from "@/lib/http/cors";

export { CORS_HEADERS, corsPreflight };

/** POST handler of one ingestion endpoint. */
export function ingestRoute(type: MessageType | "batch") {
  return route(
    { name: `ingest.${type}`, access: "write", ingest: true, cors: true, limit: type === "batch" ? BATCH_LIMIT : MESSAGE_LIMIT },
    async ({ req, db, principal, body: raw }) => {
      const receivedAt = new Date();
      const parsed = type === "batch" ? parseBatch(raw, receivedAt) : parseMessage(type, raw, receivedAt);
      if (!parsed.ok) throw new ApiError(parsed.status, parsed.status === 413 ? "payload_too_large" : "invalid_request", parsed.message, parsed.details);
      const verified = await checkIngestIdentity(db.sql, principal, req, type, raw);
      if (!verified.ok) throw forbidden(verified.message);
      // Written together with other requests arriving meanwhile; answered once that transaction commits.
      const out = await ingestGrouped(db, parsed.messages, { receivedAt, batch: type === "batch" });
      if (!out.ok) throw new ApiError(out.status, out.code, out.message, out.details);
      return type === "batch" ? { success: true, accepted: out.accepted } : { success: true };
    },
  );
}
