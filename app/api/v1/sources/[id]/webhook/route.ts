// POST /api/v1/sources/:id/webhook: a CRM's delivery, authenticated by the source's own secret
// (header X-Pathwise-Secret, Authorization: Bearer <secret>, Basic auth with the secret as password —
// as Mixpanel's cohort webhooks send it — or ?secret=).
import { route } from "@/lib/http/route";
import { ApiError } from "@/lib/http/errors";
import { readJson, KB } from "@/lib/http/body";
import { receiveWebhook } from "@/lib/ingest/sources";
import { enforceWebhookLimit } from "@/lib/http/rate-limit";

/** Basic auth: the password, or the user name when the password is empty. */
function basicSecret(auth: string | null): string | null {
  if (!auth || !/^basic\s+/i.test(auth)) return null;
  const decoded = Buffer.from(auth.replace(/^basic\s+/i, "").trim(), "base64").toString("utf8");
  const i = decoded.indexOf(":");
  const user = i < 0 ? decoded : decoded.slice(0, i);
  const pass = i < 0 ? "" : decoded.slice(i + 1);
  return pass || user || null;
}

const CODES = { 400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found" } as const;

export const POST = route({ name: "sources.webhook", access: "public" }, async ({ db, req, params, url }) => {
  // Before the secret is checked: wrong secrets drain the sender's budget too.
  await enforceWebhookLimit(req, params.id);
  const auth = req.headers.get("authorization");
  const secret = req.headers.get("x-pathwise-secret") ?? (auth && /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, "").trim() : null) ?? basicSecret(auth) ?? url.searchParams.get("secret");
  const payload = await readJson(req, 1024 * KB);
  const out = await receiveWebhook(db, params.id, secret, payload);
  if (!out.ok) throw new ApiError(out.status, CODES[out.status], out.message, out.details ?? []);
  return { success: true, records: out.records, accepted: out.accepted, skipped: out.errors, ...out.extra };
});
