// "Try it" for a fetch node (POST /api/v1/flows/fetch-preview, docs/api.md §5): renders the node's
// request for a real profile, calls it once through the same guard as the runtime (never the cache, so
// the answer is the API's own), and shows what a run would get: status, time, and the JSON or the reason
// it would leave by `failed`. Nothing is stored.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { parseDuration } from "@/lib/conditions/duration";
import { FETCH_DEFAULT_TIMEOUT, FETCH_MAX_TIMEOUT, FetchData } from "@/lib/flow/schema";
import { ApiError } from "@/lib/http/errors";
import { liquidContext, renderTemplate } from "@/lib/liquid/render";
import { findProfileId } from "@/lib/profiles/read";
import { currentGroups } from "@/lib/profiles/groups";
import type { FetchRequest } from "@/lib/engine";
import { callFetchDetailed } from "./fetch";

export const FetchPreviewBody = z
  .object({
    fetch: FetchData.describe("The fetch node's data as the inspector holds it"),
    userId: z.string().min(1).optional().describe("Render for this user (userId or anonymousId); absent: a profile with no traits"),
    flow: z.object({ id: z.string(), name: z.string() }).optional().describe("What `flow.*` reads in the templates"),
    data: z.record(z.string(), z.unknown()).optional().describe("Answers of earlier fetch nodes, read as data.<as>"),
  })
  .meta({ id: "FetchPreviewRequest" });
export type FetchPreviewBody = z.infer<typeof FetchPreviewBody>;

export const FetchPreviewResult = z
  .object({
    request: z.object({ url: z.string(), method: z.enum(["GET", "POST"]), headers: z.record(z.string(), z.string()), body: z.string().optional() }),
    ok: z.boolean().describe("true: a run would leave by `next` with `data` as data.<as>; false: by `failed`"),
    status: z.number().int().optional().describe("The HTTP status, when the API answered"),
    ms: z.number().optional(),
    data: z.unknown().optional(),
    error: z.string().optional().describe("Why a run would leave by `failed` (or why the templates did not render)"),
    text: z.string().optional().describe("The start of the raw answer when it is not usable JSON"),
  })
  .meta({ id: "FetchPreviewResponse" });
export type FetchPreviewResult = z.infer<typeof FetchPreviewResult>;

export async function previewFetch(db: Db, body: FetchPreviewBody): Promise<FetchPreviewResult> {
  let traits: Record<string, unknown> = {};
  let userId: string | null = null;
  let group: Record<string, unknown> | null = null;
  if (body.userId !== undefined) {
    const profileId = await findProfileId(db.sql, body.userId);
    if (!profileId) throw new ApiError(404, "not_found", `No user "${body.userId}"`, [{ path: "userId", message: "No profile has this userId or anonymousId" }]);
    const [row] = await db.sql.query<{ user_id: string | null; traits: Record<string, unknown> }>(`SELECT user_id, traits FROM profiles WHERE id = $1`, [profileId]);
    traits = row?.traits ?? {};
    userId = row?.user_id ?? null;
    group = (await currentGroups(db.sql, [profileId])).get(profileId) ?? null;
  }
  const ctx = liquidContext({ traits, userId, event: null, flow: body.flow ?? { id: "preview", name: "Preview" }, group, data: body.data ?? {} });
  const node = body.fetch;
  const method = node.method ?? "GET";
  const errors: string[] = [];
  const render = (name: string, template: string) => {
    const r = renderTemplate(template, ctx);
    if (!r.ok) errors.push(`${name}: ${r.error}`);
    return r.output;
  };
  const request: FetchRequest = { url: render("url", node.url).trim(), method, headers: {} };
  for (const [k, v] of Object.entries(node.headers ?? {})) request.headers[k] = render(`headers.${k}`, v);
  if (node.body !== undefined && method === "POST") request.body = render("body", node.body);
  if (errors.length) return { request, ok: false, error: `A template did not render: ${errors[0]}` };
  const timeout = Math.min(parseDuration(node.timeout ?? FETCH_DEFAULT_TIMEOUT) ?? 5000, parseDuration(FETCH_MAX_TIMEOUT)!);
  const { answer, text } = await callFetchDetailed(request, Math.max(1, timeout));
  const ms = answer.ms !== undefined ? Math.round(answer.ms) : undefined;
  if (answer.ok) return { request, ok: true, status: answer.status, ...(ms !== undefined ? { ms } : {}), data: answer.data };
  return {
    request,
    ok: false,
    ...(answer.status !== undefined ? { status: answer.status } : {}),
    ...(ms !== undefined ? { ms } : {}),
    error: answer.error,
    ...(text ? { text } : {}),
  };
}
