// POST /api/v1/decide (CONTRACT §6): per placement, the in_app content the user's runs have reached.
import { route } from "@/lib/http/route";
import { KB } from "@/lib/http/body";
import { DecideBody, decide } from "@/lib/runtime/decide";

export const POST = route({ name: "decide", access: "write", body: DecideBody, limit: 32 * KB }, async ({ db, body }) => decide(db.sql, body));
