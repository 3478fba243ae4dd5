// POST /api/v1/decide (CONTRACT §6): per placement, the in_app content the user's runs have reached.
import { route } from "@/lib/http/route";
import { corsPreflight } from "@/lib/http/cors";
import { KB } from "@/lib/http/body";
import { forbidden } from "@/lib/http/errors";
import { DecideBody, decide } from "@/lib/runtime/decide";
import { checkDecideIdentity } from "@/lib/auth/identity-verification";

export const POST = route({ name: "decide", access: "write", cors: true, body: DecideBody, limit: 32 * KB }, async ({ db, body, principal, req }) => {
  const verified = await checkDecideIdentity(db.sql, principal, req, body);
  if (!verified.ok) throw forbidden(verified.message);
  return decide(db.sql, body);
});

export const OPTIONS = corsPreflight;
