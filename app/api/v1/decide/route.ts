// POST /api/v1/decide (docs/api.md §6): per placement, the in_app content the user's runs have reached.
import { route } from "@/lib/http/route";
import { corsPreflight } from "@/lib/http/cors";
import { KB } from "@/lib/http/body";
import { DecideBody, decideAs } from "@/lib/runtime/decide";
import { decideCache } from "@/lib/runtime/decide-cache";

export const POST = route({ name: "decide", access: "write", cors: true, body: DecideBody, limit: 32 * KB }, async ({ db, body, principal, req }) => decideAs(db.sql, principal, req, body, decideCache(db)));

export const OPTIONS = corsPreflight;
