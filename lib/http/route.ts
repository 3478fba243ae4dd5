// The one wrapper every API route goes through: authenticate (key, a write key in the body for
// ingestion, or console session), check what the caller may do, read and parse the body within its
// limit, map errors to docs/api.md §3, rate-limit, add CORS, and count the request. It answers Next's
// route handlers (a web Response) and the data plane's node:http server (a Reply) with the same code.
import { z } from "zod";
import { getDb, type Db } from "@/lib/db/client";
import type { KeyKind } from "@/lib/auth/keys";
import { hasRole } from "@/lib/auth/roles";
import { ANONYMOUS, authenticate, authenticateBodyKey, sameOrigin, type Access, type Principal } from "@/lib/auth/principal";
import { ApiError, badRequest, errorReply, forbidden, notFound, unauthorized, zodToDetails } from "./errors";
import { readJson, readText, KB, UNSTORABLE, assertStorableText } from "./body";
import { metrics } from "./metrics";
import { CORS_HEADERS, isCorsPath } from "./cors";
import { callerOf, enforceRateLimit } from "./rate-limit";
import { withFairShare } from "./fair-gate";

export type { Access, Principal };

export type Ctx<B> = {
  req: Request;
  db: Db;
  principal: Principal;
  body: B;
  /** Ingestion mode: the body's text as received (after the limit check). */
  text: string;
  params: Record<string, string>;
  url: URL;
};

type Options<S extends z.ZodType | undefined> = {
  name: string;
  access: Access;
  body?: S;
  /** Body limit in bytes (default 1 MB). */
  limit?: number;
  /** Answers carry CORS headers even outside /api/v1 (every /api/v1 answer carries them anyway). */
  cors?: boolean;
  /** The status for a body of the wrong shape: 400 by default. */
  invalidStatus?: 400 | 422;
  /**
   * Ingestion (Segment's shapes): the body is JSON whatever its content type (analytics.js sends
   * text/plain), may name the write key as `writeKey`, and who is asking is settled before a malformed
   * body is reported (a stranger gets 401, not 400). The handler gets the parsed JSON and its text.
   */
  ingest?: boolean;
};

type Handler<B> = (ctx: Ctx<B>) => Promise<Response | unknown> | Response | unknown;

/** What a route answers, before it becomes a web Response (Next) or is written to a node:http response (data plane). */
export type Reply = { status: number; headers: Record<string, string>; json?: string; response?: Response };

type Params = Record<string, string | string[]>;

/** A route handler: Next calls it with a Request; the data plane calls `.reply()` and writes the Reply itself. */
export type RouteHandler = ((req: Request, context?: { params?: Promise<Params> }) => Promise<Response>) & {
  reply: (req: Request, params?: Params) => Promise<Reply>;
  routeName: string;
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export { authenticate, sameOrigin };

function authorize(principal: Principal, access: Access, req: Request) {
  if (access === "public") return;
  if (principal.kind === "anonymous") throw unauthorized();
  if (principal.kind === "write") {
    if (access !== "write") throw forbidden("A write key may only send events, ask for decisions and record outcomes; use a secret key");
    return;
  }
  if (principal.kind === "session") {
    if (!SAFE_METHODS.has(req.method) && !sameOrigin(req)) throw forbidden("Cross-origin requests may not use the console session");
    if (access !== "write" && !hasRole(principal.role, access)) {
      throw forbidden(`This needs the ${access} role; your account is ${principal.role}`);
    }
  }
}

function parseJsonText(text: string): unknown {
  if (text.trim() === "") throw new ApiError(400, "invalid_json", "The request body is empty; send a JSON object");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, "invalid_json", `The request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Ingestion's caller and body: the limit first (413), then who is asking, then whether the JSON parses. */
async function ingestCaller(req: Request, db: Db, limit: number): Promise<{ principal: Principal; raw: unknown; text: string }> {
  const text = await readText(req, limit);
  let raw: unknown;
  let malformed: unknown = null;
  try {
    raw = parseJsonText(text);
  } catch (err) {
    malformed = err;
  }
  let p: Principal | null;
  try {
    p = await authenticate(req, db);
    // A key in the header that names nothing is a 401, never a fall back to the body's key.
    if (!p && !req.headers.get("authorization") && !malformed && raw && typeof raw === "object") {
      p = await authenticateBodyKey(db, (raw as { writeKey?: unknown }).writeKey);
    }
  } catch (err) {
    await enforceRateLimit(req, "write", null);
    throw err;
  }
  // Failed authentications drain the address's bucket too, which slows key guessing. Limits count
  // messages, not requests: a batch of 500 costs 500 (at least 1 for a bad body).
  const batch = !malformed && raw && typeof raw === "object" ? (raw as { batch?: unknown }).batch : undefined;
  await enforceRateLimit(req, "write", p, Array.isArray(batch) ? Math.max(1, batch.length) : 1);
  if (!p) throw unauthorized();
  if (malformed) throw malformed;
  assertStorableText(text, raw);
  return { principal: p, raw, text };
}

async function run<B>(opts: Options<z.ZodType | undefined>, handler: Handler<B>, req: Request, rawParams: Params): Promise<Reply> {
  const db = await getDb();
  let principal: Principal = ANONYMOUS;
  let body: unknown = undefined;
  let text = "";
  if (opts.ingest) {
    ({ principal, raw: body, text } = await ingestCaller(req, db, opts.limit ?? 1024 * KB));
  } else if (opts.access !== "public") {
    const p = await authenticate(req, db);
    // Failed authentications drain the address's bucket too, which slows key guessing.
    await enforceRateLimit(req, opts.access, p);
    if (!p) throw unauthorized();
    principal = p;
  }
  authorize(principal, opts.access, req);
  if (opts.body) {
    const raw = await readJson(req, opts.limit ?? 1024 * KB);
    const parsed = opts.body.safeParse(raw);
    if (!parsed.success) {
      const details = zodToDetails(parsed.error);
      throw opts.invalidStatus === 422
        ? new ApiError(422, "invalid_request", "The request has fields of the wrong shape", details)
        : badRequest(`The request has fields of the wrong shape: ${details.map((d) => `${d.path || "(body)"}: ${d.message}`).slice(0, 3).join("; ")}`, details);
    }
    body = parsed.data;
  }
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawParams)) params[k] = Array.isArray(v) ? v.join("/") : v;
  // PostgreSQL cannot compare text holding NUL or a lone surrogate (it errors: a 500); nothing
  // stored can hold one, so such an id names nothing and such a query value is malformed.
  if (Object.values(params).some((v) => UNSTORABLE.test(v))) throw notFound();
  const url = new URL(req.url);
  for (const [k, v] of url.searchParams) {
    if (UNSTORABLE.test(v)) throw badRequest(`${k}: text may not contain NUL characters or unpaired surrogates`, [{ path: k, message: "Text may not contain NUL characters or unpaired surrogates" }]);
  }
  const call = () => Promise.resolve(handler({ req, db, principal, body: body as B, text, params, url }));
  // Write-path routes (ingestion, /decide, /outcomes) share this instance's slots fairly between callers.
  const result = opts.access === "write" ? await withFairShare(callerOf(req, principal), call) : await call();
  if (result instanceof Response) return { status: result.status, headers: {}, response: result };
  return { status: 200, headers: { "content-type": "application/json" }, json: JSON.stringify(result ?? { success: true }) };
}

export function route<S extends z.ZodType | undefined = undefined>(opts: Options<S>, handler: Handler<S extends z.ZodType ? z.infer<S> : undefined>): RouteHandler {
  const reply = async (req: Request, params: Params = {}): Promise<Reply> => {
    const started = performance.now();
    let out: Reply;
    try {
      out = await run(opts, handler, req, params);
    } catch (err) {
      const e = errorReply(err);
      out = { status: e.status, headers: { ...e.headers, "content-type": "application/json" }, json: e.json };
    }
    if (opts.cors || corsFor(req)) {
      if (out.response) for (const [k, v] of Object.entries(CORS_HEADERS)) out.response.headers.set(k, v);
      else Object.assign(out.headers, CORS_HEADERS);
    }
    const m = metrics();
    m.httpRequests.inc({ route: opts.name, method: req.method, status: String(out.status) });
    m.httpDuration.observe({ route: opts.name, method: req.method }, (performance.now() - started) / 1000);
    return out;
  };
  const next = async (req: Request, context?: { params?: Promise<Params> }): Promise<Response> => {
    const out = await reply(req, (await context?.params) ?? {});
    return out.response ?? new Response(out.json ?? null, { status: out.status, headers: out.headers });
  };
  return Object.assign(next, { reply, routeName: opts.name });

}

/** Every answer under /api/v1 carries CORS headers (docs/api.md §4), errors included. */
function corsFor(req: Request): boolean {
  // The path without building a URL: this runs on every request.
  const u = req.url;
  const start = u.indexOf("/", u.indexOf("//") + 2);
  return start >= 0 && isCorsPath(u.slice(start).split(/[?#]/, 1)[0]);
}

export const json = (data: unknown, status = 200, headers?: Record<string, string>) => Response.json(data, { status, headers });

export type { KeyKind };
