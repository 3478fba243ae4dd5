// POST /api/v1/outcomes (docs/api.md §6): shown / clicked / dismissed for a decision.
import { route } from "@/lib/http/route";
import { corsPreflight } from "@/lib/http/cors";
import { KB } from "@/lib/http/body";
import { notFound } from "@/lib/http/errors";
import { OutcomeBody, recordOutcome } from "@/lib/runtime/decide";

export const POST = route({ name: "outcomes", access: "write", cors: true, body: OutcomeBody, limit: 16 * KB }, async ({ db, body }) => {
  const result = await recordOutcome(db.sql, body);
  if (!result) throw notFound("Decision");
  return { success: true, recorded: result.recorded };
});

export const OPTIONS = corsPreflight;
